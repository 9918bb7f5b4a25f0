"""The OIT answer sheet against a hand-built repository and hand-written expectations."""

import csv
import datetime
import io

import pytest
from wagtail.models import PageViewRestriction

from repository.models import FrameworkItem, GeneralDisclosurePage, ItemPage, PlanReportPage, ProcurementSummaryPage

from .builders import add, news_records, publish

pytestmark = pytest.mark.django_db


def disclosure(parent, page, items):
    add(parent, page, published=False)
    page.items.set(items)
    publish(page)
    return page


def write_sheet(tree):
    fw = tree.framework  # ITA 2568 = fiscal year 1 Oct 2024 – 30 Sep 2025
    o1 = FrameworkItem.objects.create(framework=fw, code="O1", name_th="โครงสร้าง", recurrence="once", sort_order=1)
    o11 = FrameworkItem.objects.create(framework=fw, code="O11", name_th="รายงานรอบ 6 เดือน", recurrence="semi_annual", sort_order=11)
    o13 = FrameworkItem.objects.create(framework=fw, code="O13", name_th="รายงานประจำปี", recurrence="annual", sort_order=13)
    o14 = FrameworkItem.objects.create(framework=fw, code="O14", name_th="แผนประจำปี", recurrence="annual", sort_order=14)
    tree.o4.sort_order, tree.o12.sort_order = 4, 12
    tree.o4.save(), tree.o12.save()
    misc = add(tree.group, ItemPage(title="ข้อมูลอื่น", slug="misc"))
    record = news_records()[5]
    # O1 once: an old structure page still counts.
    disclosure(misc, GeneralDisclosurePage(title="โครงสร้างหน่วยงาน", slug="structure", issue_date=datetime.date(2020, 5, 1)), [o1])
    # O4 per event: news of FY 2568 under the O4 item page.
    news = tree.news(record={**record, "date": "2025-03-01"})
    # O12 monthly: only a summary of FY 2567 -> stale.
    disclosure(misc, ProcurementSummaryPage(title="สขร.1 พฤษภาคม 2567", slug="skr-2567-05", month=datetime.date(2024, 5, 1),
                                            no_procurement=True, issue_date=datetime.date(2024, 6, 5)), [tree.o12])
    # O13 annual report of FY 2567 published in FY 2568: counts (reports look back one year).
    disclosure(misc, PlanReportPage(title="รายงานผลประจำปี 2567", slug="report-2567", kind="report", fiscal_year=2567,
                                    issue_date=datetime.date(2024, 11, 15)), [o13])
    # O14 annual plan of FY 2567: a plan must be for the year itself -> stale.
    disclosure(misc, PlanReportPage(title="แผนปี 2567", slug="plan-2567", kind="plan", fiscal_year=2567,
                                    issue_date=datetime.date(2023, 10, 15)), [o14])
    # O11: only a private page and a sub-agency page answer it -> missing for the province.
    private = disclosure(misc, GeneralDisclosurePage(title="ลับ", slug="private", issue_date=datetime.date(2025, 4, 20)), [o11])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    office_page = tree.news(tree.office_item_page)
    office_page.items.set([o11])
    publish(office_page)
    assert o11.disclosures.filter(pk=office_page.pk).exists()
    return {"news": news}


def add_to_tree(tree):
    """The answers above (``tree.sheet``), built with the API tree once for the module (conftest.py)."""
    tree.sheet = write_sheet(tree)


@pytest.fixture
def sheet_tree(tree):
    return tree.sheet


EXPECTED = {
    "O1": "published",
    "O4": "published",
    "O11": "missing",
    "O12": "stale",
    "O13": "published",
    "O14": "stale",
}


def test_answer_sheet_statuses(client, sheet_tree):
    data = client.get("/api/v1/oit/2568/uthai-thani").json()
    assert data["framework_year"] == 2568
    assert data["agency"]["code"] == "uthai-thani"
    assert {i["code"]: i["status"] for i in data["items"]} == EXPECTED
    assert [i["code"] for i in data["items"]] == ["O1", "O4", "O11", "O12", "O13", "O14"]
    assert data["summary"] == {"published": 3, "stale": 2, "missing": 1}
    o4 = next(i for i in data["items"] if i["code"] == "O4")
    assert o4["urls"] == [f"http://testserver/uthai-thani/news/o4/{sheet_tree['news'].slug}/"]
    assert o4["item_page_urls"] == ["http://testserver/uthai-thani/news/o4/"]
    o12 = next(i for i in data["items"] if i["code"] == "O12")
    assert o12["latest_issue_date"] == "2024-06-05" and o12["current_pages"] == 0 and o12["answering_pages"] == 1
    assert o12["latest_issue_date_be"] == "5 มิ.ย. 2567"  # the sheet shows Buddhist Era dates


def test_gregorian_year_and_errors(client, sheet_tree):
    assert client.get("/api/v1/oit/2025/uthai-thani").json()["framework_year"] == 2568
    assert client.get("/api/v1/oit/2568/atlantis").status_code == 404
    assert client.get("/api/v1/oit/2599/uthai-thani").status_code == 404
    response = client.get("/api/v1/oit/2568/uthai-thani?format=xml")
    assert response.status_code == 400 and response.json()["param"] == "format"


def test_csv(client, sheet_tree):
    for response in (client.get("/api/v1/oit/2568/uthai-thani?format=csv"),
                     client.get("/api/v1/oit/2568/uthai-thani", HTTP_ACCEPT="text/csv")):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert {r["code"]: r["status"] for r in rows} == EXPECTED
        assert response["ETag"]


def test_unpublishing_the_only_answer_makes_it_missing(client, sheet_tree):
    sheet_tree["news"].unpublish()
    data = client.get("/api/v1/oit/2568/uthai-thani").json()
    assert next(i for i in data["items"] if i["code"] == "O4")["status"] == "missing"
