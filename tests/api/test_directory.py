"""/api/v1/agencies and /api/v1/frameworks: shape, tree order, counts, leaks, 404s, caching."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageViewRestriction

from repository.models import Agency, AgencyPage, EmergencyAnnouncementPage, FrameworkItem, FrameworkYear

from .builders import add, publish

pytestmark = pytest.mark.django_db


def ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def hidden(tree):
    """Agencies whose pages the public cannot see, and non-public disclosures of a public agency."""
    draft = Agency.objects.create(code="draft-agency", name_th="หน่วยงานร่าง AGENCYDRAFT")
    add(tree.home, AgencyPage(title="ร่าง", slug="draft-agency", agency=draft), published=False)
    private = Agency.objects.create(code="private-agency", name_th="หน่วยงานลับ AGENCYPRIVATE")
    private_page = add(tree.home, AgencyPage(title="ลับ", slug="private-agency", agency=private))
    PageViewRestriction.objects.create(page=private_page, restriction_type=PageViewRestriction.LOGIN)
    gone = Agency.objects.create(code="gone-agency", name_th="หน่วยงานเลิกเผยแพร่ AGENCYGONE", parent=tree.province)
    add(tree.province_page, AgencyPage(title="เลิก", slug="gone-agency", agency=gone)).unpublish()
    # Below a hidden agency page: a public page of a sub-agency is hidden too.
    under = Agency.objects.create(code="under-private", name_th="ใต้หน่วยงานลับ AGENCYUNDER", parent=private)
    add(private_page, AgencyPage(title="ใต้ลับ", slug="under", agency=under))
    # Non-public disclosures of the province: none may be counted.
    tree.news(published=False)
    tree.news().unpublish()
    expired = tree.news()
    type(expired).objects.filter(pk=expired.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
    private_news = tree.news()
    PageViewRestriction.objects.create(page=private_news, restriction_type=PageViewRestriction.LOGIN)
    newer = tree.news()
    newer.title = "ร่างใหม่"
    newer.save_revision()
    return tree


def test_agencies_in_tree_order_with_counts_and_no_hidden_agency(client, hidden):
    tree = hidden
    tree.news()
    tree.news(tree.office_item_page)
    tree.news(tree.other_item_page)
    response = client.get("/api/v1/agencies")
    data = ok(response)
    rows = {r["code"]: r for r in data["results"]}
    assert [r["code"] for r in data["results"]] == ["uthai-thani", "uthai-pao", "other-agency"]
    province = rows["uthai-thani"]
    assert province == {
        "code": "uthai-thani", "name_th": "จังหวัดอุทัยธานี", "name_en": "", "kind": "province",
        "kind_label": "จังหวัด", "parent": None, "depth": 0, "sub_agencies": ["uthai-pao"],
        "path": "uthai-thani", "canonical_url": "http://testserver/uthai-thani/",
        "api_url": "http://testserver/api/v1/content/uthai-thani",
        # the published newer-draft page counts once; drafts, unpublished, expired, private do not
        "disclosures": 2, "disclosures_total": 3,
    }
    assert rows["uthai-pao"]["parent"] == "uthai-thani" and rows["uthai-pao"]["depth"] == 1
    assert rows["uthai-pao"]["path"] == "uthai-thani/office"
    assert rows["other-agency"]["disclosures"] == 1
    text = response.content.decode()
    for marker in ("AGENCYDRAFT", "AGENCYPRIVATE", "AGENCYGONE", "AGENCYUNDER", "@uthai.go.th", "email"):
        assert marker not in text
    assert response["ETag"] and response["Last-Modified"]
    assert response["Cache-Control"].startswith("public")
    assert client.get("/api/v1/agencies", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_agency_detail_and_problems(client, hidden):
    data = ok(client.get("/api/v1/agencies/uthai-pao"))
    assert data["code"] == "uthai-pao" and data["parent"] == "uthai-thani" and data["name_th"] == "สำนักงานจังหวัดอุทัยธานี"
    for code in ("atlantis", "draft-agency", "private-agency", "gone-agency", "under-private"):
        body = problem(client.get(f"/api/v1/agencies/{code}"), 404)
        assert body["status"] == 404 and "AGENCY" not in str(body)
    assert problem(client.get("/api/v1/agencies?page=2"), 400)["param"] == "page"
    assert problem(client.get("/api/v1/agencies/uthai-pao?fields=code"), 400)["param"] == "fields"


def test_frameworks_and_items_with_answering_page_types(client, hidden):
    tree = hidden
    FrameworkYear.objects.create(year=2567, name="ITA 2567")
    tree.news()  # under the O4 item page
    emergency = EmergencyAnnouncementPage(
        title="ประกาศเหตุน้ำท่วม", slug="flood", summary="น้ำท่วม", issue_date=datetime.date(2025, 3, 1),
        severity="critical", affected_area="อำเภอเมือง", valid_until=timezone.now() + datetime.timedelta(days=1),
    )
    add(tree.office_item_page, emergency)  # office's item page has no item: linked directly instead
    emergency.items.set([tree.o12])
    publish(emergency)
    unpublished_answer = tree.news(tree.office_item_page)
    unpublished_answer.items.set([tree.o12])
    publish(unpublished_answer).unpublish()

    listing = ok(client.get("/api/v1/frameworks"))
    assert listing["results"] == [
        {"year": 2568, "name": "ITA 2568", "items": 2},
        {"year": 2567, "name": "ITA 2567", "items": 0},
    ]
    data = ok(client.get("/api/v1/frameworks/2568"))
    assert ok(client.get("/api/v1/frameworks/2025")) == data
    items = {i["code"]: i for i in data["items"]}
    assert list(items) == ["O4", "O12"]
    assert items["O4"]["disclosures"] == 2 and items["O4"]["recurrence"] == "per_event"
    assert items["O4"]["recurrence_label"] == "ตามเหตุการณ์"
    assert items["O4"]["page_types"] == [{"type": "repository.NewsPage", "type_label": "ข่าวประชาสัมพันธ์", "count": 2}]
    assert items["O12"]["disclosures"] == 1
    assert items["O12"]["page_types"] == [
        {"type": "repository.EmergencyAnnouncementPage", "type_label": "ประกาศเหตุเร่งด่วน", "count": 1}
    ]
    assert problem(client.get("/api/v1/frameworks/2590"), 404)["status"] == 404
    assert problem(client.get("/api/v1/frameworks/12"), 404)["status"] == 404
    assert problem(client.get("/api/v1/frameworks?year=2568"), 400)["param"] == "year"


def test_framework_counts_follow_items_added_later(client, tree, settings):
    """Counts are memoised per public change (as in production), never served stale after one."""
    from api import state

    settings.API_STATE_TTL = 60
    state.clear()
    tree.news()
    assert ok(client.get("/api/v1/frameworks/2568"))["items"][0]["disclosures"] == 1
    FrameworkItem.objects.filter(code="O4").update(sort_order=2)
    FrameworkItem.objects.filter(code="O12").update(sort_order=1)
    tree.news()
    data = ok(client.get("/api/v1/frameworks/2568"))
    assert [i["code"] for i in data["items"]] == ["O12", "O4"]
    assert data["items"][1]["disclosures"] == 2
