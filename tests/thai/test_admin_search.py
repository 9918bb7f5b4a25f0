"""The admin's search finds Thai words (issue 15 item 4), through Wagtail's own views, for the roles that may see.

Before search/admin_backend.py, Wagtail's database backend kept a run of Thai letters as one token:
"Sorry, no pages match หนองสระ". These tests search through the admin's HTTP views as each role would,
on SQLite and (in CI's second pass) PostgreSQL.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.query import Not, Or, Phrase, PlainText
from wagtail.documents.models import Document
from wagtail.models import Page

from repository.approvals import roles
from repository.documents import agency_collection
from repository.models import Agency
from search.admin_backend import index_text, thai_query
from tests.approvals.conftest import make_user
from tests.factories import make_agency, make_item_page, news_page, record_with

pytestmark = pytest.mark.django_db

@pytest.fixture
def procurement_draft(make_draft):
    """A provider's draft (never published) with a real title of the corpus sample, Thai words run together:
    กรมบัญชีกลางผ่อนคลายเกณฑ์การจัดซื้อจัดจ้างภาครัฐ กรณีวงเงินไม่เกิน 100 ล้านบาท …"""
    return make_draft(news_page(record_with("ผ่อนคลายเกณฑ์")))


@pytest.fixture
def other_provider(other_agency):
    return make_user("other-provider", "สมศรี ต่างจังหวัด", "นักประชาสัมพันธ์", roles.PROVIDER, agency=other_agency)


def page_search(client, user, query):
    """The primary keys of the pages the admin's page search lists for ``user``."""
    client.force_login(user)
    response = client.get("/admin/pages/search/", {"q": query})
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-object-id="(\d+)"', response.content.decode())} or {
        int(pk) for pk in re.findall(r"/admin/pages/(\d+)/edit/", response.content.decode())}


# --- the analysis -------------------------------------------------------------------------------------------------

def test_index_text_cuts_thai_into_words_and_adds_compound_parts():
    text = index_text("กรมบัญชีกลางผ่อนคลายเกณฑ์การจัดซื้อจัดจ้างภาครัฐ ปี ๒๕๖๓")
    words = text.split()
    assert "ผ่อนคลาย" in words and "เกณฑ์" in words and "จัดซื้อจัดจ้าง" in words
    assert "จัดซื้อ" in words and "จัดจ้าง" in words  # the compound's parts, so a part finds it
    assert "2563" in words  # Thai digits folded, as queries are
    assert "ข่าว" in index_text("ข่าวประชาสัมพันธ์").split()  # vowel and tone marks kept


def test_a_typed_chunk_is_all_required_and_chunks_keep_the_callers_operator():
    query = thai_query("หนองสระ", "and")
    assert isinstance(query, PlainText) and query.operator == "and"
    assert query.query_string.split() == ["หนอง", "สระ"]
    either = thai_query("หนองสระ ห้วยคต", "or")
    assert isinstance(either, Or)
    assert [(q.query_string.split(), q.operator) for q in either.subqueries] == [
        (["หนอง", "สระ"], "and"), (["ห้วย", "คต"], "and")]
    assert thai_query("ข่าว ๒๕๖๓", "and").query_string == "ข่าว 2563"
    assert thai_query(Phrase("ถนนคอนกรีต")).query_string == "ถนน คอนกรีต"
    assert isinstance(thai_query(Not(PlainText("ถนนคอนกรีต"))), Not)
    assert thai_query("-- ... //", "and") is None  # nothing to search for


# --- the admin's views --------------------------------------------------------------------------------------------

def test_a_provider_finds_their_draft_by_a_thai_word_inside_its_title(client, provider, procurement_draft):
    assert procurement_draft.live is False
    for query in ("ผ่อนคลายเกณฑ์", "จัดซื้อจัดจ้าง", "จัดซื้อ", "ภาครัฐ", "ผ่อนค"):  # the last one as typed so far
        assert procurement_draft.pk in page_search(client, provider, query), query


def test_the_search_never_shows_another_agencys_draft(client, other_agency, other_provider, procurement_draft):
    """The same Thai title in two agencies: each provider finds their own draft only."""
    theirs = news_page(record_with("ผ่อนคลายเกณฑ์"))
    theirs.owner, theirs.live, theirs.first_published_at = other_provider, False, None
    make_item_page(other_agency).add_child(instance=theirs)
    theirs.save_revision(user=other_provider)
    found = page_search(client, other_provider, "ผ่อนคลายเกณฑ์")
    assert theirs.pk in found
    assert procurement_draft.pk not in found


def test_agency_pages_and_snippets_are_found_by_a_place_name(client, administrator, agency):
    """Names from repository/fixtures/agencies.json, as the issue's searches were."""
    Agency.objects.create(code="huai-khot", name_th="อำเภอห้วยคต", parent=agency, kind=Agency.Kind.DISTRICT)
    local_page = make_agency("nong-sa", "องค์การบริหารส่วนตำบลหนองสระ", parent=agency, kind=Agency.Kind.LOCAL).page
    assert local_page.pk in page_search(client, administrator, "หนองสระ")
    response = client.get("/admin/snippets/repository/agency/", {"q": "ห้วยคต"})
    assert response.status_code == 200
    assert "อำเภอห้วยคต" in response.content.decode()


def test_a_live_pages_draft_is_found_by_its_draft_title(client, provider, news_index):
    """The page row keeps the published title until the draft is published; its editors search the new one."""
    from tests.factories import publish

    page = news_index.add_child(instance=news_page(record_with("ผ่อนคลายเกณฑ์"), owner=provider))
    page = publish(page)
    page.title = record_with("สินค้าสหกรณ์")["title"]  # another real title of the sample
    page.save_revision(user=provider)
    assert page.pk in page_search(client, provider, "สินค้าสหกรณ์")  # only in the draft's title
    assert page.pk in page_search(client, provider, "ผ่อนคลายเกณฑ์")  # the published title still finds it


def test_the_page_chooser_searches_in_thai(client, provider, procurement_draft):
    client.force_login(provider)
    response = client.get("/admin/choose-page/search/", {"q": "ผ่อนคลายเกณฑ์"})
    assert response.status_code == 200
    assert procurement_draft.title[:30] in response.content.decode()


def test_the_document_chooser_searches_in_thai_within_the_users_collections(client, provider, other_provider, agency):
    document = Document.objects.create(
        title="ประกาศผู้ชนะการเสนอราคาก่อสร้างถนนคอนกรีตเสริมเหล็ก", collection=agency_collection(agency),
        file=ContentFile(b"%PDF-1.4 " + b"x" * 512, name="winner.pdf"))
    client.force_login(provider)
    found = client.get("/admin/documents/chooser/results/", {"q": "ถนนคอนกรีต"})
    assert found.status_code == 200 and document.title in found.content.decode()
    client.force_login(other_provider)
    hidden = client.get("/admin/documents/chooser/results/", {"q": "ถนนคอนกรีต"})
    assert hidden.status_code == 200 and document.title not in hidden.content.decode()


def test_punctuation_alone_finds_nothing_and_fails_nothing(client, provider, procurement_draft):
    assert page_search(client, provider, "-- ... //") == set()


def test_the_stored_index_row_holds_the_words(procurement_draft):
    """Pins the seam with modelsearch (its vendor ObjectIndexer is replaced through add_items' namespace)."""
    from wagtail.search.models import IndexEntry

    entry = IndexEntry.objects.get(object_id=str(procurement_draft.pk), content_type__model="newspage")
    results = list(get_search_backend().autocomplete("เกณฑ์", Page.objects.filter(pk=procurement_draft.pk)))
    assert [page.pk for page in results] == [procurement_draft.pk]
    if connection.vendor == "sqlite":  # the text, spaced
        assert "ผ่อนคลาย" in entry.title.split() and "เกณฑ์" in entry.title.split()
    else:  # PostgreSQL: a tsvector of those words
        assert "'ผ่อนคลาย'" in entry.title and "'เกณฑ์'" in entry.title
