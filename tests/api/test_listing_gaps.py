"""Child rows typed and with their agency; ?active= on emergencies; as_of honouring every filter; as_of by a past path."""

import datetime
import time

import pytest
from django.utils import timezone

from repository.models import EmergencyAnnouncementPage, FrameworkItem, FrameworkYear

from .builders import add, news_records, publish

pytestmark = pytest.mark.django_db


def ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def param_of(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["param"]


def emergency(tree, slug, valid_until, published=True, **fields):
    page = EmergencyAnnouncementPage(
        title=f"ประกาศเหตุ {slug}", slug=slug, summary="น้ำป่าไหลหลาก", issue_date=datetime.date(2025, 9, 1),
        severity=fields.pop("severity", "critical"), affected_area="อำเภอบ้านไร่", valid_until=valid_until, **fields,
    )
    add(tree.item_page, page, published=published)
    return page


def test_child_rows_name_their_type_and_agency(client, tree):
    rows = ok(client.get("/api/v1/content/uthai-thani/@children"))["results"]
    by_slug = {r["slug"]: r for r in rows}
    assert by_slug["office"]["type"] == "repository.AgencyPage"
    assert by_slug["office"]["agency"] == {"code": "uthai-pao", "name_th": "สำนักงานจังหวัดอุทัยธานี", "name_en": "", "kind": "office"}
    assert by_slug["news"]["type"] == "repository.ItemGroupPage" and "agency" not in by_slug["news"]
    block = ok(client.get("/api/v1/content/uthai-thani?expand=children"))["children"]["items"]
    assert [r["type"] for r in block] == [r["type"] for r in rows]
    assert block[0]["agency"]["code"] == "uthai-pao"
    assert "@uthai.go.th" not in str(rows) + str(block)


def test_active_filter_on_emergency_announcements(client, tree):
    now = timezone.now()
    current = emergency(tree, "current", now + datetime.timedelta(hours=2))
    past = emergency(tree, "past", now - datetime.timedelta(hours=2))
    emergency(tree, "draft-current", now + datetime.timedelta(hours=2), published=False)
    tree.news()

    def listing(**params):
        return ok(client.get("/api/v1/disclosures", params))["results"]

    assert [r["id"] for r in listing(active="true")] == [current.pk]
    assert [r["id"] for r in listing(active="false")] == [past.pk]
    assert [r["id"] for r in listing(active="true", type="EmergencyAnnouncementPage")] == [current.pk]
    [row] = listing(active="true", fields="id,title,severity,valid_until,valid_until_be,active")
    assert row["severity"] == "critical" and row["active"] is True and row["valid_until_be"]
    typed = listing(type="EmergencyAnnouncementPage", fields="severity_label", ordering="id")
    assert [r["severity_label"] for r in typed] == ["วิกฤต", "วิกฤต"]
    assert param_of(client.get("/api/v1/disclosures", {"active": "yes"})) == "active"
    assert param_of(client.get("/api/v1/disclosures", {"active": "true", "type": "NewsPage"})) == "active"
    assert param_of(client.get("/api/v1/disclosures", {"fields": "severity"})) == "fields"
    assert param_of(client.get("/api/v1/disclosures", {"type": "NewsPage", "fields": "severity"})) == "fields"
    assert "draft-current" not in client.get("/api/v1/disclosures", {"active": "true"}).content.decode()


def test_an_announcement_running_out_moves_last_modified(tree):
    from api.caching import last_public_change

    page = emergency(tree, "soon", timezone.now() + datetime.timedelta(hours=1))
    before = last_public_change()
    ended = timezone.now() - datetime.timedelta(seconds=1)
    EmergencyAnnouncementPage.objects.filter(pk=page.pk).update(valid_until=ended)
    assert last_public_change() == max(before, ended)


def test_as_of_listing_honours_tag_framework_year_ordering_and_active(client, tree):
    records = news_records()
    older_year = FrameworkYear.objects.create(year=2567, name="ITA 2567")
    o7 = FrameworkItem.objects.create(framework=older_year, code="O7", name_th="ข่าว")
    a = tree.news(record=records[10])
    a.tags.add("น้ำท่วม")
    a.items.set([tree.o4])
    publish(a)
    b = tree.news(record=records[11])
    b.items.set([o7])
    publish(b)
    now = timezone.now()
    live = emergency(tree, "then-active", now + datetime.timedelta(days=1))
    over = emergency(tree, "then-over", now - datetime.timedelta(days=1))
    time.sleep(0.01)
    moment = timezone.now().isoformat()
    a.tags.clear()
    publish(a)  # after the moment: the tag is gone now, but was there then

    def listing(**params):
        return [r["id"] for r in ok(client.get("/api/v1/disclosures", {"as_of": moment, **params}))["results"]]

    assert listing(tag="น้ำท่วม") == [a.pk]
    assert ok(client.get("/api/v1/disclosures", {"tag": "น้ำท่วม"}))["count"] == 0
    # Pages placed under the O4 item page answer O4 (repository.answers), emergencies included, and so
    # does b, re-tagged to 2567's O7: it still sits under the 2568 O4 item page.
    assert set(listing(framework_year="2568")) == {a.pk, b.pk, live.pk, over.pk}
    assert listing(framework_year="2568") == [
        r["id"] for r in ok(client.get("/api/v1/disclosures", {"framework_year": "2568"}))["results"]
    ]
    assert listing(framework_year="2567") == [b.pk]
    assert listing(item="O4", framework_year="2567") == []
    assert listing(ordering="id") == sorted(listing())
    assert listing(ordering="-id") == sorted(listing(), reverse=True)
    by_title = ok(client.get("/api/v1/disclosures", {"as_of": moment, "ordering": "title"}))["results"]
    assert [r["title"] for r in by_title] == sorted(r["title"] for r in by_title)
    assert listing(active="true") == [live.pk]
    assert listing(active="false") == [over.pk]
    assert param_of(client.get("/api/v1/disclosures", {"as_of": moment, "ordering": "valid_until"})) == "ordering"
    assert param_of(client.get("/api/v1/disclosures", {"as_of": moment, "fields": "title"})) == "fields"
    assert param_of(client.get("/api/v1/disclosures", {"as_of": moment, "pagination": "cursor"})) == "pagination"
    assert param_of(client.get("/api/v1/disclosures", {"as_of": moment, "active": "no"})) == "active"


def test_as_of_by_path_finds_the_page_that_was_there_then(client, tree):
    moved = tree.news()
    old_path = f"uthai-thani/news/o4/{moved.slug}"
    renamed = tree.news()
    renamed_path = f"uthai-thani/news/o4/{renamed.slug}"
    time.sleep(0.01)
    moment = timezone.now().isoformat()
    time.sleep(0.01)
    moved.move(tree.office_item_page, pos="last-child")
    renamed = type(renamed).objects.get(pk=renamed.pk)
    old_slug = renamed.slug
    renamed.slug = f"{old_slug}-renamed"
    publish(renamed)
    # Another page now sits at the renamed page's old path.
    from repository.models import NewsPage

    newcomer = NewsPage(title="หน้าใหม่ที่ใช้ชื่อเดิม", slug=old_slug, summary="ใหม่", issue_date=datetime.date(2025, 10, 2))
    add(tree.item_page, newcomer)

    then = ok(client.get(f"/api/v1/content/{old_path}", {"as_of": moment}))
    assert then["id"] == moved.pk and then["path"] == old_path
    assert ok(client.get(f"/api/v1/content/{renamed_path}", {"as_of": moment}))["id"] == renamed.pk
    assert ok(client.get(f"/api/v1/content/{renamed_path}"))["id"] == newcomer.pk
    now = timezone.now().isoformat()
    assert ok(client.get(f"/api/v1/content/{renamed_path}", {"as_of": now}))["id"] == newcomer.pk
    assert client.get(f"/api/v1/content/{old_path}", {"as_of": now}).status_code == 404
    assert ok(client.get(f"/api/v1/content/uthai-thani/office/news/o4/{moved.slug}", {"as_of": now}))["id"] == moved.pk
    assert client.get("/api/v1/content/uthai-thani/news/o4/never-there", {"as_of": moment}).status_code == 404


def test_live_and_point_in_time_listings_apply_one_filter_alike(client, tree):
    """One parse (api.filters.ListingFilter), two engines: the database and the replayed rows.

    With nothing changed since, ``as_of=now`` must keep and order exactly what the live listing does,
    for every filter and ordering, and refuse bad values with the very same problem document.
    """
    records = news_records()
    older_year = FrameworkYear.objects.create(year=2567, name="ITA 2567")
    o7 = FrameworkItem.objects.create(framework=older_year, code="O7", name_th="ข่าว")
    pages = [tree.news(record=records[20 + n]) for n in range(4)]
    pages.append(tree.news(parent=tree.office_item_page, record=records[25]))
    pages[0].tags.add("น้ำท่วม")
    publish(pages[0])
    pages[1].items.set([o7])
    publish(pages[1])
    soon = timezone.now() + datetime.timedelta(days=1)
    emergency(tree, "parity-active", soon)
    emergency(tree, "parity-over", timezone.now() - datetime.timedelta(days=1))
    time.sleep(0.01)
    moment = timezone.now().isoformat()
    dates = sorted(p.issue_date for p in pages)
    middle = dates[len(dates) // 2].isoformat()

    def ids(params):
        rows = ok(client.get("/api/v1/disclosures", {"per_page": 100, **params}))["results"]
        return [r["id"] for r in rows]

    cases = [
        {}, {"agency": "uthai-pao"}, {"agency": "uthai-thani"}, {"item": "O4"}, {"item": "o7"},
        {"framework_year": "2567"}, {"framework_year": "2025"}, {"item": "O4", "framework_year": "2567"},
        {"type": "NewsPage"}, {"type": "repository.EmergencyAnnouncementPage"}, {"tag": "น้ำท่วม"},
        {"from": middle}, {"to": middle}, {"active": "true"}, {"active": "0"},
        {"fiscal_year": str(pages[0].fiscal_year)},
        *({"ordering": name} for name in ("id", "-id", "title", "-title", "issue_date", "fiscal_year", "-published")),
    ]
    for params in cases:
        assert ids({"as_of": moment, **params}) == ids(params), params
    assert ids({"agency": "uthai-pao"}) == [pages[4].pk]

    bad = [
        {"agency": "nowhere"}, {"item": "O999"}, {"framework_year": "twenty"}, {"type": "Nope"},
        {"fiscal_year": "soon"}, {"from": "2025-13-01"}, {"from": "2568-01-01"},
        {"from": "2025-02-01", "to": "2025-01-01"}, {"active": "maybe"}, {"type": "NewsPage", "active": "true"},
        {"ordering": "valid_until"}, {"ordering": "id,title"},
    ]
    for params in bad:
        live = client.get("/api/v1/disclosures", params)
        then = client.get("/api/v1/disclosures", {"as_of": moment, **params})
        assert live.status_code == then.status_code == 400, params
        assert (live.json()["param"], live.json()["detail"]) == (then.json()["param"], then.json()["detail"]), params


def test_a_retagged_page_answers_its_own_items_and_its_item_pages_on_every_read(client, tree):
    """repository.answers, read alike by listings (live and as of), search, the directory's counts and the OIT
    sheet. Before, a page whose provider re-tagged it to another item was counted under its item page's item
    by the sheet, listed only under its own by ``?item=``, and indexed only under its own by search."""
    from search.outbox import drain

    o13 = FrameworkItem.objects.create(framework=tree.framework, code="O13", name_th="แผนดำเนินงาน",
                                       recurrence="yearly")
    retagged = tree.news()
    retagged.items.set([o13])
    publish(retagged)
    plain = tree.news()
    drain()
    time.sleep(0.01)
    moment = timezone.now().isoformat()

    def listed(**params):
        return {r["id"] for r in ok(client.get("/api/v1/disclosures", {"per_page": 100, **params}))["results"]}

    for params in ({}, {"as_of": moment}):
        assert listed(item="2568:O4", **params) == {retagged.pk, plain.pk}, params
        assert listed(item="2568:O13", **params) == {retagged.pk}, params
    found = ok(client.get("/api/v1/search", {"q": retagged.title, "item": "2568:O4"}))
    assert retagged.pk in {r["id"] for r in found["results"]}
    facet = {v["value"] for v in ok(client.get("/api/v1/search", {"q": retagged.title}))["facets"]["item"]}
    assert {"2568:O4", "2568:O13"} <= facet
    directory = {i["code"]: i["disclosures"] for i in ok(client.get("/api/v1/frameworks/2568"))["items"]}
    sheet = {i["code"]: i["answering_pages"] for i in ok(client.get("/api/v1/oit/2568/uthai-thani"))["items"]}
    assert directory["O4"] == sheet["O4"] == 2 and directory["O13"] == sheet["O13"] == 1
