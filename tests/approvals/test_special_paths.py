"""The emergency fast track, the administrator's override, and scheduled publishing."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision

from repository.approvals.actions import (
    ApprovalActionError,
    ApproveAction,
    EmergencyPublishAction,
    OverridePublishAction,
    PublishAction,
    SubmitForApprovalAction,
)
from repository.approvals.models import ApprovalForm
from repository.models import EmergencyAnnouncementPage
from tests.factories import corpus_records

pytestmark = pytest.mark.django_db


def submit(page, user):
    return SubmitForApprovalAction(page, user, confirmed_measure_1_1=True).execute()


@pytest.fixture
def emergency_draft(make_draft):
    record = corpus_records()[5]
    page = EmergencyAnnouncementPage(
        title=record.title[:255], slug=f"emergency-{record.id}", summary=record.body.split("\n")[0][:400],
        issue_date=timezone.localdate(), affected_area="อำเภอเมืองอุทัยธานี",
        valid_until=timezone.now() + datetime.timedelta(days=3),
    )
    return make_draft(page)


def test_emergency_fast_track_one_authorised_approver_approves_and_publishes(
    emergency_draft, provider, approver, emergency_approver
):
    submit(emergency_draft, provider)
    # An ordinary approver is not offered the fast track.
    with pytest.raises(ApprovalActionError):
        EmergencyPublishAction(emergency_draft, approver).execute()
    EmergencyPublishAction(emergency_draft, emergency_approver, comment="เหตุอุทกภัย เผยแพร่ทันที").execute()

    emergency_draft.refresh_from_db()
    assert emergency_draft.live
    form = ApprovalForm.objects.get(page=emergency_draft)
    assert form.kind == ApprovalForm.Kind.EMERGENCY
    assert form.is_complete
    assert form.provider_name == provider.full_name
    assert form.approver_name == form.publisher_name == emergency_approver.full_name
    assert form.approver_position == emergency_approver.position
    assert PageLogEntry.objects.filter(action="approvals.emergency_publish", page=emergency_draft).count() == 1


def test_the_fast_track_is_only_for_emergency_announcements(draft, provider, emergency_approver):
    submit(draft, provider)
    with pytest.raises(ApprovalActionError):
        EmergencyPublishAction(draft, emergency_approver).execute()
    draft.refresh_from_db()
    assert not draft.live


def test_override_requires_a_reason_and_records_it(draft, provider, administrator, auditor):
    submit(draft, provider)
    for reason in ("", "   ", "สั้นไป"):
        with pytest.raises(ValidationError):
            OverridePublishAction(draft, administrator, reason).execute()
    with pytest.raises(ApprovalActionError):
        OverridePublishAction(draft, provider, "ผู้ให้ข้อมูลพยายามเผยแพร่เอง ซึ่งต้องไม่ได้").execute()
    draft.refresh_from_db()
    assert not draft.live and draft.workflow_in_progress

    reason = "ระบบอนุมัติขัดข้อง ผู้ว่าราชการจังหวัดสั่งการให้เผยแพร่ด่วนตามหนังสือสั่งการ"
    OverridePublishAction(draft, administrator, reason).execute()
    draft.refresh_from_db()
    assert draft.live and not draft.workflow_in_progress
    entry = PageLogEntry.objects.get(action="approvals.override_publish", page=draft)
    assert entry.user == administrator and entry.data["reason"] == reason
    assert entry.revision_id == draft.live_revision_id
    assert reason in entry.message  # shown in the page history through the registered log action
    form = ApprovalForm.objects.get(page=draft)
    assert form.kind == ApprovalForm.Kind.OVERRIDE and form.override_reason == reason
    assert form.publisher_name == administrator.full_name and form.is_complete


def test_scheduled_go_live_publishes_through_the_same_checks(draft, provider, approver, publisher):
    go_live = timezone.now() + datetime.timedelta(hours=2)
    draft.go_live_at = go_live
    draft.save_revision(user=provider)
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    draft.refresh_from_db()
    revision = draft.get_latest_revision()
    assert not draft.live and abs(revision.approved_go_live_at - go_live) < datetime.timedelta(seconds=1)
    assert not ApprovalForm.objects.exists()  # nothing went live yet

    call_command("publish_scheduled", stdout=io.StringIO(), stderr=io.StringIO())
    draft.refresh_from_db()
    assert not draft.live  # not yet due

    # Two hours pass: the go-live time (in the approved revision and its schedule) is now behind us.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=io.StringIO())
    draft.refresh_from_db()
    assert draft.live and draft.live_revision_id == revision.pk
    form = ApprovalForm.objects.get(page=draft)
    assert form.publisher_name == publisher.full_name and form.approver_name == approver.full_name
    assert PageLogEntry.objects.filter(action="wagtail.publish.scheduled", page=draft).exists()


def test_publish_scheduled_refuses_a_revision_the_procedure_did_not_approve(draft, provider):
    revision = draft.get_latest_revision()
    # Scheduled by something outside the procedure (not through the workflow).
    Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=timezone.now() - datetime.timedelta(minutes=5))
    errors = io.StringIO()
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=errors)
    draft.refresh_from_db()
    assert not draft.live
    assert "Refused" in errors.getvalue()
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    assert PageLogEntry.objects.filter(action="approvals.refused_scheduled_publish", page=draft).exists()
    assert not ApprovalForm.objects.exists()


def test_scheduled_expiry_unpublishes(draft, provider, approver, publisher):
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    draft.refresh_from_db()
    assert draft.live
    type(draft).objects.filter(pk=draft.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=io.StringIO())
    draft.refresh_from_db()
    assert not draft.live and draft.expired
