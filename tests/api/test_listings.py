"""/api/v1/disclosures and @children: filters, ordering, both paginations."""

import datetime

import pytest

from repository.models import FrameworkItem, FrameworkYear

from .builders import news_records, publish

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def add_to_tree(tree):
    """Four news pages, the listings' rows (``tree.listed``), built with the API tree once for the module (conftest.py)."""
    records = news_records()
    made = {
        "province_a": tree.news(record=records[0]),
        "province_b": tree.news(record=records[1]),
        "office": tree.news(tree.office_item_page, record=records[2]),
        "other": tree.news(tree.other_item_page, record=records[3]),
    }
    made["province_a"].tags.add("น้ำท่วม")
    publish(made["province_a"])
    tree.listed = made


@pytest.fixture
def pages(tree):
    return tree.listed


def test_listing_shape_and_count(client, pages):
    data = client.get("/api/v1/disclosures").json()
    assert data["count"] == 4
    row = data["results"][0]
    assert {"id", "type", "title", "path", "agency", "items", "issue_date", "issue_date_be", "fiscal_year"} <= set(row)
    assert "body" not in row
    assert row["type"] == "repository.NewsPage" and row["type_label"] == "ข่าวประชาสัมพันธ์"


def test_agency_filter_includes_sub_agencies(client, pages):
    got = ids(client.get("/api/v1/disclosures?agency=uthai-thani"))
    assert set(got) == {pages["province_a"].pk, pages["province_b"].pk, pages["office"].pk}
    assert ids(client.get("/api/v1/disclosures?agency=uthai-pao")) == [pages["office"].pk]
    assert set(ids(client.get("/api/v1/disclosures?agency=uthai-pao,other-agency"))) == {pages["office"].pk, pages["other"].pk}


def test_unknown_agency_is_400(client, pages):
    response = client.get("/api/v1/disclosures?agency=atlantis")
    assert response.status_code == 400
    assert response.json()["param"] == "agency"


def test_item_and_framework_year_filters(client, pages, tree):
    assert set(ids(client.get("/api/v1/disclosures?item=O4"))) == {pages["province_a"].pk, pages["province_b"].pk}
    assert set(ids(client.get("/api/v1/disclosures?item=o4&framework_year=2568"))) == {pages["province_a"].pk, pages["province_b"].pk}
    other_year = FrameworkYear.objects.create(year=2567, name="ITA 2567")
    FrameworkItem.objects.create(framework=other_year, code="O4", name_th="ข่าว")
    assert ids(client.get("/api/v1/disclosures?item=O4&framework_year=2567")) == []
    assert ids(client.get("/api/v1/disclosures?item=O4&framework_year=2024")) == []
    assert client.get("/api/v1/disclosures?item=O999").json()["param"] == "item"
    # the search facets' "<year>:<code>" values work here too
    assert set(ids(client.get("/api/v1/disclosures?item=2568:O4"))) == {pages["province_a"].pk, pages["province_b"].pk}
    assert ids(client.get("/api/v1/disclosures?item=2567:O4")) == []
    assert client.get("/api/v1/disclosures?item=2566:O4").json()["param"] == "item"  # no such item that year
    assert client.get("/api/v1/disclosures?item=x:O4").json()["param"] == "item"


def test_fiscal_year_in_be_or_gregorian(client, pages):
    page = pages["province_a"]
    fy = page.fiscal_year
    assert page.pk in ids(client.get(f"/api/v1/disclosures?fiscal_year={fy}"))
    assert ids(client.get(f"/api/v1/disclosures?fiscal_year={fy}")) == ids(client.get(f"/api/v1/disclosures?fiscal_year={fy - 543}"))
    response = client.get("/api/v1/disclosures?fiscal_year=abc")
    assert response.status_code == 400 and response.json()["param"] == "fiscal_year"
    assert client.get("/api/v1/disclosures?fiscal_year=99").status_code == 400


def test_date_range_and_type_and_tag(client, pages):
    page = pages["province_a"]
    day = page.issue_date.isoformat()
    got = ids(client.get(f"/api/v1/disclosures?from={day}&to={day}"))
    assert page.pk in got and all(
        p.issue_date == page.issue_date for p in pages.values() if p.pk in got
    )
    assert client.get("/api/v1/disclosures?from=2025-13-01").json()["param"] == "from"
    assert client.get("/api/v1/disclosures?from=2025-02-01&to=2025-01-01").json()["param"] == "from"
    assert len(ids(client.get("/api/v1/disclosures?type=NewsPage"))) == 4
    assert ids(client.get("/api/v1/disclosures?type=repository.PlanReportPage")) == []
    assert client.get("/api/v1/disclosures?type=BlogPage").json()["param"] == "type"
    assert ids(client.get("/api/v1/disclosures?tag=น้ำท่วม")) == [page.pk]


def test_ordering(client, pages):
    got = ids(client.get("/api/v1/disclosures?ordering=issue_date"))
    dates = [p.issue_date for p in sorted(pages.values(), key=lambda p: (p.issue_date, p.pk))]
    assert [next(p for p in pages.values() if p.pk == i).issue_date for i in got] == dates
    assert ids(client.get("/api/v1/disclosures?ordering=-id")) == sorted((p.pk for p in pages.values()), reverse=True)
    assert client.get("/api/v1/disclosures?ordering=secret").json()["param"] == "ordering"


def test_page_number_pagination(client, pages):
    first = client.get("/api/v1/disclosures?per_page=3&ordering=id").json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get("/api/v1/disclosures?page=9").json()["param"] == "page"
    assert client.get("/api/v1/disclosures?per_page=1000").json()["param"] == "per_page"
    assert client.get("/api/v1/disclosures?page=zero").json()["param"] == "page"


def test_cursor_pagination_walks_everything_once(client, pages):
    seen, url = [], "/api/v1/disclosures?pagination=cursor&per_page=1&ordering=id"
    while url:
        data = client.get(url).json()
        assert "count" not in data
        seen += [r["id"] for r in data["results"]]
        url = data["next"]
    assert seen == sorted(p.pk for p in pages.values())
    assert client.get("/api/v1/disclosures?cursor=garbage").json()["param"] == "cursor"
    assert client.get("/api/v1/disclosures?pagination=cursor&ordering=title").json()["param"] == "ordering"


def test_fields_on_listing(client, pages):
    row = client.get("/api/v1/disclosures?fields=title,body,tags&ordering=id").json()["results"][0]
    assert set(row) == {"id", "type", "title", "body", "tags"}
    assert row["tags"] == ["น้ำท่วม"]


def test_children_listing(client, pages, tree):
    data = client.get("/api/v1/content/@children").json()
    assert [r["path"] for r in data["results"]] == ["uthai-thani", "other"]
    data = client.get("/api/v1/content/uthai-thani/news/o4/@children").json()
    assert {r["id"] for r in data["results"]} == {pages["province_a"].pk, pages["province_b"].pk}
    assert data["results"][0]["agency"]["code"] == "uthai-thani"
    assert client.get("/api/v1/content/nowhere/@children").status_code == 404


def test_issue_date_today_boundary(client, pages):
    today = datetime.date.today().isoformat()
    assert ids(client.get(f"/api/v1/disclosures?from={today}")) == []
