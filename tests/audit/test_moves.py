"""A move that changes which agency pages belong to is recorded for every page it changes."""

from wagtail.models import PageLogEntry

from repository.audit.chain import verify_chain
from repository.audit.replay import live_pages_as_of, object_timeline
from repository.models import Agency, AgencyPage, ItemGroupPage, ItemPage, NewsPage

from .conftest import make_news


def test_moved_pages_audit_history_has_their_new_agency(tree, admin_user):
    moved = make_news(tree["item_page"], admin_user, title="ข่าวที่ย้าย", body="<p>ก</p>", slug="moved")
    moved.move(tree["other_item_page"], pos="last-child", user=admin_user)
    events = object_timeline(NewsPage, moved.pk)
    assert events[-1]["action"] == "wagtail.move" and events[-1]["agency"] == "other-office"


def test_pages_below_a_moved_section_get_an_entry_with_their_new_agency(tree, admin_user):
    district = Agency.objects.create(code="thap-than", name_th="อำเภอทัพทัน", kind="district",
                                     parent=tree["agency"])
    district_page = tree["home"].add_child(instance=AgencyPage(title="อำเภอทัพทัน", slug="thap-than",
                                                               agency=district))
    section = district_page.add_child(instance=ItemGroupPage(title="ข่าวอำเภอ", slug="district-news"))
    item = section.add_child(instance=ItemPage(title="ข่าวประชาสัมพันธ์อำเภอ", slug="district-pr"))
    first = make_news(item, admin_user, title="ข่าวอำเภอหนึ่ง", body="<p>ก</p>", slug="d1")
    second = make_news(item, admin_user, title="ข่าวอำเภอสอง", body="<p>ข</p>", slug="d2")
    assert first.agency == district

    # The whole section moves under the province's agency page: its disclosures now belong to the province.
    section.move(AgencyPage.objects.get(agency=tree["agency"]), pos="last-child", user=admin_user)

    for page in (first, second):
        events = object_timeline(NewsPage, page.pk)
        assert events[-1]["action"] == "repository.agency_follows_tree"
        assert events[-1]["agency"] == "uthai-thani" and events[-1]["user"] == "ผู้ดูแลระบบ"
        log = PageLogEntry.objects.filter(page_id=page.pk).latest("pk")
        assert log.action == "repository.agency_follows_tree"
        assert log.data["agency"] == {"before": "thap-than", "after": "uthai-thani"}
    live = {p["page_id"]: p for p in live_pages_as_of("2600-01-01", agency="thap-than")}
    assert first.pk not in live and second.pk not in live
    assert verify_chain().ok


def _published(parent, page, user):
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True).publish(user=user)
    page.refresh_from_db()
    return page


def test_pages_below_a_moved_page_are_where_the_move_put_them_as_of_later_moments(tree, admin_user):
    """Within one agency a move logs only the moved page; the pages below it are placed by that entry."""
    import time

    from django.utils import timezone
    from wagtail.models import PageViewRestriction

    agency_page = AgencyPage.objects.get(agency=tree["agency"])
    first = _published(agency_page, ItemGroupPage(title="หมวดเดิม", slug="old-section"), admin_user)
    second = _published(agency_page, ItemGroupPage(title="หมวดใหม่", slug="new-section"), admin_user)
    item = _published(first, ItemPage(title="รายการที่ย้าย", slug="moving-item"), admin_user)
    news = make_news(item, admin_user, title="ข่าวใต้รายการที่ย้าย", body="<p>ก</p>", slug="below")
    old_url, old_path = news.url_path, news.path
    time.sleep(0.01)
    before = timezone.now()
    time.sleep(0.01)
    item.move(second, pos="last-child", user=admin_user)
    news.refresh_from_db()
    assert news.url_path != old_url and object_timeline(NewsPage, news.pk)[-1]["action"] == "wagtail.publish"
    time.sleep(0.01)
    after = timezone.now()
    time.sleep(0.01)
    # The new section is made private later: the page below the moved item is private from then on.
    PageViewRestriction(page=second, restriction_type="login").save(user=admin_user)
    time.sleep(0.01)
    private = timezone.now()

    def where(moment):
        return {p["page_id"]: p["url_path"] for p in live_pages_as_of(moment, with_content=False)}.get(news.pk)

    assert where(before) == old_url
    assert where(after) == news.url_path == old_url.replace("/old-section/", "/new-section/")
    assert where(private) is None
    assert news.path != old_path and verify_chain().ok
