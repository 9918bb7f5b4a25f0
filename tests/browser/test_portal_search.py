"""The portal in a real browser: Thai search, facets, detail, history, emergency banner, accessibility."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from tests import factories
from tests.portal.builders import Site, attach, news_records, portal_url

from .portal_browser import axe_violations, needs_chromium, open_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
              needs_chromium]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PORTAL_DIRECTORY_TTL = 0
    settings.API_ANON_THROTTLE_RATE = ""


@pytest.fixture
def site(transactional_db):
    from search.outbox import drain

    site = Site()
    site.pages = [site.news(r) for r in news_records()[60:66]]
    site.pages += [site.news(r, parent=site.pm_news) for r in news_records()[66:69]]
    attach(site.pages[0])
    drain()
    return site


@pytest.fixture
def browser_page(live_server):
    yield from open_page(live_server)


def total(page):
    return int(page.locator("[data-total]").get_attribute("data-total"))


def test_search_a_thai_phrase_and_open_the_document(browser_page, site):
    page = browser_page
    target = site.pages[2]
    phrase = target.title
    page.goto(page.base + "/")
    page.get_by_role("combobox", name="คำค้น").fill(phrase)
    page.get_by_role("button", name="ค้นหา", exact=True).click()
    page.wait_for_url(re.compile(r"\?q="))
    assert total(page) >= 1
    assert page.locator(".results mark").count() >= 1
    screenshot(page, "portal-search-results")
    page.locator(f'a[href="{portal_url(target)}"]').first.click()
    page.wait_for_url(re.compile(re.escape(portal_url(target))))
    assert page.get_by_role("heading", level=1).inner_text() == target.title
    screenshot(page, "portal-detail")


def test_suggestions_as_you_type(browser_page, site):
    page = browser_page
    target = site.pages[4]
    page.goto(page.base + "/")
    page.get_by_role("combobox", name="คำค้น").press_sequentially(target.title[:6], delay=40)
    option = page.get_by_role("option").first
    option.wait_for()
    box = page.get_by_role("combobox", name="คำค้น")
    assert box.get_attribute("aria-expanded") == "true"
    screenshot(page, "portal-suggestions", full_page=False)
    first_title = option.inner_text()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-suggestion-0"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/p/"))
    assert page.get_by_role("heading", level=1).inner_text() == first_title


def test_facet_changes_counts(browser_page, site):
    page = browser_page
    page.goto(page.base + "/")
    assert total(page) == len(site.pages)
    facet = page.locator('[data-facet="agency"] a[data-value="secretariat-pm"]')
    assert facet.locator(".facet-count").inner_text() == "3"
    facet.click()
    page.wait_for_url(re.compile(r"agency=secretariat-pm"))
    assert total(page) == 3
    assert page.locator('[data-facet="agency"] a[data-value="uthai-thani"]').count() == 0
    screenshot(page, "portal-facet")


def test_history_diff(browser_page, site):
    target = site.pages[1]
    target.summary = "ปรับปรุงข้อมูล " + target.summary
    factories.publish(target)
    page = browser_page
    page.goto(page.base + portal_url(target))
    page.get_by_role("link", name="ดูประวัติการแก้ไขและสิ่งที่เปลี่ยนแปลง").click()
    page.wait_for_url(re.compile(r"/history/"))
    diff = page.get_by_test_id("diff")
    assert "ปรับปรุงข้อมูล" in diff.locator(".change ins").first.inner_text()
    screenshot(page, "portal-history-diff")


def test_emergency_banner_appears_and_disappears(browser_page, site):
    page = browser_page
    page.goto(page.base + "/")
    assert page.get_by_test_id("emergency-banner").count() == 0
    announcement = site.emergency("ประกาศเตือนภัยน้ำป่าไหลหลากและดินโคลนถล่ม", datetime.timedelta(seconds=6))

    factories.publish(announcement)
    published_at = timezone.now()
    page.goto(page.base + "/agencies/")
    banner = page.get_by_test_id("emergency-banner")
    assert "ประกาศเตือนภัยน้ำป่าไหลหลาก" in banner.inner_text()
    screenshot(page, "portal-emergency-banner")
    time.sleep(max(0, 6.5 - (timezone.now() - published_at).total_seconds()))
    page.goto(page.base + "/agencies/")
    assert page.get_by_test_id("emergency-banner").count() == 0
    screenshot(page, "portal-emergency-expired")


def test_no_serious_accessibility_violations(browser_page, site):
    page = browser_page
    found = {}
    for name, url in (
        ("search", "/?q=" + max(site.pages[0].title.split(), key=len)),
        ("detail", portal_url(site.pages[0])),
        ("answer-sheet", "/oit/uthai-thani/"),
    ):
        page.goto(page.base + url)
        found[name] = axe_violations(page)
        screenshot(page, f"portal-axe-{name}")
    assert found == {"search": {}, "detail": {}, "answer-sheet": {}}


def test_search_page_on_a_phone(browser_page, site):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/?q=" + max(site.pages[3].title.split(), key=len))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "portal-phone", full_page=False)
