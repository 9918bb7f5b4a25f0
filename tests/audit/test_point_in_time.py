"""Point-in-time reads against a hand-built timeline (Asia/Bangkok times)."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from repository.audit.replay import live_pages_as_of, object_timeline, parse_moment, state_as_of
from repository.models import NewsPage
from tests import factories

from .conftest import make_news

BKK = ZoneInfo("Asia/Bangkok")


def at(day, hour, minute=0):
    return datetime.datetime(2025, day[0], day[1], hour, minute, tzinfo=BKK)


@pytest.fixture
def clock(monkeypatch):
    """Set what timezone.now() returns, so log entries (and so audit entries) carry chosen times."""
    current = {"now": None}
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: current["now"] or real_now())
    return current


@pytest.fixture
def timeline(tree, admin_user, clock):
    clock["now"] = at((2, 20), 10)
    a = make_news(tree["item_page"], admin_user, title="ประกาศฉบับแรก", body="<p>ก</p>", slug="a")
    clock["now"] = at((2, 25), 10)
    b = make_news(tree["item_page"], admin_user, title="ข่าวบี", body="<p>ข</p>", slug="b")
    c = make_news(tree["other_item_page"], admin_user, title="ข่าวหน่วยงานอื่น", body="<p>ค</p>", slug="c")
    clock["now"] = at((2, 28), 15)
    a.title = "ประกาศฉบับแก้ไข"
    factories.publish(a, admin_user)
    clock["now"] = at((3, 1), 8)
    a = NewsPage.objects.get(pk=a.pk)
    a.title = "ร่างที่ยังไม่เผยแพร่"
    a.save_revision(user=admin_user, log_action=True)
    clock["now"] = at((3, 1), 10)
    b.unpublish(user=admin_user)
    clock["now"] = at((3, 2), 9)
    NewsPage.objects.get(pk=a.pk).delete(user=admin_user)
    clock["now"] = None
    return {"a": a.pk, "b": b.pk, "c": c.pk}


def _seen(moment, **kwargs):
    return {p["page_id"]: p["title"] for p in live_pages_as_of(moment, **kwargs)}


def test_what_the_public_saw(timeline):
    a, b, c = timeline["a"], timeline["b"], timeline["c"]
    assert _seen(at((2, 19), 12)) == {}
    assert _seen(at((2, 20), 10, 1)) == {a: "ประกาศฉบับแรก"}
    assert _seen(at((2, 26), 0)) == {a: "ประกาศฉบับแรก", b: "ข่าวบี", c: "ข่าวหน่วยงานอื่น"}
    # 1 March 2568 at 09:00: the draft saved at 08:00 was not public; B was still up.
    assert _seen(parse_moment("2568-03-01T09:00")) == {a: "ประกาศฉบับแก้ไข", b: "ข่าวบี", c: "ข่าวหน่วยงานอื่น"}
    assert _seen(at((3, 1), 11)) == {a: "ประกาศฉบับแก้ไข", c: "ข่าวหน่วยงานอื่น"}
    assert _seen(at((3, 3), 0)) == {c: "ข่าวหน่วยงานอื่น"}
    assert _seen(at((3, 1), 9), agency="uthai-thani") == {a: "ประกาศฉบับแก้ไข", b: "ข่าวบี"}


def test_live_pages_carry_their_content(timeline):
    pages = live_pages_as_of(at((3, 1), 9), agency="other-office")
    assert len(pages) == 1
    page = pages[0]
    assert page["content"]["body"] == "<p>ค</p>" and page["url_path"].endswith("/c/")
    assert page["item_codes"] == ["O12"] and page["agency"] == "other-office"


def test_state_as_of(timeline):
    a = timeline["a"]
    assert state_as_of(NewsPage, a, at((2, 19), 0)) is None
    assert state_as_of(NewsPage, a, at((2, 21), 0))["title"] == "ประกาศฉบับแรก"
    # The row keeps the live content while a draft is pending; the draft itself is on the entry.
    assert state_as_of(NewsPage, a, at((3, 1), 9))["title"] == "ประกาศฉบับแก้ไข"
    assert state_as_of(NewsPage, a, at((3, 3), 0)) is None
    assert state_as_of("repository.NewsPage", a, "2568-02-28")["title"] == "ประกาศฉบับแก้ไข"


def test_timeline_order_and_times(timeline):
    events = object_timeline(NewsPage, timeline["a"])
    assert [e["action"] for e in events] == [
        # Fixtures publish through the gate, by an administrator's recorded override.
        "wagtail.create", "wagtail.edit", "approvals.override_publish", "wagtail.publish",
        "approvals.override_publish", "wagtail.rename", "wagtail.publish", "wagtail.edit", "wagtail.delete",
    ]
    assert events[0]["time"] == at((2, 20), 10) and events[-1]["time"] == at((3, 2), 9)


def test_replay_command_streams_ndjson(timeline, capsys):
    call_command("audit", "replay", "--since", "2568-02-28T00:00", "--until", "2568-03-01T23:59",
                 "--agency", "uthai-thani")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["action"], e["page_id"]) for e in lines] == [
        ("approvals.override_publish", timeline["a"]), ("wagtail.rename", timeline["a"]),
        ("wagtail.publish", timeline["a"]), ("approvals.form", None), ("wagtail.edit", timeline["a"]),
        ("wagtail.unpublish", timeline["b"]),
    ]
    assert lines[0]["time"] == "2025-02-28T08:00:00.000000Z"
    sequences = [e["sequence"] for e in lines]
    assert sequences == sorted(sequences)


def test_parse_moment():
    assert parse_moment("2568-03-01T09:00") == at((3, 1), 9)
    assert parse_moment("2025-03-01T02:00Z") == at((3, 1), 9)
    assert parse_moment("2025-03-01T09:00+07:00") == at((3, 1), 9)
    with pytest.raises(ValueError):
        parse_moment("1 มีนาคม 2568")


def test_pages_under_a_view_restriction_were_not_public_then(tree, admin_user, clock):
    """A password on a page (or a page above it) takes it, and what is below it, out of the public state."""
    from wagtail.models import PageViewRestriction

    clock["now"] = at((2, 20), 10)
    a = make_news(tree["item_page"], admin_user, title="ข่าวเอ", body="<p>ก</p>", slug="a")
    b = make_news(tree["item_page"], admin_user, title="ข่าวบี", body="<p>ข</p>", slug="b")
    c = make_news(tree["other_item_page"], admin_user, title="ข่าวซี", body="<p>ค</p>", slug="c")
    clock["now"] = at((3, 1), 8)
    on_section = PageViewRestriction(page=tree["item_page"], restriction_type="password", password="ลับ")
    on_section.save(user=admin_user)
    clock["now"] = at((3, 2), 8)
    on_page = PageViewRestriction(page=c, restriction_type="login")
    on_page.save(user=admin_user)
    clock["now"] = at((3, 3), 8)
    on_section.delete(user=admin_user)
    clock["now"] = None

    def news_seen(moment, **kwargs):
        # (The item page itself gets entries from its restriction's log and is listed while public.)
        return set(_seen(moment, **kwargs)) & {a.pk, b.pk, c.pk}

    assert news_seen(at((2, 28), 0)) == {a.pk, b.pk, c.pk}
    assert news_seen(at((3, 1), 9)) == {c.pk}  # a and b sit below the restricted item page
    assert tree["item_page"].pk not in _seen(at((3, 1), 9))
    assert news_seen(at((3, 2), 9)) == set()
    assert news_seen(at((3, 3), 9)) == {a.pk, b.pk}  # the section's password was lifted; c still needs a login
    assert news_seen(at((3, 3), 9), agency="uthai-thani") == {a.pk, b.pk}
    # Recorded in the sealed entries themselves.
    entries = object_timeline(NewsPage, c.pk)
    assert entries[-1]["action"] == "wagtail.view_restriction.create"
    from repository.audit.models import AuditRecord

    assert AuditRecord.objects.get(sequence=entries[-1]["sequence"]).extra["view_restrictions"] == ["login"]
    section = AuditRecord.objects.filter(page_id=tree["item_page"].pk).order_by("sequence")
    assert [r.extra["view_restrictions"] for r in section if r.action.startswith("wagtail.view_restriction")] == \
        [["password"], []]
