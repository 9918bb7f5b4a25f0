"""Submitting from the editor in one step, and the messages that say whose queue the page is in.

Through Wagtail's real edit view, its workflow and the request dialog, with Django's test client
posting what the browser posts: the dialog's form (``approvals:submit_request``), then the editor's
form with the dialog's fields as Wagtail's ``workflow-action.js`` sends them.
"""

import datetime
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision, TaskState, WorkflowState

from repository.approvals import roles
from repository.approvals.actions import ApproveAction, EmergencyPublishAction, PublishAction, SubmitForApprovalAction
from repository.approvals.models import ApprovalForm, ApprovalTask, PublicationTask, RequestTask, RequestTaskState
from repository.approvals.outcomes import describe
from repository.approvals.submission import SUBMIT_ACTION
from repository.approvals.workflow import check_signers
from repository.models import EmergencyAnnouncementPage
from tests.factories import corpus_records

from .conftest import make_user
from .html_forms import form_fields

pytestmark = pytest.mark.django_db


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def dialog_url(page):
    return reverse("approvals:submit_request", args=[page.pk])


def editor_fields(client, page):
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return form_fields(response.content.decode(), "page-edit-form")


def messages_of(response):
    """The messages this request added (not earlier unread ones), without Wagtail's buttons."""
    queued = get_messages(response.wsgi_request)._queued_messages
    return [str(message.message).split("<", 1)[0].strip() for message in queued]


def dialog(client, page):
    """The request dialog as the editor opens it: ``(html, its form's fields)``."""
    response = client.get(dialog_url(page))
    assert response.status_code == 200
    html = response.json()["html"]
    return html, form_fields(html)


def submit_through_the_editor(client, page, edits=None, **request_changes):
    """What a person does: open the dialog, change some fields, confirm, then the editor posts it all."""
    _html, fields = dialog(client, page)
    fields.pop("csrfmiddlewaretoken", None)
    fields.update(request_changes)
    answer = client.post(dialog_url(page), fields).json()
    assert answer["step"] == "success", answer
    data = editor_fields(client, page)
    data.update(edits or {})
    data.update({
        "action-workflow-action": "true", "workflow-action-name": SUBMIT_ACTION,
        "workflow-action-extra-data": json.dumps(answer["cleaned_data"]),
    })
    return client.post(edit_url(page), data)


def workflow_action_in_editor(client, page, action, **extra):
    data = editor_fields(client, page)
    data.update({
        "action-workflow-action": "true", "workflow-action-name": action,
        "workflow-action-extra-data": json.dumps(extra),
    })
    return client.post(edit_url(page), data)


def state_of(page):
    return WorkflowState.objects.for_instance(page).order_by("-created_at").first()


def current_task(page):
    state = state_of(page)
    return state.current_task_state.task.specific if state and state.current_task_state else None


def approver_queue(user):
    return {int(state.workflow_state.object_id) for state in ApprovalTask.objects.get().get_task_states_user_can_moderate(user)}


def test_one_post_submits_and_the_approvers_queue_holds_it(client, draft, provider, approver, publisher):
    client.force_login(provider)
    html = client.get(edit_url(draft)).content.decode()
    assert f'data-workflow-action-name="{SUBMIT_ACTION}"' in html and dialog_url(draft) in html
    assert "ยื่นขออนุมัติเผยแพร่" in html

    # The dialog starts from the page and asks the measure 1.1 confirmation.
    dialog_html, fields = dialog(client, draft)
    assert fields["subject"] == draft.title and fields["details"] == draft.summary
    assert "confirmed_measure_1_1" not in fields and "มาตรการข้อ 1.1" in dialog_html
    # The dialog refuses without the confirmation (Wagtail shows the form again with the error).
    refused = client.post(dialog_url(draft), {**fields, "csrfmiddlewaretoken": ""}).json()
    assert refused["step"] == "action" and "ต้องยืนยันว่าเนื้อหาเป็นไปตามมาตรการข้อ 1.1" in refused["html"]

    # One POST: the edit and the request together.
    old_summary = draft.summary
    new_summary = old_summary + " (ปรับถ้อยคำ)"
    response = submit_through_the_editor(
        client, draft, edits={"summary": new_summary}, remarks="ยื่นในขั้นตอนเดียว", confirmed_measure_1_1="on"
    )
    assert response.status_code == 302, response.content[:300]
    assert messages_of(response) == [
        f"“{draft.title}” ยื่นขออนุมัติเผยแพร่แล้ว — รอผู้อนุมัติรับรองของ จังหวัดอุทัยธานี (สมหญิง รักษ์ธรรม)"
    ]

    # The approver's queue holds it, and the request covers exactly the submitted revision.
    assert isinstance(current_task(draft), ApprovalTask)
    assert draft.pk in approver_queue(approver)
    draft.refresh_from_db()
    latest = draft.get_latest_revision()
    assert latest.as_object().summary == new_summary
    request = RequestTaskState.objects.get(workflow_state=state_of(draft))
    assert (request.status, request.finished_by, request.revision_id) == (TaskState.STATUS_APPROVED, provider, latest.pk)
    assert request.remarks == "ยื่นในขั้นตอนเดียว" and request.confirmed_measure_1_1
    assert request.details == old_summary  # what the dialog showed: the request's fields are the provider's
    client.force_login(approver)
    assert draft.title in client.get(reverse("wagtailadmin_home")).content.decode()  # "awaiting your review"

    # The approver approves in the editor: the message names the publishers.
    response = workflow_action_in_editor(client, draft, "approve")
    assert messages_of(response) == [
        f"“{draft.title}” อนุมัติแล้ว รอผู้เผยแพร่ — "
        "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่ของ จังหวัดอุทัยธานี (วีระ เว็บมาสเตอร์)"
    ]
    assert isinstance(current_task(draft), PublicationTask)

    client.force_login(publisher)
    response = workflow_action_in_editor(client, draft, "approve")
    assert messages_of(response) == [f"“{draft.title}” เผยแพร่แล้ว"]
    draft.refresh_from_db()
    assert draft.live and draft.live_revision_id == latest.pk
    check_signers(state_of(draft), latest)  # three people, one revision
    form = ApprovalForm.objects.get(page=draft)
    assert (form.provider, form.approver, form.publisher) == (provider, approver, publisher)
    assert form.remarks == "ยื่นในขั้นตอนเดียว"


def test_resubmission_after_a_send_back_reaches_the_approver_prefilled(client, draft, provider, approver):
    client.force_login(provider)
    submit_through_the_editor(client, draft, remarks="ฉบับแรก", external_link="https://www.uthaithani.go.th/news/1",
                              confirmed_measure_1_1="on")
    first = RequestTaskState.objects.get()

    client.force_login(approver)
    reason = "ชื่อเรื่องไม่ตรงกับหนังสือราชการ กรุณาแก้ไข"
    response = workflow_action_in_editor(client, draft, "reject", comment=reason)
    message = messages_of(response)[0]
    assert message.startswith(f"“{draft.title}” ส่งกลับแก้ไขแล้ว — เหตุผล: {reason}")
    assert message.endswith("รอผู้รับผิดชอบการให้ข้อมูลของ จังหวัดอุทัยธานี (สมชาย ใจดี) แก้ไขแล้วยื่นขออนุมัติอีกครั้ง")
    assert state_of(draft).status == WorkflowState.STATUS_NEEDS_CHANGES

    # The provider's dialog remembers the request; the subject follows the corrected title.
    client.force_login(provider)
    assert "ยื่นขออนุมัติเผยแพร่อีกครั้ง" in client.get(edit_url(draft)).content.decode()
    new_title = draft.title + " (แก้ไขชื่อเรื่อง)"
    data = editor_fields(client, draft)
    data["title"] = new_title
    client.post(edit_url(draft), data)  # saved as a draft first
    _html, fields = dialog(client, draft)
    assert fields["remarks"] == "ฉบับแรก" and fields["external_link"] == "https://www.uthaithani.go.th/news/1"
    assert fields["confirmed_measure_1_1"] == "on"
    assert fields["subject"] == new_title

    response = submit_through_the_editor(client, draft, remarks="แก้ชื่อเรื่องแล้ว")
    assert response.status_code == 302
    assert messages_of(response)[0].endswith("รอผู้อนุมัติรับรองของ จังหวัดอุทัยธานี (สมหญิง รักษ์ธรรม)")
    assert isinstance(current_task(draft), ApprovalTask) and draft.pk in approver_queue(approver)
    second = RequestTaskState.objects.exclude(pk=first.pk).get()
    draft.refresh_from_db()
    assert second.revision_id == draft.get_latest_revision().pk != first.revision_id
    assert (second.subject, second.remarks, second.confirmed_measure_1_1) == (new_title, "แก้ชื่อเรื่องแล้ว", True)
    assert second.workflow_state_id == first.workflow_state_id  # the same run, resumed


def test_only_the_pages_providers_may_submit(client, draft, other_agency, approver):
    outsider = make_user("provider2", "มานะ ชัยนาท", "นักประชาสัมพันธ์", roles.PROVIDER, agency=other_agency)
    forged = {
        "action-workflow-action": "true", "workflow-action-name": SUBMIT_ACTION,
        "workflow-action-extra-data": json.dumps({"subject": "x", "details": "y", "confirmed_measure_1_1": True}),
    }
    revisions = Revision.objects.count()

    client.force_login(outsider)
    assert client.get(dialog_url(draft)).url == reverse("wagtailadmin_home")  # Wagtail's permission denied
    assert client.post(edit_url(draft), {"title": "ยึดหน้า", **forged}).url == reverse("wagtailadmin_home")

    # An approver may edit the page, but not submit it: no button, no dialog, a forged POST refused.
    client.force_login(approver)
    assert SUBMIT_ACTION not in client.get(edit_url(draft)).content.decode()
    assert client.get(dialog_url(draft)).url == reverse("wagtailadmin_home")
    data = editor_fields(client, draft)
    data.update({**forged, "title": "แก้โดยผู้อนุมัติ"})
    response = client.post(edit_url(draft), data)
    assert response.status_code == 403
    assert "เฉพาะผู้รับผิดชอบการให้ข้อมูลของหน่วยงานยื่นขออนุมัติได้" in response.content.decode()

    assert not WorkflowState.objects.exists() and Revision.objects.count() == revisions
    draft.refresh_from_db()
    assert draft.title != "แก้โดยผู้อนุมัติ"


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        (None, "หัวข้อ"),  # Wagtail's plain submit button: no request at all
        ("{not json", "หัวข้อ"),
        ({"subject": "เรื่อง", "details": "สรุป"}, "ต้องยืนยันว่าเนื้อหาเป็นไปตามมาตรการข้อ 1.1"),
        ({"subject": "เรื่อง", "details": "สรุป", "confirmed_measure_1_1": "false"}, "มาตรการข้อ 1.1"),
        ({"subject": "", "details": "สรุป", "confirmed_measure_1_1": True}, "หัวข้อ"),
        ({"subject": "เรื่อง", "details": "สรุป", "external_link": "javascript:alert(1)", "confirmed_measure_1_1": True},
         "Link ภายนอก"),
        ({"subject": "ก" * 501, "details": "สรุป", "confirmed_measure_1_1": True}, "หัวข้อ"),
    ],
)
def test_a_forged_submission_with_bad_fields_is_refused_and_changes_nothing(client, draft, provider, extra, error):
    client.force_login(provider)
    data = editor_fields(client, draft)
    data["title"] = "ชื่อที่ไม่ควรถูกบันทึก"
    if extra is None:
        data["action-submit"] = "1"
    else:
        data.update({
            "action-workflow-action": "true", "workflow-action-name": SUBMIT_ACTION,
            "workflow-action-extra-data": extra if isinstance(extra, str) else json.dumps(extra),
        })
    revisions = Revision.objects.count()
    response = client.post(edit_url(draft), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "ยื่นขออนุมัติเผยแพร่ไม่ได้ — แบบฟอร์มคำขอไม่ครบถ้วน" in html and error in html
    assert "ชื่อที่ไม่ควรถูกบันทึก" in html  # the editor keeps what was typed
    assert not WorkflowState.objects.exists() and Revision.objects.count() == revisions
    draft.refresh_from_db()
    assert draft.title != "ชื่อที่ไม่ควรถูกบันทึก"


def test_the_dashboards_workflow_buttons_answer_what_happened(client, draft, provider, approver, publisher):
    client.force_login(provider)
    submit_through_the_editor(client, draft, confirmed_measure_1_1="on")

    def action(page, name, data=None):
        task_state = state_of(page).current_task_state
        url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, name, task_state.pk])
        return client.post(url, data or {})

    client.force_login(approver)
    response = action(draft, "reject", {"comment": ""})  # no reason: nothing happens, nothing claimed
    assert state_of(draft).status == WorkflowState.STATUS_IN_PROGRESS and messages_of(response) == []
    response = action(draft, "reject", {"comment": "แนบไฟล์ผิด"})
    assert messages_of(response)[0].startswith(f"“{draft.title}” ส่งกลับแก้ไขแล้ว — เหตุผล: แนบไฟล์ผิด")

    client.force_login(provider)
    submit_through_the_editor(client, draft)
    client.force_login(approver)
    response = action(draft, "approve", {"comment": "เห็นชอบ"})
    assert messages_of(response)[0].startswith(f"“{draft.title}” อนุมัติแล้ว รอผู้เผยแพร่")
    client.force_login(publisher)
    assert messages_of(action(draft, "approve")) == [f"“{draft.title}” เผยแพร่แล้ว"]


def test_the_queue_names_only_who_may_act(agency, draft, provider, approver):
    """A provider who is also an approver is not named as the approver of their own request."""
    provider.groups.add(roles.grant_agency_roles(agency)[roles.APPROVER])
    assert describe(draft) == ""  # no workflow yet
    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    text = describe(draft)
    assert "สมหญิง รักษ์ธรรม" in text and "สมชาย ใจดี" not in text
    approver.groups.clear()
    assert "ยังไม่มีผู้ใดดำเนินการได้ — แจ้งผู้ดูแลระบบให้มอบบทบาท" in describe(draft)


def test_a_new_disclosure_is_saved_then_submitted_from_its_edit_page(client, news_index, provider):
    client.force_login(provider)
    add_url = reverse("wagtailadmin_pages:add", args=["repository", "newspage", news_index.pk])
    response = client.get(add_url)
    html = response.content.decode()
    assert 'name="action-submit"' not in html
    data = form_fields(html, "page-edit-form")
    data.update({"title": "ประชุมคณะกรรมการจังหวัด", "summary": "สรุปการประชุม", "action-submit": "1"})
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert any("บันทึกร่างแล้ว ยังไม่ได้ยื่นขออนุมัติ" in text for text in messages_of(response))
    assert not WorkflowState.objects.exists()
    assert RequestTask.objects.exists()


def test_the_fast_track_and_a_scheduled_go_live_say_so(make_draft, draft, provider, approver, publisher,
                                                       emergency_approver):
    record = corpus_records()[5]
    emergency = make_draft(EmergencyAnnouncementPage(
        title=record.title[:255], slug="emergency", summary=record.body.split("\n")[0][:400],
        issue_date=timezone.localdate(), affected_area="อำเภอเมืองอุทัยธานี",
        valid_until=timezone.now() + datetime.timedelta(days=3),
    ))
    SubmitForApprovalAction(emergency, provider, confirmed_measure_1_1=True).execute()
    assert describe(emergency).endswith("รอผู้อนุมัติรับรองของ จังหวัดอุทัยธานี (สมหญิง รักษ์ธรรม, ประยูร เร่งด่วน)")
    EmergencyPublishAction(emergency, emergency_approver, comment="เหตุอุทกภัย").execute()
    assert describe(emergency).endswith("เผยแพร่แล้ว (ช่องทางเร่งด่วน มาตรการข้อ 1.2)")

    draft.go_live_at = timezone.now() + datetime.timedelta(days=2)
    draft.save_revision(user=provider)
    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    ApproveAction(draft, approver).execute()
    PublishAction(draft, publisher).execute()
    assert "อนุมัติแล้ว ตั้งเวลาเผยแพร่" in describe(draft)
