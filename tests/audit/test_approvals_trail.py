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
    shared_province,
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


def test_each_workflow_step_reads_as_what_its_person_did(  # noqa: F811
        client, auditor, draft, provider, approver, publisher, tmp_path):  # noqa: F811
    """Issue 13: Wagtail logs every finished task as wagtail.workflow.approve, so the provider's request read
    as "อนุมัติ". The auditor sees the request as ยื่นขออนุมัติเผยแพร่, the approver's approval as อนุมัติ and
    the publisher's step as เผยแพร่ — in the admin, its filter, the API's events and filter, and the archive —
    while the sealed entries stay as Wagtail logged them."""
    import json

    from django.urls import reverse

    from repository.audit.export import export_archive

    submit(draft, provider)
    ApproveAction(draft, approver, comment="เห็นชอบ").execute()
    PublishAction(draft, publisher).execute()
    steps = [e for e in object_timeline(draft) if e["logged_action"] == "wagtail.workflow.approve"]
    assert [(e["user"], e["action"], e["action_label"]) for e in steps] == [
        (provider.full_name, "approvals.request", "ยื่นขออนุมัติเผยแพร่"),
        (approver.full_name, "wagtail.workflow.approve", "อนุมัติ"),
        (publisher.full_name, "approvals.publication", "เผยแพร่ (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)"),
    ]
    # Sealed history is not rewritten: the entries hold what Wagtail logged, and still verify.
    assert set(AuditRecord.objects.filter(sequence__in=[e["sequence"] for e in steps]).values_list(
        "action", flat=True)) == {"wagtail.workflow.approve"}
    assert verify_chain().ok

    client.force_login(auditor)

    def shown(**query):
        events = client.get(reverse("audit_timeline"), query).context["events"]
        return {(e["user"], e["action"]) for e in events if e["page_id"] == draft.pk}

    assert shown(action="อนุมัติ") == {(approver.full_name, "wagtail.workflow.approve")}
    assert shown(action="wagtail.workflow.approve") == {(approver.full_name, "wagtail.workflow.approve")}
    assert shown(action="ยื่นขออนุมัติเผยแพร่") == shown(action="approvals.request") == {
        (provider.full_name, "approvals.request")}
    published = shown(action="เผยแพร่")
    assert (publisher.full_name, "approvals.publication") in published
    assert (publisher.full_name, "wagtail.publish") in published
    assert not any(user == provider.full_name for user, _action in published)
    history = client.get(reverse("audit_object", args=["repository.newspage", draft.pk])).content.decode()
    assert ">ยื่นขออนุมัติเผยแพร่<" in history and history.count(">อนุมัติ<") == 1

    for name, expected in (("อนุมัติ", {"wagtail.workflow.approve"}), ("ยื่นขออนุมัติเผยแพร่", {"approvals.request"}),
                           ("approvals.request", {"approvals.request"})):
        results = client.get("/api/v1/audit/events", {"page_id": draft.pk, "action": name}).json()["results"]
        assert {e["action"] for e in results} == expected, name
        assert {e["logged_action"] for e in results} == {"wagtail.workflow.approve"}
    api_history = client.get(f"/api/v1/pages/{draft.pk}/@history").json()["versions"]
    assert [e["action_label"] for e in api_history if e["logged_action"] == "wagtail.workflow.approve"] == [
        "ยื่นขออนุมัติเผยแพร่", "อนุมัติ", "เผยแพร่ (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)"]

    export_archive(tmp_path / "archive")
    lines = [json.loads(line) for line in (tmp_path / "archive" / "entries.ndjson").read_text().splitlines()]
    acts = [(line["act"], line["act_label"]) for line in lines
            if line["payload"]["page_id"] == draft.pk and line["payload"]["action"] == "wagtail.workflow.approve"]
    assert [a for a, _label in acts] == ["approvals.request", "wagtail.workflow.approve", "approvals.publication"]
