"""The publication gate: every publish path × {approved revision, unapproved draft, changed after approval}.

Only the approved, unchanged revision (or the emergency fast track, or an administrator's recorded
override) goes live; every refusal leaves nothing half-written (not live, no approval form, no
``wagtail.publish`` entry).
"""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.models import PageLogEntry

from repository.approvals.actions import (
    ApprovalActionError,
    ApproveAction,
    OverridePublishAction,
    PublishAction,
    SubmitForApprovalAction,
)
from repository.approvals.gate import PublicationRefused
from repository.approvals.models import ApprovalForm
from repository.audit.actions import revert_to_version
from repository.models import NewsPage

pytestmark = pytest.mark.django_db

STATES = ["approved", "unapproved", "changed_after_approval"]


def _nothing_written(page):
    page = NewsPage.objects.get(pk=page.pk)
    assert not page.live
    assert page.live_revision_id is None
    assert not ApprovalForm.objects.filter(page=page).exists()
    assert not PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()


@pytest.fixture
def make_state(draft, provider, approver, publisher):
    """The draft brought to one of STATES; returns the page (as stored)."""

    def build(state):
        if state == "unapproved":
            return draft
        SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
        ApproveAction(draft, approver, comment="ถูกต้อง").execute()
        if state == "changed_after_approval":
            page = NewsPage.objects.get(pk=draft.pk)
            page.title = page.title + " (แก้ไขหลังอนุมัติ)"
            page.save_revision(user=provider)
        return NewsPage.objects.get(pk=draft.pk)

    return build


@pytest.mark.parametrize("state", STATES)
def test_workflow_publication_step(make_state, publisher, state):
    page = make_state(state)
    if state == "approved":
        PublishAction(page, publisher).execute()
        page.refresh_from_db()
        assert page.live
        form = ApprovalForm.objects.get(page=page)
        assert form.revision_id == page.live_revision_id
        return
    if state == "unapproved":
        with pytest.raises(PermissionDenied):
            PublishAction(page, publisher).execute()
    else:
        # The publisher's sign-off covers an older revision: the workflow goes back to the request step.
        PublishAction(page, publisher).execute()
        assert page.current_workflow_state.current_task_state.task.specific.__class__.__name__ == "RequestTask"
    _nothing_written(page)


@pytest.mark.parametrize("state", STATES)
def test_revision_publish_from_code_is_refused(make_state, publisher, state):
    page = make_state(state)
    with pytest.raises(PublicationRefused):
        page.get_latest_revision().publish(user=publisher, skip_permission_checks=True)
    _nothing_written(page)


@pytest.mark.parametrize("state", STATES)
def test_wagtails_publish_action_called_directly_cannot_save_the_page_live(make_state, publisher, state):
    page = make_state(state)
    with pytest.raises(PublicationRefused):
        PublishPageRevisionAction(page.get_latest_revision(), user=publisher).execute(skip_permission_checks=True)
    _nothing_written(page)


def test_setting_live_by_hand_is_refused(draft):
    page = NewsPage.objects.get(pk=draft.pk)
    page.live = True
    page.live_revision = page.get_latest_revision()
    with pytest.raises(PublicationRefused):
        page.save()
    _nothing_written(page)


def test_a_new_disclosure_is_always_created_as_a_draft(news_index):
    from tests.factories import news_page, news_records

    page = news_page(news_records()[0])
    assert page.live  # Wagtail's default
    news_index.add_child(instance=page)
    assert not NewsPage.objects.get(pk=page.pk).live


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("with_descendants", [True, False])
def test_admin_bulk_publish_of_the_section_and_of_the_page(make_state, publisher, news_index, state,
                                                           with_descendants):
    """The reported bypass: a publisher bulk-publishes the section "including descendants"."""
    page = make_state(state)
    client = Client()
    client.force_login(publisher)
    for target in (news_index, page):
        url = f"/admin/bulk/wagtailcore/page/publish/?id={target.pk}&next=/admin/pages/"
        data = {"include_descendants": "on"} if with_descendants else {}
        response = client.post(url, data)
        assert response.status_code in (302, 403)
    _nothing_written(page)


def test_admin_edit_view_publish_button_is_refused(make_state, publisher):
    page = make_state("approved")
    client = Client()
    client.force_login(publisher)
    response = client.post(f"/admin/pages/{page.pk}/edit/", {"title": page.title, "slug": page.slug,
                                                               "action-publish": "action-publish"})
    assert response.status_code in (200, 302, 403)
    _nothing_written(page)


@pytest.mark.parametrize("state", STATES)
def test_scheduled_publishing_only_puts_approved_revisions_live(make_state, publisher, state):
    page = make_state(state)
    revision = page.get_latest_revision()
    # A due schedule recorded on the revision (as Wagtail's scheduling writes it).
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save(update_fields=["approved_go_live_at"])
    call_command("publish_scheduled", stdout=io.StringIO(), stderr=io.StringIO())
    _nothing_written(page)  # none was approved through the publication step, nor overridden


@pytest.mark.parametrize("state", STATES)
def test_administrator_override_needs_a_reason_and_writes_its_form(make_state, administrator, state):
    page = make_state(state)
    with pytest.raises(ValidationError):
        OverridePublishAction(page, administrator, "").execute()
    _nothing_written(page)
    OverridePublishAction(page, administrator, "ประกาศตามคำสั่งศาลปกครอง ต้องเผยแพร่ภายในวันนี้").execute()
    page.refresh_from_db()
    assert page.live
    form = ApprovalForm.objects.get(page=page)
    assert form.kind == ApprovalForm.Kind.OVERRIDE
    assert "ศาลปกครอง" in form.override_reason


def test_override_by_a_publisher_is_refused(draft, publisher):
    with pytest.raises(ApprovalActionError):
        OverridePublishAction(draft, publisher, "อยากเผยแพร่เร็ว").execute()
    _nothing_written(draft)


def test_a_forged_override_entry_by_a_non_administrator_is_not_an_authorisation(draft, publisher):
    from wagtail.log_actions import log

    revision = draft.get_latest_revision()
    log(instance=draft, action="approvals.override_publish", user=publisher, revision=revision,
        data={"reason": "ปลอมบันทึก", "revision_id": revision.pk})
    with pytest.raises(PublicationRefused):
        revision.publish(user=publisher, skip_permission_checks=True)
    _nothing_written(draft)


def test_an_approval_is_good_for_one_go_live(make_state, publisher, administrator):
    page = make_state("approved")
    PublishAction(page, publisher).execute()
    page.refresh_from_db()
    page.unpublish(user=publisher)
    with pytest.raises(PublicationRefused):
        page.get_latest_revision().publish(user=publisher, skip_permission_checks=True)
    assert not NewsPage.objects.get(pk=page.pk).live
    assert ApprovalForm.objects.filter(page=page).count() == 1


def test_revert_with_publish_goes_through_the_override(make_state, publisher, administrator):
    from repository.audit.models import AuditRecord

    page = make_state("approved")
    PublishAction(page, publisher).execute()
    version_id = AuditRecord.objects.filter(page_id=page.pk).exclude(version_id=None).order_by("sequence").first().version_id
    with pytest.raises(ValidationError):
        revert_to_version(version_id, administrator, publish=True)  # no reason
    assert ApprovalForm.objects.filter(page=page).count() == 1
    revert_to_version(version_id, administrator, publish=True, reason="ย้อนกลับฉบับที่อนุมัติ เพราะฉบับล่าสุดพิมพ์ผิด")
    forms = ApprovalForm.objects.filter(page=page).order_by("pk")
    assert forms.count() == 2
    assert forms.last().kind == ApprovalForm.Kind.OVERRIDE


def test_copy_of_a_live_disclosure_is_a_draft(make_state, publisher, news_index):
    page = make_state("approved")
    PublishAction(page, publisher).execute()
    page = NewsPage.objects.get(pk=page.pk)
    copy = page.copy(to=news_index, update_attrs={"slug": page.slug + "-copy", "title": page.title}, keep_live=True)
    assert not NewsPage.objects.get(pk=copy.pk).live
    assert not ApprovalForm.objects.filter(page=copy).exists()


def test_import_news_requires_the_override_and_records_its_reason(news_index, administrator, tmp_path):
    import json

    from repository.approvals.imports import override_publisher
    from repository.importers.news import import_news
    from tests.factories import corpus_rows
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in corpus_rows(limit=2)), encoding="utf-8")
    with pytest.raises(TypeError):
        import_news(path, news_index, user=administrator)  # no publish path: no default that skips the gate
    report = import_news(path, news_index, user=administrator, publish=override_publisher("นำเข้าจากเว็บไซต์เดิม"))
    assert report.created == 2
    forms = ApprovalForm.objects.filter(kind=ApprovalForm.Kind.OVERRIDE)
    assert forms.count() == 2
    assert all(form.override_reason == "นำเข้าจากเว็บไซต์เดิม" for form in forms)


def test_the_admin_restores_and_reverts_through_the_gate(make_state, publisher, administrator, provider):
    """The audit trail's restore and revert have admin entry points; a revert that publishes needs a reason."""
    from repository.audit.models import AuditRecord

    page = make_state("approved")
    PublishAction(page, publisher).execute()
    version_id = AuditRecord.objects.filter(page_id=page.pk).exclude(version_id=None).order_by("sequence").first().version_id
    client = Client()
    client.force_login(provider)
    refused = client.get(f"/admin/audit/versions/{version_id}/revert/")
    assert refused.status_code in (302, 403) and "revert" not in refused.get("Location", "")
    client.force_login(administrator)
    assert client.get(f"/admin/audit/versions/{version_id}/revert/").status_code == 200
    response = client.post(f"/admin/audit/versions/{version_id}/revert/", {"publish": "on", "reason": ""})
    assert response.status_code == 200 and "10 ตัวอักษร" in response.content.decode()
    assert ApprovalForm.objects.filter(page=page).count() == 1
    response = client.post(f"/admin/audit/versions/{version_id}/revert/",
                           {"publish": "on", "reason": "ย้อนกลับฉบับที่อนุมัติ เพราะฉบับล่าสุดพิมพ์ผิด"})
    assert response.status_code == 302
    assert ApprovalForm.objects.filter(page=page, kind=ApprovalForm.Kind.OVERRIDE).count() == 1
    NewsPage.objects.get(pk=page.pk).delete(user=administrator)
    assert client.post(f"/admin/audit/pages/{page.pk}/restore/").status_code == 302
    restored = NewsPage.objects.get(pk=page.pk)
    assert not restored.live


def test_an_alias_mirrors_only_what_the_gate_admitted(make_state, publisher, news_index):
    """An alias of a disclosure is a draft until its page goes live through the gate, then mirrors it."""
    page = make_state("approved")
    alias = NewsPage.objects.get(pk=page.pk).create_alias(update_slug=page.slug + "-alias")
    assert not NewsPage.objects.get(pk=alias.pk).live
    PublishAction(page, publisher).execute()
    assert NewsPage.objects.get(pk=page.pk).live
    mirrored = NewsPage.objects.get(pk=alias.pk)
    assert mirrored.live and mirrored.title == NewsPage.objects.get(pk=page.pk).title
