"""The procedure through Wagtail's own workflow machinery, called through the actions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from repository.approvals.actions import (
    ApprovalActionError,
    ApproveAction,
    PublishAction,
    SendBackAction,
    SubmitForApprovalAction,
)
from repository.approvals.models import ApprovalForm, ApprovalTask, PublicationTask, RequestTask, RequestTaskState
from repository.approvals.workflow import verified_revision

pytestmark = pytest.mark.django_db


def submit(page, user, **data):
    data = {"remarks": "ตรวจสอบแล้ว", "confirmed_measure_1_1": True, **data}
    return SubmitForApprovalAction(page, user, **data).execute()


def current_task(page):
    page.refresh_from_db()
    state = page.current_workflow_state
    return state.current_task_state.task.specific if state and state.current_task_state else None


def test_full_path_publishes_and_records_one_form_matching_the_workflow_log(draft, provider, approver, publisher):
    assert draft.get_workflow().name.startswith("การขออนุมัติ")
    submit(draft, provider)
    assert isinstance(current_task(draft), ApprovalTask)
    ApproveAction(draft, approver, comment="เห็นชอบ").execute()
    assert isinstance(current_task(draft), PublicationTask)
    assert not draft.live
    PublishAction(draft, publisher).execute()

    draft.refresh_from_db()
    assert draft.live
    workflow_state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert workflow_state.status == WorkflowState.STATUS_APPROVED

    form = ApprovalForm.objects.get(page=draft)
    assert form.kind == ApprovalForm.Kind.NORMAL
    assert form.is_complete
    assert form.revision_id == draft.live_revision_id
    assert form.agency == draft.agency
    assert form.subject == draft.title and form.details == draft.summary
    assert form.remarks == "ตรวจสอบแล้ว" and form.confirmed_measure_1_1
    assert form.published_at == draft.last_published_at

    # Names, positions and times are those of Wagtail's own workflow log.
    for role, user, task_model in [
        ("provider", provider, RequestTask),
        ("approver", approver, ApprovalTask),
        ("publisher", publisher, PublicationTask),
    ]:
        state = TaskState.objects.get(workflow_state=workflow_state, status="approved",
                                      task__content_type__model=task_model._meta.model_name)
        entry = PageLogEntry.objects.get(action="wagtail.workflow.approve", data__workflow__task_state_id=state.pk)
        assert entry.user == user == state.finished_by
        assert getattr(form, f"{role}_name") == user.full_name
        assert getattr(form, f"{role}_position") == user.position
        if role != "publisher":
            stamp = form.provided_at if role == "provider" else form.approved_at
            assert stamp == entry.timestamp
    assert form.approver_comment == "เห็นชอบ"
    assert form.provided_at <= form.approved_at <= form.published_at


def test_a_provider_cannot_publish(draft, provider):
    submit(draft, provider)
    assert not draft.permissions_for_user(provider).can_publish()
    with pytest.raises(ApprovalActionError):
        ApproveAction(draft, provider).execute()
    with pytest.raises(ApprovalActionError):
        PublishAction(draft, provider).execute()
    draft.refresh_from_db()
    assert not draft.live


def test_an_approver_cannot_approve_their_own_submission(agency, draft, provider):
    from repository.approvals import roles

    from .conftest import make_user

    both = make_user("both", "สองบทบาท ทดสอบ", "หัวหน้างาน", roles.PROVIDER, roles.APPROVER, agency=agency)
    submit(draft, both)
    task = current_task(draft)
    assert isinstance(task, ApprovalTask)
    assert task.get_actions(draft, both) == []
    with pytest.raises(ApprovalActionError):
        ApproveAction(draft, both).execute()
    with pytest.raises(PermissionDenied):
        task.on_action(draft.current_workflow_task_state, both, "approve")
    assert isinstance(current_task(draft), ApprovalTask)


def test_a_publisher_cannot_publish_an_unapproved_revision(draft, provider, publisher):
    with pytest.raises(ApprovalActionError):
        PublishAction(draft, publisher).execute()  # not even submitted
    submit(draft, provider)
    with pytest.raises(ApprovalActionError):
        PublishAction(draft, publisher).execute()  # submitted, not approved
    draft.refresh_from_db()
    assert not draft.live
    assert not ApprovalForm.objects.exists()


def test_a_publisher_cannot_publish_a_revision_changed_since_approval(draft, provider, approver, publisher):
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    approved_revision = draft.get_latest_revision()
    workflow_state = draft.current_workflow_state

    draft.title = draft.title + " (แก้ไขหลังอนุมัติ)"
    changed = draft.save_revision(user=provider)
    assert changed.pk != approved_revision.pk

    # Wagtail's own check: the approvals no longer cover the latest revision.
    PublishAction(draft, publisher).execute()
    draft.refresh_from_db()
    assert not draft.live
    assert isinstance(current_task(draft), RequestTask)  # back to the provider for a new request
    # And the finish action refuses it independently of Wagtail's setting.
    with pytest.raises(PermissionDenied):
        verified_revision(workflow_state)
    assert not ApprovalForm.objects.exists()

    # A new request and approval of the changed revision lets it go live.
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    draft.refresh_from_db()
    assert draft.live and draft.live_revision_id == changed.pk
    assert ApprovalForm.objects.get(page=draft).revision_id == changed.pk


def test_send_back_requires_a_reason_and_carries_it(draft, provider, approver, publisher):
    submit(draft, provider)
    with pytest.raises(ValidationError):
        SendBackAction(draft, approver, reason="  ").execute()
    assert isinstance(current_task(draft), ApprovalTask)

    reason = "กรุณาแนบเอกสารประกอบและแก้ไขชื่อเรื่องให้ตรงกับหนังสือ"
    SendBackAction(draft, approver, reason=reason).execute()
    state = WorkflowState.objects.get(object_id=str(draft.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = state.current_task_state
    assert rejected.status == TaskState.STATUS_REJECTED and rejected.comment == reason
    assert PageLogEntry.objects.get(action="wagtail.workflow.reject", page=draft).data["comment"] == reason

    # The provider changes the page and resubmits: the request step comes first again.
    draft.summary = draft.summary + " แนบเอกสารแล้ว"
    draft.save_revision(user=provider)
    submit(draft, provider, remarks="แก้ไขตามที่ส่งกลับ")
    assert isinstance(current_task(draft), ApprovalTask)
    assert RequestTaskState.objects.filter(workflow_state=state, status="approved").count() == 2
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    form = ApprovalForm.objects.get(page=draft)
    assert form.remarks == "แก้ไขตามที่ส่งกลับ"
    assert form.details.endswith("แนบเอกสารแล้ว")


def test_the_publisher_can_send_back_too_and_must_be_a_third_person(agency, draft, provider, approver):
    from repository.approvals import roles

    from .conftest import make_user

    approver.groups.add(roles.grant_agency_roles(agency)[roles.PUBLISHER])
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    with pytest.raises(ApprovalActionError):
        PublishAction(draft, approver).execute()  # the approver may not also publish
    other = make_user("pub2", "มานี เผยแพร่", "เจ้าพนักงานธุรการ", roles.PUBLISHER, agency=agency)
    SendBackAction(draft, other, reason="ลิงก์ภายนอกเปิดไม่ได้").execute()
    assert WorkflowState.objects.get(object_id=str(draft.pk)).status == WorkflowState.STATUS_NEEDS_CHANGES


def test_roles_are_scoped_to_the_agencys_part_of_the_tree(other_agency, draft, provider, approver):
    from repository.approvals import roles

    from .conftest import make_user

    outsider = make_user("outsider", "คนนอก หน่วยงาน", "หัวหน้าสำนักงาน", roles.APPROVER, agency=other_agency)
    with pytest.raises(ApprovalActionError):
        SubmitForApprovalAction(draft, approver).execute()  # an approver is not a provider
    submit(draft, provider)
    with pytest.raises(ApprovalActionError):
        ApproveAction(draft, outsider).execute()
    assert not draft.permissions_for_user(outsider).can_edit()
    assert draft.permissions_for_user(provider).can_edit()


def test_submit_validates_the_form_and_changes_nothing_on_bad_input(draft, provider):
    with pytest.raises(ValidationError):
        SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=False).execute()
    with pytest.raises(ValidationError):
        SubmitForApprovalAction(draft, provider, external_link="not a url at all").execute()
    assert not WorkflowState.objects.exists()


def test_republishing_makes_a_new_record_that_corrects_the_previous(draft, provider, approver, publisher):
    for summary in (None, "สรุปฉบับแก้ไข"):
        if summary:
            draft.summary = summary
            draft.save_revision(user=provider)
        submit(draft, provider)
        ApproveAction(draft, approver).execute()
        PublishAction(draft, publisher).execute()
        draft.refresh_from_db()
    first, second = ApprovalForm.objects.filter(page=draft).order_by("published_at")
    assert second.corrects == first
    assert second.details == "สรุปฉบับแก้ไข"


def test_a_published_form_is_immutable(draft, provider, approver, publisher):
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    form = ApprovalForm.objects.get(page=draft)
    form.subject = "พิมพ์ทับภายหลัง"
    with pytest.raises(PermissionDenied):
        form.save()
    with pytest.raises(PermissionDenied):
        form.delete()
    assert ApprovalForm.objects.get(pk=form.pk).subject == draft.title


def test_deleting_the_page_keeps_the_evidence(draft, provider, approver, publisher):
    submit(draft, provider)
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    title = draft.title
    draft.delete()
    form = ApprovalForm.objects.get()
    assert form.page is None and form.page_title == title and form.provider_name == provider.full_name


def test_each_step_notifies_the_people_of_the_next_role(mailoutbox, draft, provider, approver, publisher):
    submit(draft, provider)
    to_approver = [mail for mail in mailoutbox if approver.email in mail.to]
    assert to_approver and draft.title[:20] in to_approver[0].body
    assert not [mail for mail in mailoutbox if publisher.email in mail.to]
    ApproveAction(draft, approver).execute()
    assert [mail for mail in mailoutbox if publisher.email in mail.to]
