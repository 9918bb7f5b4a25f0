"""Never lose an update: signals write index tasks, the drainer applies them, faults wait and replay."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

import search
from repository.models import NewsPage
from search import documents as docs
from search import expiry, outbox
from search.models import IndexTask
from search.query import SearchQuery
from tests.factories import shared_fixtures

from .helpers import build_site, corpus_rows, publish_child, publish_news

pytestmark = pytest.mark.django_db


shared_search_site, site = shared_fixtures("site", build_site, "The search tree", "shared_search_site")


@pytest.fixture
def rows():
    return corpus_rows(6)


def indexed_ids():
    return set(search.get_backend().indexed_versions())


def found(text, **filters):
    return [hit.page_id for hit in search.get_backend().search(SearchQuery(text=text, per_page=50, **filters)).hits]


def settle():
    """Apply whatever the tree building left in the outbox."""
    outbox.drain()


def test_publish_writes_a_task_in_the_transaction_and_indexes_after_commit(site, rows, django_capture_on_commit_callbacks):
    settle()
    news = site["agencies"]["search-pm"]["news"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            page = publish_news(news, rows[0])
            assert list(IndexTask.objects.filter(page_id=page.pk).values_list("reason", flat=True)) == ["published"]
            assert page.pk not in indexed_ids()  # nothing reaches the engine before commit
    assert callbacks
    assert page.pk in indexed_ids()
    assert not IndexTask.objects.exists()
    assert page.pk in found(rows[0]["title"])


def test_unpublish_delete_and_restriction_remove_from_the_index(site, rows, django_capture_on_commit_callbacks):
    news = site["agencies"]["search-pm"]["news"]
    with django_capture_on_commit_callbacks(execute=True):
        first = publish_news(news, rows[0])
        second = publish_news(news, rows[1])
        third = publish_news(news, rows[2])
    assert {first.pk, second.pk, third.pk} <= indexed_ids()

    with django_capture_on_commit_callbacks(execute=True):
        first.unpublish()
    assert first.pk not in indexed_ids()

    with django_capture_on_commit_callbacks(execute=True):
        NewsPage.objects.get(pk=second.pk).delete()
    assert second.pk not in indexed_ids()

    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=news, restriction_type="password", password="x")
    assert third.pk not in indexed_ids(), "a page under a restricted section is no longer public"
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert third.pk in indexed_ids()


def test_move_reindexes_the_new_place(site, rows, django_capture_on_commit_callbacks):
    pm_news = site["agencies"]["search-pm"]["news"]
    uthai_news = site["agencies"]["search-uthai"]["news"]
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_news(pm_news, rows[0])
    assert page.pk in found("", agency=["search-pm"])
    with django_capture_on_commit_callbacks(execute=True):
        page.move(uthai_news, pos="last-child")
    assert page.pk in found("", agency=["search-uthai"])
    assert page.pk not in found("", agency=["search-pm"])
    hit = next(h for h in search.get_backend().search(SearchQuery(agency=["search-uthai"], per_page=50)).hits
               if h.page_id == page.pk)
    assert hit.url_path.startswith(uthai_news.url_path)


def test_renaming_an_agency_reindexes_its_disclosures(site, rows, django_capture_on_commit_callbacks):
    entry = site["agencies"]["search-uthai"]
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_news(entry["news"], rows[0])
    agency = entry["agency"]
    agency.name_th = "สำนักงานจังหวัดอุทัยธานี"
    with django_capture_on_commit_callbacks(execute=True):
        agency.save()
    extra = search.get_backend().connection().execute(
        "SELECT extra FROM content WHERE page_id = ?", (page.pk,)).fetchone()[0]
    assert "สำนักงาน\u200bจังหวัด" in extra


def test_expired_and_scheduled_pages_are_not_public(site, rows):
    news = site["agencies"]["search-pm"]["news"]
    page = publish_news(news, rows[0])
    assert docs.is_public(page)
    NewsPage.objects.filter(pk=page.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    assert not docs.is_public(page)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_expiry_look_up_before_each_search_reads_the_expiry_index_not_every_page(site):
    """``withdraw_expired`` runs before every search and suggestion. Page's default ordering (by tree
    path) made SQLite walk the whole page table in path order instead of reading the ``expire_at``
    index: 0.1–0.4 s a request at 62,000 pages, the largest part of a search through the API."""
    with CaptureQueriesContext(connection) as queries:
        expiry.expired_disclosures()
    (sql,) = [q["sql"] for q in queries.captured_queries if "expire_at" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "repository_page_expire_at_idx" in plan, plan


def test_engine_down_during_publish_then_recovery_loses_nothing(site, rows, settings, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    good = dict(settings.SEARCH)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the index directory should be")
    settings.SEARCH = {**good, "EMBEDDED_PATH": str(blocker / "search.sqlite3")}
    search.reset_backends()
    news = site["agencies"]["search-pm"]["news"]
    with django_capture_on_commit_callbacks(execute=True):
        pages = [publish_news(news, row) for row in rows[:3]]
    # Publishing succeeded; the work waits in the outbox with the error recorded.
    assert all(NewsPage.objects.get(pk=p.pk).live for p in pages)
    waiting = IndexTask.objects.filter(page_id__in=[p.pk for p in pages])
    assert waiting.count() == 3
    assert all(task.attempts >= 1 and "cannot be opened" in task.last_error for task in waiting)
    with pytest.raises(CommandError, match="unavailable"):
        call_command("search", "sync", stdout=io.StringIO())

    settings.SEARCH = good
    search.reset_backends()
    out = io.StringIO()
    call_command("search", "sync", stdout=out)
    assert "tasks applied" in out.getvalue()
    assert {p.pk for p in pages} <= indexed_ids()
    assert not IndexTask.objects.exists()
    # Replaying changes nothing and duplicates nothing.
    outbox.enqueue([p.pk for p in pages], IndexTask.Reason.REINDEX)
    call_command("search", "sync", stdout=io.StringIO())
    assert search.get_backend().search(SearchQuery(text=rows[0]["title"], per_page=50)).total == len(
        set(found(rows[0]["title"]))
    )
    connection = search.get_backend().connection()
    assert connection.execute("SELECT count(*) FROM docs WHERE page_id = ?", (pages[0].pk,)).fetchone()[0] == 1
    assert connection.execute("SELECT count(*) FROM content WHERE page_id = ?", (pages[0].pk,)).fetchone()[0] == 1


def test_crash_between_commit_and_indexing_is_replayed_from_the_outbox(site, rows, django_capture_on_commit_callbacks):
    settle()
    news = site["agencies"]["search-uthai"]["news"]
    # The process dies after commit: the on-commit callbacks never run.
    with django_capture_on_commit_callbacks(execute=False):
        with transaction.atomic():
            page = publish_news(news, rows[1])
    assert page.pk not in indexed_ids()
    assert IndexTask.objects.filter(page_id=page.pk).exists()
    call_command("search", "sync", stdout=io.StringIO())
    assert page.pk in indexed_ids()
    assert page.pk in found(rows[1]["title"])


def test_rebuild_is_resumable_and_swaps_in_when_complete(site, rows, monkeypatch):
    news = site["agencies"]["search-pm"]["news"]
    pages = [publish_news(news, row) for row in rows]
    backend = search.get_backend()
    backend.clear()

    calls = {"n": 0}
    real = docs.build_documents

    def failing(queryset):
        calls["n"] += 1
        if calls["n"] == 3:  # the third chunk of two pages
            raise RuntimeError("interrupted")
        return real(queryset)

    monkeypatch.setattr(docs, "build_documents", failing)
    with pytest.raises(RuntimeError):
        backend.rebuild(chunk_size=2, processes=1)
    assert not indexed_ids(), "the live index is untouched until the rebuild completes"
    monkeypatch.setattr(docs, "build_documents", real)

    written = backend.rebuild(chunk_size=2, processes=1)
    assert 0 < written < len(pages), "the second run resumes after the chunks already written"
    assert {p.pk for p in pages} == indexed_ids()
    assert backend.check()["ok"]


def test_rebuild_command_with_workers_and_check_command(site, rows):
    news = site["agencies"]["search-pm"]["news"]
    pages = [publish_news(news, row) for row in rows[:4]]
    out = io.StringIO()
    call_command("search", "rebuild", "--processes", "2", "--no-progress", "--restart", stdout=out)
    assert "4 pages indexed" in out.getvalue()
    call_command("search", "check", stdout=io.StringIO())

    backend = search.get_backend()
    backend.remove(pages[0].pk)
    IndexTask.objects.all().delete()
    with pytest.raises(CommandError, match="drifted"):
        call_command("search", "check", stdout=io.StringIO())
    report = backend.check()
    assert report["missing"] == [pages[0].pk] and not report["extra"]
    out = io.StringIO()
    call_command("search", "check", "--fix", stdout=out)
    assert "fixed" in out.getvalue()
    assert backend.check()["ok"]


def test_pdf_attachment_text_is_searchable(site, tmp_path):
    from django.core.files.base import ContentFile
    from fpdf import FPDF
    from wagtail.documents.models import Document

    from repository.models.pages import DisclosureAttachment

    english = corpus_rows(1, where=lambda r: r["title"].isascii() and len(r["body"]) > 400)[0]
    sentence = english["body"].split("\n")[0][:300]
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, sentence.encode("latin-1", "ignore").decode("latin-1"))
    document = Document(title="attachment.pdf")
    document.file.save("attachment.pdf", ContentFile(bytes(pdf.output())), save=True)

    news = site["agencies"]["search-pm"]["news"]
    thai = corpus_rows(1)[0]
    page = NewsPage(title=thai["title"][:255], slug="with-attachment", body="<p>ข่าว</p>", issue_date=datetime.date(2021, 3, 1))
    page.attachments.add(DisclosureAttachment(document=document, title="เอกสารแนบ"))
    publish_child(news, page)
    search.get_backend().index_page(page)
    word = max((w for w in sentence.split() if w.isalpha()), key=len)
    assert page.pk in found(word), word
