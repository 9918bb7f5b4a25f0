"""The per-process memo of documents and repository facts: fast, and never stale.

Every test runs with the production memo; here each public change must reach the next request at once.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from api import state
from repository.models import ItemPage

from .builders import add, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo(settings):
    assert settings.API_STATE_TTL == 60  # the production default, not a test's own
    state.clear()
    yield
    state.clear()


def path_of(client, page):
    return client.get(f"/api/v1/pages/{page.pk}").json()["path"]


def selects(queries):
    return [q["sql"] for q in queries.captured_queries]


def test_a_hot_detail_costs_one_query(client, tree, memo):
    """Served from the memo: the repository generation is read once, in one statement, and no transaction."""
    page = tree.news()
    url = f"/api/v1/pages/{page.pk}"
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert len(selects(queries)) == 1, selects(queries)


def test_a_hot_listing_costs_one_query(client, tree, memo):
    tree.news()
    url = "/api/v1/disclosures?agency=uthai-thani&per_page=5"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    assert len(selects(queries)) == 1, selects(queries)


def test_new_revision_published_shows_at_once(client, tree, memo):
    page = tree.news()
    by_path = f"/api/v1/content/{path_of(client, page)}"
    assert client.get(by_path).json()["title"] == page.title
    listing = client.get("/api/v1/disclosures").json()["results"]
    assert page.title in [r["title"] for r in listing]
    page.title = "ประกาศฉบับแก้ไขที่เผยแพร่แล้ว"
    publish(page)
    assert client.get(f"/api/v1/pages/{page.pk}").json()["title"] == "ประกาศฉบับแก้ไขที่เผยแพร่แล้ว"
    assert client.get(by_path).json()["title"] == "ประกาศฉบับแก้ไขที่เผยแพร่แล้ว"
    titles = [r["title"] for r in client.get("/api/v1/disclosures").json()["results"]]
    assert "ประกาศฉบับแก้ไขที่เผยแพร่แล้ว" in titles


def test_draft_is_not_served_from_or_into_the_memo(client, tree, memo):
    page = tree.news()
    published_title = page.title
    client.get(f"/api/v1/pages/{page.pk}")
    page.title = "ร่างที่ยังไม่เผยแพร่"
    page.save_revision(log_action=True)
    assert client.get(f"/api/v1/pages/{page.pk}").json()["title"] == published_title


def test_unpublish_is_404_at_once_by_id_path_and_listing(client, tree, memo):
    """Also: a read answering 404 inside the caller's transaction (here the test's) leaves it usable."""
    page = tree.news()
    by_id, by_path = f"/api/v1/pages/{page.pk}", f"/api/v1/content/{path_of(client, page)}"
    assert client.get(by_path).status_code == 200
    assert page.pk in [r["id"] for r in client.get("/api/v1/disclosures").json()["results"]]
    page.unpublish()
    assert client.get(by_id).status_code == 404
    assert client.get(by_path).status_code == 404
    assert page.pk not in [r["id"] for r in client.get("/api/v1/disclosures").json()["results"]]


def test_move_serves_the_new_path_at_once(client, tree, memo):
    page = tree.news()
    old_path = path_of(client, page)
    assert client.get(f"/api/v1/content/{old_path}").status_code == 200
    page.move(tree.office_item_page, pos="last-child")
    new_path = path_of(client, page)
    assert new_path != old_path and new_path.startswith("uthai-thani/office/")
    assert client.get(f"/api/v1/content/{old_path}").status_code == 404
    moved = client.get(f"/api/v1/content/{new_path}")
    assert moved.status_code == 200 and moved.json()["id"] == page.pk


def test_parent_unpublished_or_made_private_hides_children_at_once(client, tree, memo):
    parent = add(tree.group, ItemPage(title="หมวดใหม่", slug="new-section"))
    page = tree.news(parent=parent)
    assert client.get(f"/api/v1/pages/{page.pk}").status_code == 200
    restriction = PageViewRestriction.objects.create(page=parent, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(f"/api/v1/pages/{page.pk}").status_code == 404
    assert page.pk not in [r["id"] for r in client.get("/api/v1/disclosures").json()["results"]]
    restriction.delete()
    assert client.get(f"/api/v1/pages/{page.pk}").status_code == 200
    parent.unpublish()
    assert client.get(f"/api/v1/pages/{page.pk}").status_code == 404


def test_agency_edit_reaches_documents_at_once(client, tree, memo):
    """Agencies are memoised too; a snippet edit (logged by Wagtail) drops the memo."""
    from wagtail.log_actions import log

    page = tree.news()
    assert client.get(f"/api/v1/pages/{page.pk}").json()["agency"]["name_en"] == ""
    tree.province.name_en = "Uthai Thani Province"
    tree.province.save()
    log(tree.province, "wagtail.edit")
    assert client.get(f"/api/v1/pages/{page.pk}").json()["agency"]["name_en"] == "Uthai Thani Province"


def test_fields_expand_and_as_of_are_separate_documents(client, tree, memo):
    page = tree.news()
    url = f"/api/v1/pages/{page.pk}"
    whole = client.get(url).json()
    assert set(client.get(url + "?fields=title").json()) == {"id", "type", "title"}
    crumbs = client.get(url + "?expand=breadcrumbs").json()
    assert "breadcrumbs" in crumbs and "breadcrumbs" not in whole
    assert "breadcrumbs" not in client.get(url).json()
    assert client.get(url + "?as_of=2000-01-01").status_code == 404  # not public then; never from the memo


def test_document_memo_can_be_switched_off(client, tree, memo, settings):
    """``API_DOCUMENT_MEMO = False`` (the benchmark's "memo off" run): every answer built from the database."""
    settings.API_DOCUMENT_MEMO = False
    page = tree.news()
    url = f"/api/v1/pages/{page.pk}"
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content
    assert len(selects(queries)) > 1


def test_a_write_that_logs_nothing_still_drops_the_memo(client, tree, memo):
    """Pages made live without a log entry (a bulk import) move no log table; the process's write counter does."""
    page = tree.news()
    assert page.pk in [r["id"] for r in client.get("/api/v1/disclosures").json()["results"]]
    generation = state.generation()
    page.title = "แก้ไขโดยไม่บันทึกประวัติ"
    page.save()
    assert state.generation() != generation
    titles = [r["title"] for r in client.get("/api/v1/disclosures").json()["results"]]
    assert "แก้ไขโดยไม่บันทึกประวัติ" in titles


def test_an_early_if_unmodified_since_failure_is_a_problem_document(client, tree):
    page = tree.news()
    response = client.get(f"/api/v1/pages/{page.pk}", HTTP_IF_UNMODIFIED_SINCE="Mon, 01 Jan 1990 00:00:00 GMT")
    assert response.status_code == 412
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 412
    stale = client.get(f"/api/v1/pages/{page.pk}", HTTP_IF_MATCH='"not-this-one"')
    assert stale.status_code == 412 and stale.json()["status"] == 412
    current = client.get(f"/api/v1/pages/{page.pk}")
    assert client.get(f"/api/v1/pages/{page.pk}", HTTP_IF_MATCH=current["ETag"]).status_code == 200


def test_an_expiry_reaches_the_next_request_without_waiting_for_the_ttl(client, tree, memo, monkeypatch):
    """Expiry logs nothing until publish_scheduled runs; the generation still turns over at that moment.

    The clock is moved past the expiry (every reader asks ``django.utils.timezone.now``) instead of
    sleeping until it: on a loaded machine, building the pages took longer than a short expiry."""
    import datetime

    from django.utils import timezone

    expiry = timezone.now() + datetime.timedelta(hours=1)
    page = tree.news(expire_at=expiry)
    section = add(tree.group, ItemPage(title="หมวดประกาศชั่วคราว", slug="temporary", expire_at=expiry))
    below = tree.news(parent=section)
    for target in (page, below):
        assert client.get(f"/api/v1/pages/{target.pk}").status_code == 200  # memoised now
    listed = {row["id"] for row in client.get("/api/v1/disclosures?per_page=100").json()["results"]}
    assert {page.pk, below.pk} <= listed
    later = expiry + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for target in (page, below):
        assert client.get(f"/api/v1/pages/{target.pk}").status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/disclosures?per_page=100").json()["results"]}
    assert not {page.pk, below.pk} & listed
