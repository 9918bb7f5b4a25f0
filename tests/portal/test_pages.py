"""Browse, detail and answer-sheet pages, rendered from the public API over real corpus pages."""

import datetime

import pytest
from django.utils import timezone

from tests import factories

from .builders import attach, news_records, portal_url

pytestmark = pytest.mark.django_db


def test_detail_shows_fields_be_dates_document_number_and_attachment(client, site):
    record = news_records()[3]
    page = site.news(record, document_number="ที่ อท ๐๐๑๗/๒๒๔")
    attach(page, title="รายงานฉบับเต็ม")
    response = client.get(portal_url(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert record["title"][:60] in html
    assert "ที่ อท ๐๐๑๗/๒๒๔" in html
    year_be = int(record["date"][:4]) + 543
    assert str(year_be) in html  # Buddhist Era issue date
    assert "รายงานฉบับเต็ม" in html and "PDF" in html and "KB" in html
    assert "จังหวัดอุทัยธานี" in html


def test_unpublished_page_is_a_404_page(client, site):
    response = client.get("/p/uthai-thani/basic/news/not-there/")
    assert response.status_code == 404
    assert "ไม่พบหน้า" in response.content.decode()


def test_agencies_tree_and_agency_listing(client, site):
    first, second = news_records()[10], news_records()[11]
    site.news(first)
    site.news(second, parent=site.pm_news)
    html = client.get("/agencies/").content.decode()
    assert "จังหวัดอุทัยธานี" in html and "สำนักงานจังหวัดอุทัยธานี" in html and "สำนักเลขาธิการนายกรัฐมนตรี" in html
    html = client.get("/agencies/secretariat-pm/").content.decode()
    assert second["title"][:50] in html and first["title"][:50] not in html
    assert "ทั้งหมด 1 รายการ" in html
    assert client.get("/agencies/nowhere/").status_code == 404


def test_items_browse_and_item_listing(client, site):
    record = news_records()[12]
    site.news(record)
    html = client.get("/items/").content.decode()
    assert "O4" in html and "ข่าวประชาสัมพันธ์" in html and "O1" in html
    html = client.get("/items/O4/").content.decode()
    assert record["title"][:50] in html
    assert client.get("/items/O99/").status_code == 404


def test_answer_sheet_lists_each_item_with_status(client, site):
    site.news(news_records()[13], issue_date=datetime.date.today())
    response = client.get("/oit/uthai-thani/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="O4"' in html and 'data-code="O1"' in html
    o4 = html.split('data-code="O4"')[1].split("</tr>")[0]
    o1 = html.split('data-code="O1"')[1].split("</tr>")[0]
    assert "เผยแพร่แล้ว" in o4 and "uthai-thani/basic/news/" in o4
    assert "ยังไม่เผยแพร่" in o1
    assert "?format=csv" in html


def test_emergency_banner_on_every_page_until_expiry(client, site):
    page = site.emergency("ประกาศเตือนภัยน้ำป่าไหลหลาก", timezone.timedelta(hours=2))
    for url in ("/agencies/", "/items/", "/oit/uthai-thani/"):
        html = client.get(url).content.decode()
        assert 'data-testid="emergency-banner"' in html and "ประกาศเตือนภัยน้ำป่าไหลหลาก" in html, url
    page.valid_until = timezone.now() - timezone.timedelta(minutes=1)
    factories.publish(page)
    html = client.get("/agencies/").content.decode()
    assert 'data-testid="emergency-banner"' not in html


def test_throttled_visitor_gets_a_thai_429_page(client, site, settings):
    from django.core.cache import cache

    settings.API_ANON_THROTTLE_RATE = "20/min"  # one portal page makes a few (3) API calls
    cache.clear()
    try:
        statuses = [client.get("/agencies/secretariat-pm/", REMOTE_ADDR="203.0.113.9").status_code for _ in range(12)]
        assert statuses[0] == 200 and statuses[-1] == 429
        response = client.get("/agencies/secretariat-pm/", REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 429 and response["Retry-After"] == "30"
        assert "มีคำขอจากเครื่องของท่านมากเกินไป" in response.content.decode()
        assert client.get("/agencies/secretariat-pm/", REMOTE_ADDR="203.0.113.10").status_code == 200
    finally:
        cache.clear()


def test_banner_goes_at_valid_until_even_if_the_api_reuses_a_document(client, site, settings):
    """With the API's per-process memo on (production), ``active`` may be a built-earlier value."""
    import time

    settings.API_STATE_TTL = 60
    factories.publish(site.emergency("ประกาศเตือนภัยน้ำป่าไหลหลาก", timezone.timedelta(seconds=2)))
    assert "ประกาศเตือนภัยน้ำป่าไหลหลาก" in client.get("/items/").content.decode()
    time.sleep(2.2)
    assert 'data-testid="emergency-banner"' not in client.get("/items/").content.decode()
