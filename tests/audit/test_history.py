"""Recording, round trip, delete and restore."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Page, PageLogEntry

from repository.audit.actions import AuditActionError, restore_deleted_page, revert_to_version
from repository.audit.chain import verify_chain
from repository.audit.models import AuditRecord
from repository.audit.replay import object_timeline, published_versions, version_state
from repository.models import DisclosureAttachment, NewsPage, ProcurementSummaryPage, ProcurementSummaryRow
from tests import factories
from tests.factories import corpus_rows

from .conftest import make_news

CONTENT_FIELDS = ("title", "slug", "summary", "body", "document_number", "issue_date", "fiscal_year",
                  "external_link", "source_url", "items", "agency")


def _document(title):
    document = get_document_model()(title=title)
    document.file.save(f"{title}.txt", ContentFile(b"evidence"), save=False)
    document.save()
    return document


@pytest.fixture
def news(tree, admin_user):
    item = corpus_rows(limit=1)[0]
    page = make_news(tree["item_page"], admin_user, title=item["title"][:200], body=f"<p>{item['body'][:1500]}</p>",
                     summary=item["body"][:200])
    return page


def test_every_wagtail_log_entry_has_one_sealed_revision_that_agrees(news, admin_user):
    entries = list(PageLogEntry.objects.filter(page=news).order_by("pk"))
    records = list(AuditRecord.objects.filter(page_id=news.pk).order_by("sequence"))
    assert [e.action for e in entries] == [r.action for r in records] == [
        "wagtail.create", "wagtail.edit", "approvals.override_publish", "wagtail.publish",  # through the gate
    ]
    assert [e.pk for e in entries] == [r.log_entry_id for r in records]
    publish = records[-1]
    assert publish.revision.user == admin_user and publish.user_name == "ผู้ดูแลระบบ"
    assert publish.revision.date_created == entries[-1].timestamp
    assert publish.live is True and publish.agency_code == "uthai-thani" and publish.item_codes == " O4 "
    assert verify_chain().ok


def test_timeline_never_shows_email(news):
    timeline = object_timeline(news)
    assert [e["action"] for e in timeline] == [
        "wagtail.create", "wagtail.edit", "approvals.override_publish", "wagtail.publish",
    ]
    assert all("@" not in e["user"] for e in timeline)
    assert [e["is_publication"] for e in timeline] == [False, False, False, True]
    assert [e["version_id"] for e in published_versions(news)] == [timeline[-1]["version_id"]]


def test_workflow_comment_is_recorded(news, admin_user):
    from wagtail.models import Workflow

    workflow = Workflow.objects.get(name="Moderators approval")
    news.title = news.title + " (แก้ไข)"
    revision = news.save_revision(user=admin_user, log_action=True)
    workflow.start(news, admin_user)
    state = news.current_workflow_state
    state.current_task_state.task.specific.on_action(state.current_task_state, admin_user, "reject",
                                                     comment="ขอแก้ไขวันที่")
    reject = AuditRecord.objects.filter(page_id=news.pk, action="wagtail.workflow.reject").get()
    assert reject.revision.comment == "ขอแก้ไขวันที่"
    # The page row still holds the live content; the draft that was sent back is kept with the entry.
    assert reject.extra["draft"]["title"] == news.title
    assert revision.pk == reject.extra["log"]["wagtail_revision_id"] or reject.extra["log"]["wagtail_revision_id"]


def test_procurement_summary_round_trip_restores_fields_rows_and_attachments(tree, admin_user):
    document = _document("สขร1-มกราคม")
    page = ProcurementSummaryPage(title="สรุปผลการจัดซื้อจัดจ้าง มกราคม 2568", slug="sum-jan",
                                  month=datetime.date(2025, 1, 1), issue_date=datetime.date(2025, 2, 3))
    tree["item_page"].add_child(instance=page)
    page.procurement_rows = [
        ProcurementSummaryRow(item="จัดซื้อวัสดุสำนักงาน", budget="12000.00", method="specific",
                              bidders="ร้านเอ 11,500", selected_vendor="ร้านเอ", agreed_price="11500.00",
                              reason="ราคาต่ำสุด", sort_order=0),
        ProcurementSummaryRow(item="จ้างซ่อมรถยนต์", budget="8000.00", method="specific",
                              bidders="อู่บี 7,900", selected_vendor="อู่บี", agreed_price="7900.00",
                              reason="ราคาเหมาะสม", sort_order=1),
    ]
    page.attachments = [DisclosureAttachment(document=document, title="แบบ สขร.1", sort_order=0)]
    factories.publish(page, admin_user)
    v1 = published_versions(page)[-1]["version_id"]
    first = version_state(v1)
    assert [r["item"] for r in first["procurement_rows"]] == ["จัดซื้อวัสดุสำนักงาน", "จ้างซ่อมรถยนต์"]
    assert first["attachments"][0]["document"] == document.pk

    page = ProcurementSummaryPage.objects.get(pk=page.pk)
    page.title = "สรุปผล (แก้ไข)"
    kept = page.procurement_rows.all()[0]
    kept.agreed_price = "11000.00"
    page.procurement_rows = [kept]
    page.attachments = []
    factories.publish(page, admin_user)
    changed = version_state(published_versions(page)[-1]["version_id"])
    assert changed["title"] == "สรุปผล (แก้ไข)" and len(changed["procurement_rows"]) == 1 and changed["attachments"] == []

    revert_to_version(v1, admin_user, publish=True, reason="ย้อนกลับเป็นฉบับเดือนมกราคมที่อนุมัติแล้ว")
    restored = version_state(published_versions(page)[-1]["version_id"])
    for name in ("title", "month", "no_procurement", "summary", "body", "items", "agency"):
        assert restored[name] == first[name], name
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(restored["procurement_rows"]) == strip(first["procurement_rows"])
    assert strip(restored["attachments"]) == strip(first["attachments"])
    live = ProcurementSummaryPage.objects.get(pk=page.pk)
    assert [r.item for r in live.procurement_rows.all()] == ["จัดซื้อวัสดุสำนักงาน", "จ้างซ่อมรถยนต์"]
    assert [a.document_id for a in live.attachments.all()] == [document.pk]
    assert AuditRecord.objects.filter(page_id=page.pk, action="audit.revert").count() == 1
    assert verify_chain().ok


def test_delete_then_restore(news, admin_user, editor, tree):
    news.tags.add("น้ำท่วม")
    factories.publish(news, admin_user)
    before = version_state(published_versions(news)[-1]["version_id"])
    page_id = news.pk
    news.delete(user=admin_user)
    assert not Page.objects.filter(pk=page_id).exists()
    timeline = object_timeline(NewsPage, page_id)
    assert timeline[-1]["action"] == "wagtail.delete" and timeline[-1]["live"] is False
    deleted_state = version_state(timeline[-1]["version_id"])
    for name in CONTENT_FIELDS:
        assert deleted_state[name] == before[name], name

    with pytest.raises(PermissionDenied):
        restore_deleted_page(page_id, editor)
    restored = restore_deleted_page(page_id, admin_user)
    assert restored.pk == page_id and restored.get_parent().pk == tree["item_page"].pk
    assert restored.live is False  # back as a draft, for an administrator to publish
    again = version_state(object_timeline(NewsPage, page_id)[-1]["version_id"])
    for name in CONTENT_FIELDS:
        assert again[name] == before[name], name
    assert [t.name for t in NewsPage.objects.get(pk=page_id).tags.all()] == ["น้ำท่วม"]
    assert object_timeline(NewsPage, page_id)[-1]["action"] == "audit.restore"
    with pytest.raises(AuditActionError):
        restore_deleted_page(page_id, admin_user)
    factories.publish(restored, admin_user)
    assert NewsPage.objects.get(pk=page_id).live
    assert verify_chain().ok


def test_failed_transaction_leaves_no_seal(news, admin_user):
    from django.db import transaction

    before = AuditRecord.objects.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            news.save_revision(user=admin_user, log_action=True)
            assert AuditRecord.objects.count() == before + 1
            raise RuntimeError("boom")
    assert AuditRecord.objects.count() == before
    news = NewsPage.objects.get(pk=news.pk)
    news.save_revision(user=admin_user, log_action=True)
    result = verify_chain()
    assert result.ok and result.count == before + 1


def test_revisions_opened_by_other_code_are_sealed_too(tree, admin_user):
    import reversion

    agency = tree["agency"]
    with reversion.create_revision():
        agency.phone = "056-511-068"
        agency.save()
        reversion.set_user(admin_user)
        reversion.set_comment("แก้ไขเบอร์โทรศัพท์")
    record = AuditRecord.objects.order_by("-sequence").first()
    assert record.action == "reversion.revision" and record.object_id == str(agency.pk)
    assert record.user_name == "ผู้ดูแลระบบ" and record.agency_code == "uthai-thani"
    assert version_state(record.version_id)["phone"] == "056-511-068"
    assert verify_chain().ok
