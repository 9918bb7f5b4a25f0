"""The approvals workflow leaves a matching sealed trail: who submitted, approved, sent back,
published or overrode, with their comments and reasons, and the approval form record."""

import pytest
from wagtail.models import PageLogEntry

from repository.approvals.actions import (
    ApproveAction,
    OverridePublishAction,
    PublishAction,
    SendBackAction,
    SubmitForApprovalAction,
)
from repository.approvals.models import ApprovalForm
from repository.audit.chain import verify_chain
from repository.audit.models import AuditRecord
from repository.audit.replay import object_timeline, version_state
from tests.approvals.conftest import (  # noqa: F401 - fixtures
    administrator,
    agency,
    approver,
    draft,
    make_draft,
    news_index,
    provider,
    publisher,
)

pytestmark = pytest.mark.django_db


def submit(page, user):
    return SubmitForApprovalAction(page, user, remarks="ตรวจสอบแล้ว", confirmed_measure_1_1=True).execute()


def test_workflow_trail_agrees_with_wagtails_log(draft, provider, approver, publisher):  # noqa: F811
    submit(draft, provider)
    SendBackAction(draft, approver, "กรุณาแก้ไขวันที่ออกเอกสารให้ตรงกับหนังสือ").execute()
    submit(draft, provider)
    ApproveAction(draft, approver, comment="เห็นชอบ").execute()
    PublishAction(draft, publisher).execute()

    log_actions = list(PageLogEntry.objects.filter(page=draft).order_by("pk").values_list("pk", "action"))
    records = list(AuditRecord.objects.filter(page_id=draft.pk).order_by("sequence").values_list(
        "log_entry_id", "action"))
    assert records == log_actions
    timeline = object_timeline(draft)
    reject = next(e for e in timeline if e["action"] == "wagtail.workflow.reject")
    assert reject["comment"] == "กรุณาแก้ไขวันที่ออกเอกสารให้ตรงกับหนังสือ"
    assert reject["user"] == approver.full_name
    assert timeline[-1]["action"] == "wagtail.publish" and timeline[-1]["user"] == publisher.full_name

    form = ApprovalForm.objects.get(page=draft)
    record = AuditRecord.objects.get(object_model="approvals.approvalform", object_id=str(form.pk))
    assert record.action == "approvals.form" and record.agency_code == form.agency.code
    assert record.user_name == publisher.full_name
    assert version_state(record.version_id)["approver_name"] == approver.full_name
    assert verify_chain().ok


def test_administrator_override_is_recorded_with_its_reason(draft, provider, administrator):  # noqa: F811
    submit(draft, provider)
    reason = "ระบบอนุมัติขัดข้อง ผู้ว่าราชการจังหวัดสั่งการให้เผยแพร่ด่วนตามหนังสือสั่งการ"
    OverridePublishAction(draft, administrator, reason).execute()
    override = AuditRecord.objects.get(page_id=draft.pk, action="approvals.override_publish")
    assert override.revision.comment == reason and override.user_name == administrator.full_name
    assert AuditRecord.objects.filter(page_id=draft.pk, action="wagtail.publish", sequence__gt=override.sequence,
                                      live=True).exists()
    assert verify_chain().ok
