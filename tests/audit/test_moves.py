"""Moves: every page a move changes is recorded (its agency) or placed by replay (its tree path)."""

from wagtail.models import PageLogEntry

from repository.audit.chain import verify_chain
from repository.audit.models import AuditRecord
from repository.audit.replay import (
    follow_moves,
    live_pages_as_of,
    moves_as_of,
    object_timeline,
    restricted_paths_as_of,
)
from repository.audit.states import load_revisions
from repository.audit.tree import ACTION_CHILDREN_RENUMBERED
from repository.models import Agency, AgencyPage, ItemGroupPage, ItemPage, NewsPage
from tests import factories

from .conftest import make_news


def test_moved_pages_audit_history_has_their_new_agency(tree, admin_user):
    moved = make_news(tree["item_page"], admin_user, title="ข่าวที่ย้าย", body="<p>ก</p>", slug="moved")
    moved.move(tree["other_item_page"], pos="last-child", user=admin_user)
    events = object_timeline(NewsPage, moved.pk)
    assert events[-1]["action"] == "wagtail.move" and events[-1]["agency"] == "other-office"
    # Put last among its new siblings: it shifted none of them, so there is nothing more to record.
    assert not PageLogEntry.objects.filter(action=ACTION_CHILDREN_RENUMBERED).exists()


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
    factories.publish(page, user, log_action=True)
    page.refresh_from_db()
    return page


def _moment():
    import time

    from django.utils import timezone

    time.sleep(0.01)
    moment = timezone.now()
    time.sleep(0.01)
    return moment


def test_pages_below_a_moved_page_are_where_the_move_put_them_as_of_later_moments(tree, admin_user):
    """Within one agency a move logs only the moved page; the pages below it are placed by that entry."""
    from wagtail.models import PageViewRestriction

    agency_page = AgencyPage.objects.get(agency=tree["agency"])
    first = _published(agency_page, ItemGroupPage(title="หมวดเดิม", slug="old-section"), admin_user)
    second = _published(agency_page, ItemGroupPage(title="หมวดใหม่", slug="new-section"), admin_user)
    item = _published(first, ItemPage(title="รายการที่ย้าย", slug="moving-item"), admin_user)
    news = make_news(item, admin_user, title="ข่าวใต้รายการที่ย้าย", body="<p>ก</p>", slug="below")
    old_url, old_path = news.url_path, news.path
    before = _moment()
    item.move(second, pos="last-child", user=admin_user)
    news.refresh_from_db()
    assert news.url_path != old_url and object_timeline(NewsPage, news.pk)[-1]["action"] == "wagtail.publish"
    after = _moment()
    # The new section is made private later: the page below the moved item is private from then on.
    PageViewRestriction(page=second, restriction_type="login").save(user=admin_user)
    private = _moment()

    def where(moment):
        return {p["page_id"]: p["url_path"] for p in live_pages_as_of(moment, with_content=False)}.get(news.pk)

    assert where(before) == old_url
    assert where(after) == news.url_path == old_url.replace("/old-section/", "/new-section/")
    assert where(private) is None
    assert news.path != old_path and verify_chain().ok


def test_siblings_a_reorder_shifts_keep_their_privacy_as_of_later_moments(tree, admin_user):
    """Putting a page among siblings shifts the tree paths of those after it, and of their branches,
    without a log entry of theirs: the shift is logged on the parent, and as-of reads follow it."""
    from wagtail.models import Page, PageViewRestriction

    agency_page = AgencyPage.objects.get(agency=tree["agency"])
    secret = _published(agency_page, ItemGroupPage(title="หมวดภายใน", slug="internal"), admin_user)
    open_section = _published(agency_page, ItemGroupPage(title="หมวดเปิดเผย", slug="open"), admin_user)
    hidden = make_news(_published(secret, ItemPage(title="รายการภายใน", slug="internal-item"), admin_user),
                       admin_user, title="ข่าวภายใน", body="<p>ก</p>", slug="hidden")
    shown = make_news(_published(open_section, ItemPage(title="รายการเปิดเผย", slug="open-item"), admin_user),
                      admin_user, title="ข่าวเปิดเผย", body="<p>ข</p>", slug="shown")
    newcomer = _published(agency_page, ItemGroupPage(title="หมวดใหม่", slug="newcomer"), admin_user)
    below_newcomer = make_news(_published(newcomer, ItemPage(title="รายการใหม่", slug="new-item"), admin_user),
                               admin_user, title="ข่าวหมวดใหม่", body="<p>ค</p>", slug="below-newcomer")
    PageViewRestriction(page=secret, restriction_type="login").save(user=admin_user)
    before = _moment()

    # Dragged to the first place: it takes the secret section's path, which shifts (with the open one) to the right.
    old_secret_path = secret.path
    Page.objects.get(pk=newcomer.pk).move(Page.objects.get(pk=secret.pk), pos="left", user=admin_user)
    secret.refresh_from_db()
    newcomer.refresh_from_db()
    assert newcomer.path == old_secret_path and secret.path != old_secret_path
    log = PageLogEntry.objects.filter(action=ACTION_CHILDREN_RENUMBERED).get()
    assert log.page_id == agency_page.pk and log.user == admin_user
    assert {row["id"] for row in log.data["paths"]} == {secret.pk, open_section.pk}
    # The news below the secret section is edited again: its entry has the new path, the section's does not.
    for page in (hidden, shown, below_newcomer):
        page.refresh_from_db()
        factories.publish(page, admin_user, log_action=True)
    after = _moment()

    def live(moment):
        return {p["page_id"] for p in live_pages_as_of(moment, with_content=False)}

    assert shown.pk in live(before) and below_newcomer.pk in live(before) and hidden.pk not in live(before)
    assert shown.pk in live(after) and below_newcomer.pk in live(after)
    assert hidden.pk not in live(after)
    assert restricted_paths_as_of(after) == {secret.pk: secret.path}
    assert verify_chain().ok


def test_a_page_moved_into_a_shifted_siblings_place_keeps_its_own_branch(tree, admin_user):
    """The moved page takes the place the shifted sibling left: the pages below each stay below their own."""
    from wagtail.models import Page

    agency_page = AgencyPage.objects.get(agency=tree["agency"])
    first = _published(agency_page, ItemGroupPage(title="หมวดแรก", slug="first"), admin_user)
    first_news = make_news(_published(first, ItemPage(title="รายการแรก", slug="first-item"), admin_user),
                           admin_user, title="ข่าวหมวดแรก", body="<p>ก</p>", slug="first-news")
    last = _published(agency_page, ItemGroupPage(title="หมวดท้าย", slug="last"), admin_user)
    last_news = make_news(_published(last, ItemPage(title="รายการท้าย", slug="last-item"), admin_user),
                          admin_user, title="ข่าวหมวดท้าย", body="<p>ข</p>", slug="last-news")
    Page.objects.get(pk=last.pk).move(Page.objects.get(pk=first.pk), pos="left", user=admin_user)
    after = _moment()
    paths = {p["page_id"]: p for p in live_pages_as_of(after, with_content=False)}
    # Neither news page has an entry since the reorder: both are placed by it.
    assert object_timeline(NewsPage, first_news.pk)[-1]["action"] == "wagtail.publish"
    moves = moves_as_of(after)
    for news in (first_news, last_news):
        news.refresh_from_db()
        record = AuditRecord.objects.filter(page_id=news.pk).latest("sequence")
        state = load_revisions([record.revision_id], {"wagtailcore.page"})[record.revision_id]
        recorded = state[("wagtailcore.page", str(news.pk))]["path"]
        assert follow_moves(recorded, "", record.sequence, moves)[0] == news.path
        assert paths[news.pk]["url_path"] == news.url_path
    assert verify_chain().ok
