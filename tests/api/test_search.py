"""/api/v1/search and /api/v1/search/suggest over the real embedded engine."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(tree):
    from search.outbox import drain

    pages = [tree.news(), tree.news(), tree.news(tree.other_item_page)]
    drain()
    return pages


def a_word(title):
    """A Thai word of the title: its longest whitespace-separated chunk's first 4+ characters."""
    return max(title.split(), key=len)[:6]


def test_search_finds_a_real_title_with_highlights_and_facets(client, indexed):
    page = indexed[0]
    response = client.get("/api/v1/search", {"q": page.title})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["total"] >= 1
    top = data["results"][0]
    assert top["id"] == page.pk
    assert top["type"] == "repository.NewsPage"
    assert top["path"] == f"uthai-thani/news/o4/{page.slug}"
    assert top["highlights"] and "<mark>" in "".join(sum(top["highlights"].values(), []))
    assert {"agency", "item", "type", "fiscal_year"} <= set(data["facets"])
    assert all({"value", "label", "count"} == set(v) for v in data["facets"]["agency"])
    assert response["ETag"]


def test_filters_are_passed_and_validated(client, indexed):
    other = indexed[2]
    data = client.get("/api/v1/search", {"q": "", "agency": "other-agency"}).json()
    assert [r["id"] for r in data["results"]] == [other.pk]
    assert client.get("/api/v1/search", {"fiscal_year": "abc"}).json()["param"] == "fiscal_year"
    assert client.get("/api/v1/search", {"sort": "popular"}).json()["param"] == "sort"
    assert client.get("/api/v1/search", {"type": "Blog"}).json()["param"] == "type"
    assert client.get("/api/v1/search", {"from": "yesterday"}).json()["param"] == "from"
    assert client.get("/api/v1/search", {"page": "0"}).json()["param"] == "page"
    data = client.get("/api/v1/search", {"type": "NewsPage", "sort": "date", "per_page": 2}).json()
    assert data["per_page"] == 2 and len(data["results"]) == 2


def test_unpublished_page_is_dropped_even_if_the_index_lags(client, indexed):
    page = indexed[0]
    page.unpublish()  # index not drained: the API still must not show it
    ids = [r["id"] for r in client.get("/api/v1/search", {"q": page.title}).json()["results"]]
    assert page.pk not in ids


def test_suggest(client, indexed):
    page = indexed[0]
    prefix = page.title[:8]
    data = client.get("/api/v1/search/suggest", {"q": prefix}).json()
    assert page.pk in [s["id"] for s in data["suggestions"]]
    assert client.get("/api/v1/search/suggest", {"q": prefix, "limit": "99"}).json()["param"] == "limit"


def test_engine_down_is_a_503_problem(client, indexed, monkeypatch):
    from api import search_service
    from search.errors import SearchUnavailable

    class Down:
        def search(self, query):
            raise SearchUnavailable("connection refused")

    monkeypatch.setattr(search_service, "_backend", lambda: Down())
    response = client.get("/api/v1/search", {"q": "ข่าว"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert "refused" not in response.json()["detail"]


def test_facets_carry_thai_labels_without_a_query_per_value(client, indexed, tree):
    from repository.models import FrameworkItem, FrameworkYear

    # The same code in an older framework year means something else: the label is the item's own year's.
    old = FrameworkYear.objects.create(year=2563, name="ITA 2563")
    FrameworkItem.objects.create(framework=old, code="O4", name_th="ชื่อเก่าของรายการ")
    for page in indexed[:2]:
        page.items.set([tree.o4])
        factories.publish(page)
    from search.outbox import drain

    drain()
    data = client.get("/api/v1/search", {"q": ""}).json()
    facets = data["facets"]
    agencies = {f["value"]: f["label"] for f in facets["agency"]}
    assert agencies == {"uthai-thani": "จังหวัดอุทัยธานี", "other-agency": "หน่วยงานอื่น"}
    [item] = facets["item"]
    assert item == {"value": "2568:O4", "code": "O4", "label": "ข่าวประชาสัมพันธ์", "framework_year": 2568, "count": 2}
    assert facets["type"] == [{"value": "repository.NewsPage", "label": "ข่าวประชาสัมพันธ์", "count": 3}]
    assert all(f["label"] == f"พ.ศ. {f['value']}" for f in facets["fiscal_year"])
    # Labels cost the same queries however many facet values there are.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_value:
        assert len(client.get("/api/v1/search", {"q": "", "agency": "uthai-thani"}).json()["facets"]["agency"]) == 1
    with CaptureQueriesContext(connection) as two_values:
        assert len(client.get("/api/v1/search", {"q": ""}).json()["facets"]["agency"]) == 2
    assert len(two_values) <= len(one_value)


@pytest.mark.parametrize("index", [4, 16, 36, 60])
def test_a_whole_title_is_highlighted_on_a_small_index(client, tree, index):
    """Titles with abbreviations, English or document numbers (รมว., SMEs, (COVID-19), ๖/๒๕๖๓).

    Found by CI: on a few documents every plain word is "common", and the words the engine
    required were only those its vocabulary did not know as one token; their marks came out empty.
    """
    from search.outbox import drain

    from .builders import news_records

    records = news_records()
    page = tree.news(record=records[index])
    tree.news(record=records[index + 1])
    drain()
    top = client.get("/api/v1/search", {"q": page.title}).json()["results"][0]
    assert top["id"] == page.pk
    assert "<mark>" in "".join(sum(top["highlights"].values(), []))


def test_item_facets_and_filters_follow_the_items_framework_year(client, indexed):
    """A procurement notice tagged with ITA 2563's O22 is counted under 2563's O22, named as 2563 names it
    (procurement announcements), never under the name 2568 gives O22 (the report of gifts received)."""
    from repository.frameworks_loader import load_frameworks
    from repository.models import FrameworkItem
    from search.outbox import drain

    load_frameworks()  # the repository's ITA 2563–2568 lists
    old = FrameworkItem.objects.get(framework__year=2563, code="O22")
    new = FrameworkItem.objects.get(framework__year=2568, code="O22")
    assert old.name_th != new.name_th  # the same code, two items
    notice = indexed[2]
    notice.items.set([old])
    factories.publish(notice)
    drain()

    data = client.get("/api/v1/search", {"q": ""}).json()
    rows = [row for row in data["facets"]["item"] if row["code"] == "O22"]
    assert rows == [{"value": "2563:O22", "code": "O22", "framework_year": 2563, "label": old.name_th, "count": 1}]

    def found(item):
        response = client.get("/api/v1/search", {"q": "", "item": item})
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert found("2563:O22") == [notice.pk]
    assert found("2020:o22") == [notice.pk]  # the year in Gregorian, the code in any case
    assert found("2568:O22") == []  # 2568's O22 is another item
    assert found("O22") == [notice.pk]  # a bare code: any framework year (as before)
    for bad in ("abc:O22", "2563:", "2563:O 22"):
        response = client.get("/api/v1/search", {"item": bad})
        assert response.status_code == 400 and response.json()["param"] == "item", bad


def test_search_reads_the_parameters_it_shares_with_listings_alike(client, tree):
    """``type``, ``fiscal_year``, ``from`` and ``to`` mean the same in a search as in a listing
    (api.filters / api.params): the same values accepted, the same problem for a bad one."""
    for params in ({"type": "Nope"}, {"fiscal_year": "soon"}, {"from": "2025-13-01"}, {"to": "2568-01-01"},
                   {"from": "2025-02-01", "to": "2025-01-01"}):
        search = client.get("/api/v1/search", {"q": "ข่าว", **params})
        listing = client.get("/api/v1/disclosures", params)
        assert search.status_code == listing.status_code == 400, params
        assert (search.json()["param"], search.json()["detail"]) == (listing.json()["param"], listing.json()["detail"])
    for params in ({"type": "repository.NewsPage"}, {"type": "newspage"}, {"fiscal_year": "2025"},
                   {"from": "2025-01-01", "to": "2025-01-31"}):
        assert client.get("/api/v1/search", {"q": "ข่าว", **params}).status_code == 200, params
