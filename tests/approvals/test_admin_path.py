"""The main path through Wagtail's real admin URLs, with Django's test client."""

import json

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from repository.approvals.models import ApprovalForm, ApprovalTask, PublicationTask, RequestTask
from repository.approvals.submission import SUBMIT_ACTION

from .html_forms import form_fields

pytestmark = pytest.mark.django_db


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def editor_post(client, page, **extra):
    response = client.get(edit_url(page))
    assert response.status_code == 200
    data = form_fields(response.content.decode(), "page-edit-form")
    data.update(extra)
    return client.post(edit_url(page), data)


def task_state(page):
    page.refresh_from_db()
    return page.current_workflow_state.current_task_state


def action_url(page, action):
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state(page).pk])


def test_draft_to_live_through_the_admin(client, draft, provider, approver, publisher):
    # 1. The provider submits from the editor: Wagtail's plain submit, without the request's fields, is refused ...
    client.force_login(provider)
    response = editor_post(client, draft, **{"action-submit": "1"})
    assert response.status_code == 400 and draft.current_workflow_state is None

    # ... and the one-step submission (the dialog's fields posted with the edit) makes the request.
    request_data = {"subject": draft.title, "details": draft.summary, "external_link": "",
                    "remarks": "ส่งผ่านหน้าจอผู้ดูแล", "confirmed_measure_1_1": True}
    response = editor_post(client, draft, **{
        "action-workflow-action": "true", "workflow-action-name": SUBMIT_ACTION,
        "workflow-action-extra-data": json.dumps(request_data),
    })
    assert response.status_code == 302
    assert isinstance(task_state(draft).task.specific, ApprovalTask)

    # The provider cannot approve, nor publish from the editor.
    refused = client.post(action_url(draft, "approve"))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")  # Wagtail's permission denied
    assert isinstance(task_state(draft).task.specific, ApprovalTask)
    editor_post(client, draft, **{"action-publish": "1"})
    draft.refresh_from_db()
    assert not draft.live

    # 2. The approver sees the form under review, and approves with a comment.
    client.force_login(approver)
    review = client.get(reverse("approvals:page_forms", args=[draft.pk]))
    assert review.status_code == 200 and "ส่งผ่านหน้าจอผู้ดูแล" in review.content.decode()
    response = client.post(action_url(draft, "approve"), {"comment": "เห็นชอบให้เผยแพร่"})
    assert response.status_code == 302
    assert isinstance(task_state(draft).task.specific, PublicationTask)

    # 3. The publisher's editor "Publish" is refused: the workflow is the way.
    client.force_login(publisher)
    response = editor_post(client, draft, **{"action-publish": "1"})
    draft.refresh_from_db()
    assert not draft.live
    assert isinstance(task_state(draft).task.specific, PublicationTask)
    response = client.post(action_url(draft, "approve"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.live

    form = ApprovalForm.objects.get(page=draft)
    assert (form.provider, form.approver, form.publisher) == (provider, approver, publisher)
    assert form.remarks == "ส่งผ่านหน้าจอผู้ดูแล" and form.approver_comment == "เห็นชอบให้เผยแพร่"


def test_send_back_in_the_admin_needs_a_reason_and_the_provider_sees_it(client, draft, provider, approver):
    from repository.approvals.actions import SubmitForApprovalAction

    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    client.force_login(approver)
    client.post(action_url(draft, "reject"), {"comment": ""})
    assert WorkflowState.objects.get(object_id=str(draft.pk)).status == WorkflowState.STATUS_IN_PROGRESS
    reason = "ชื่อเรื่องไม่ตรงกับหนังสือราชการ กรุณาแก้ไข"
    client.post(action_url(draft, "reject"), {"comment": reason})
    assert WorkflowState.objects.get(object_id=str(draft.pk)).status == WorkflowState.STATUS_NEEDS_CHANGES

    client.force_login(provider)
    assert reason in client.get(reverse("approvals:page_forms", args=[draft.pk])).content.decode()
    # Wagtail's own editor shows the rejection comment to the provider too.
    assert reason in client.get(edit_url(draft)).content.decode()


def test_the_editor_hides_publish_for_disclosures(client, draft, administrator):
    client.force_login(administrator)
    html = client.get(edit_url(draft)).content.decode()
    assert 'name="action-publish"' not in html
    assert reverse("approvals:override_publish", args=[draft.pk]) in html


def test_override_view_requires_a_reason(client, draft, administrator, provider):
    url = reverse("approvals:override_publish", args=[draft.pk])
    client.force_login(provider)
    assert client.get(url).url == reverse("wagtailadmin_home")  # Wagtail's permission denied
    client.force_login(administrator)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "ต้องระบุเหตุผล" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.live
    client.post(url, {"reason": "เผยแพร่ตามคำสั่งจังหวัด เนื่องจากผู้อนุมัติไม่อยู่ราชการ"})
    draft.refresh_from_db()
    assert draft.live
    assert ApprovalForm.objects.get(page=draft).kind == ApprovalForm.Kind.OVERRIDE


def test_a_page_left_at_the_request_step_is_submitted_in_one_step_too(client, draft, provider, approver):
    """A workflow started by Wagtail's own submit (before one-step submission) waits at the request step."""
    draft.get_workflow().start(draft, provider)
    assert isinstance(task_state(draft).task.specific, RequestTask)
    client.force_login(provider)
    html = client.get(edit_url(draft)).content.decode()
    assert f'data-workflow-action-name="{SUBMIT_ACTION}"' in html
    assert "data-workflow-action-name=\"request\"" not in html  # one button, not two
    # Wagtail's own request dialog still starts from the page.
    collect = reverse("wagtailadmin_pages:collect_workflow_action_data", args=[draft.pk, "request", task_state(draft).pk])
    assert draft.title[:40] in client.get(collect).json()["html"]

    response = editor_post(client, draft, **{
        "action-workflow-action": "true", "workflow-action-name": SUBMIT_ACTION,
        "workflow-action-extra-data": json.dumps({"subject": draft.title, "details": "สรุป", "confirmed_measure_1_1": True}),
    })
    assert response.status_code == 302
    assert isinstance(task_state(draft).task.specific, ApprovalTask)
    assert WorkflowState.objects.for_instance(draft).count() == 1
