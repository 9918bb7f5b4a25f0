"""@history, @history/<version>, @diff, ?as_of= and the audit endpoints, on the real audit trail."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests import factories

THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
               "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user("editor", email="editor@uthai.go.th", password="x", full_name="สมชาย ใจดี")


@pytest.fixture
def auditor(db):
    user = get_user_model().objects.create_user("auditor", email="auditor@nacc.go.th", password="x", full_name="ผู้ตรวจ")
    user.user_permissions.add(Permission.objects.get(codename="view_audit_trail", content_type__app_label="audit"))
    return user


@pytest.fixture
def token_client(auditor):
    from rest_framework.test import APIClient

    token = Token.objects.create(user=auditor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def story(tree, editor):
    """v1 published, v2 published with a new title, then a draft v3 never published."""
    page = tree.news()
    first_title = page.title
    time.sleep(0.01)
    between = timezone.now()
    time.sleep(0.01)
    page.title = "ปรับปรุงหัวข้อข่าว การจัดซื้อจัดจ้าง ฉบับแก้ไข"
    factories.publish(page, editor, log_action=True)
    page.refresh_from_db()
    page.title = "ร่างลับที่ยังไม่เผยแพร่"
    page.save_revision(user=editor, log_action=True)
    return {"page": page, "first_title": first_title, "between": between}


def test_anonymous_history_lists_published_versions_only(client, story):
    page = story["page"]
    data = client.get(f"/api/v1/pages/{page.pk}/@history").json()
    assert data["auditor"] is False
    assert [v["action"] for v in data["versions"]] == ["wagtail.publish", "wagtail.publish"]
    assert all(set(v) == {"version", "time", "time_be", "action"} for v in data["versions"])
    published = timezone.localtime(datetime.datetime.fromisoformat(data["versions"][-1]["time"]))
    assert published.utcoffset() == datetime.timedelta(hours=7)  # Bangkok
    assert data["versions"][-1]["time_be"] == f"{published.day} {THAI_MONTHS[published.month - 1]} " \
        f"{published.year + 543} {published:%H:%M} น."
    by_path = client.get(f"/api/v1/content/uthai-thani/news/o4/{page.slug}/@history").json()
    assert by_path["versions"] == data["versions"]


def test_auditor_sees_every_event_with_who_and_comment(token_client, story):
    page = story["page"]
    response = token_client.get(f"/api/v1/pages/{page.pk}/@history")
    data = response.json()
    assert data["auditor"] is True
    actions = [v["action"] for v in data["versions"]]
    assert actions.count("wagtail.publish") == 2 and "wagtail.edit" in actions
    assert any(v["user"] == "สมชาย ใจดี" for v in data["versions"])
    assert "@" not in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response["Vary"]


def test_versions_and_diff(client, token_client, story):
    page = story["page"]
    anonymous = [v["version"] for v in client.get(f"/api/v1/pages/{page.pk}/@history").json()["versions"]]
    first = client.get(f"/api/v1/pages/{page.pk}/@history/{anonymous[0]}").json()
    assert first["state"]["title"] == story["first_title"]
    assert "owner" not in first["state"] and "draft_title" not in first["state"]
    diff = client.get(f"/api/v1/pages/{page.pk}/@diff?from={anonymous[0]}&to={anonymous[1]}").json()
    [title] = [c for c in diff["changes"] if c["field"] == "title"]
    assert title["kind"] == "text" and any(op == "insert" for op, _ in title["ops"])
    everything = [v["version"] for v in token_client.get(f"/api/v1/pages/{page.pk}/@history").json()["versions"]]
    draft = max(v for v in everything if v is not None)
    assert draft not in anonymous
    assert client.get(f"/api/v1/pages/{page.pk}/@history/{draft}").status_code == 404
    response = client.get(f"/api/v1/pages/{page.pk}/@diff?from={anonymous[1]}&to={draft}")
    assert response.status_code == 400 and response.json()["param"] == "to"
    assert "ร่างลับ" not in response.content.decode()
    assert token_client.get(f"/api/v1/pages/{page.pk}/@history/{draft}").json()["state"]["draft_title"] == "ร่างลับที่ยังไม่เผยแพร่"
    assert client.get(f"/api/v1/pages/{page.pk}/@diff?from=x&to=1").json()["param"] == "from"
    assert client.get(f"/api/v1/pages/{page.pk}/@diff?to=1").json()["param"] == "from"


def test_as_of_on_content_and_listing(client, story):
    page = story["page"]
    moment = story["between"].isoformat()
    data = client.get(f"/api/v1/pages/{page.pk}", {"as_of": moment}).json()
    assert data["state"]["title"] == story["first_title"]
    assert client.get(f"/api/v1/content/uthai-thani/news/o4/{page.slug}", {"as_of": moment}).json()["version"] == data["version"]
    now = client.get(f"/api/v1/pages/{page.pk}", {"as_of": timezone.now().isoformat()}).json()
    assert now["state"]["title"] == "ปรับปรุงหัวข้อข่าว การจัดซื้อจัดจ้าง ฉบับแก้ไข"
    assert client.get(f"/api/v1/pages/{page.pk}", {"as_of": "2001-01-01T00:00:00+07:00"}).status_code == 404
    assert client.get(f"/api/v1/pages/{page.pk}", {"as_of": "last tuesday"}).json()["param"] == "as_of"
    assert client.get(f"/api/v1/pages/{page.pk}", {"as_of": moment, "fields": "title"}).json()["param"] == "fields"
    listing = client.get("/api/v1/disclosures", {"as_of": moment}).json()
    assert [r["id"] for r in listing["results"]] == [page.pk]
    assert listing["results"][0]["title"] == story["first_title"]
    assert client.get("/api/v1/disclosures", {"as_of": moment, "agency": "other-agency"}).json()["count"] == 0
    assert client.get("/api/v1/disclosures", {"as_of": "2001-01-01"}).json()["count"] == 0


def test_unpublished_page_history_is_hidden_from_anonymous_but_not_auditors(client, token_client, story):
    page = story["page"]
    page.unpublish()
    assert client.get(f"/api/v1/pages/{page.pk}/@history").status_code == 404
    assert token_client.get(f"/api/v1/pages/{page.pk}/@history").status_code == 200
    # what the public saw back then is still answerable
    assert client.get(f"/api/v1/pages/{page.pk}", {"as_of": story["between"].isoformat()}).status_code == 200


def test_deleted_page_history_for_auditors_only(client, token_client, story):
    page_id = story["page"].pk
    story["page"].delete()
    assert client.get(f"/api/v1/pages/{page_id}/@history").status_code == 404
    data = token_client.get(f"/api/v1/pages/{page_id}/@history").json()
    assert data["versions"][-1]["action"] == "wagtail.delete"


def test_audit_head_is_public_and_verify_needs_an_auditor(client, token_client, story):
    head = client.get("/api/v1/audit/head")
    assert head.status_code == 200 and len(head.json()["seal"]) == 64
    from rest_framework.test import APIClient

    anonymous = APIClient()
    for url in ("/api/v1/audit/verify", "/api/v1/audit/events", "/api/v1/audit/export"):
        response = anonymous.get(url)
        assert response.status_code in (401, 403)
        assert response["Content-Type"] == "application/problem+json"
    verify = token_client.get("/api/v1/audit/verify").json()
    assert verify["ok"] is True and verify["head"] == head.json()["seal"]


def test_audit_events_feed_filters_and_cursor(token_client, story):
    page = story["page"]
    data = token_client.get("/api/v1/audit/events", {"page_id": page.pk, "action": "wagtail.publish"}).json()
    assert len(data["results"]) == 2 and all(e["page_id"] == page.pk for e in data["results"])
    first = token_client.get("/api/v1/audit/events", {"limit": 1}).json()
    second = token_client.get(first["next"]).json()
    assert second["results"][0]["sequence"] > first["results"][0]["sequence"]
    assert token_client.get("/api/v1/audit/events", {"since": "garbage"}).json()["param"] == "since"
    assert token_client.get("/api/v1/audit/events", {"agency": "atlantis"}).json()["param"] == "agency"
    export = token_client.get("/api/v1/audit/export", {"page_id": page.pk})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert len(lines) >= 3 and "@" not in "".join(lines)


def test_session_auth_works_for_auditors(auditor, story):
    from rest_framework.test import APIClient

    session = APIClient()
    session.force_login(auditor)
    assert session.get("/api/v1/audit/verify").status_code == 200


def test_as_of_a_page_that_was_private_then_is_not_found(client, tree, editor):
    """A page under a view restriction at that moment was not public then, even if it is public now."""
    from wagtail.models import PageViewRestriction

    page = tree.news()
    time.sleep(0.01)
    before = timezone.now()
    time.sleep(0.01)
    restriction = PageViewRestriction(page=tree.item_page, restriction_type="login")
    restriction.save(user=editor)
    time.sleep(0.01)
    while_private = timezone.now()
    time.sleep(0.01)
    restriction.delete(user=editor)
    time.sleep(0.01)
    after = timezone.now()

    def status(moment):
        return client.get(f"/api/v1/pages/{page.pk}", {"as_of": moment.isoformat()}).status_code

    assert (status(before), status(while_private), status(after)) == (200, 404, 200)
    by_path = client.get(f"/api/v1/content/uthai-thani/news/o4/{page.slug}", {"as_of": while_private.isoformat()})
    assert by_path.status_code == 404 and by_path["Content-Type"].startswith("application/problem+json")


def test_as_of_reaches_a_page_deleted_since_by_id_and_by_path(client, story):
    """What the public saw then stays answerable after the page is gone from the tree."""
    page = story["page"]
    page_id, slug = page.pk, page.slug
    moment = story["between"].isoformat()
    before = client.get(f"/api/v1/pages/{page_id}", {"as_of": moment}).json()
    page.delete()
    by_id = client.get(f"/api/v1/pages/{page_id}", {"as_of": moment})
    assert by_id.status_code == 200
    data = by_id.json()
    assert data == before
    assert data["state"]["title"] == story["first_title"] and data["type"] == "repository.NewsPage"
    assert data["path"] == f"uthai-thani/news/o4/{slug}"
    by_path = client.get(f"/api/v1/content/uthai-thani/news/o4/{slug}", {"as_of": moment}).json()
    assert by_path == data
    # now it is gone: there is nothing to read at this moment, and no page at all without as_of
    assert client.get(f"/api/v1/pages/{page_id}", {"as_of": timezone.now().isoformat()}).status_code == 404
    assert client.get(f"/api/v1/pages/{page_id}").status_code == 404
    assert client.get("/api/v1/pages/999999", {"as_of": moment}).status_code == 404


def test_as_of_a_deleted_page_in_a_section_private_now_is_not_found(client, story, editor):
    from wagtail.models import PageViewRestriction

    page = story["page"]
    moment = story["between"].isoformat()
    restriction = PageViewRestriction(page=page.get_parent(), restriction_type="login")
    restriction.save(user=editor)
    page_id = page.pk
    page.delete()
    assert client.get(f"/api/v1/pages/{page_id}", {"as_of": moment}).status_code == 404


def test_as_of_by_path_follows_a_move_of_a_page_above(client, tree, admin_user):
    """Moving an item page within its agency logs only that page; the news below is where the move put it."""
    from wagtail.models import Page

    from repository.models import ItemGroupPage

    from .builders import add

    archive = add(tree.province_page, ItemGroupPage(title="คลังข่าว", slug="archive"))
    page = tree.news()
    old_path, new_path = f"uthai-thani/news/o4/{page.slug}", f"uthai-thani/archive/o4/{page.slug}"
    time.sleep(0.01)
    before = timezone.now().isoformat()
    time.sleep(0.01)
    Page.objects.get(pk=tree.item_page.pk).move(archive, pos="last-child", user=admin_user)
    time.sleep(0.01)
    after = timezone.now().isoformat()

    def at(path, moment):
        return client.get(f"/api/v1/content/{path}", {"as_of": moment})

    assert at(old_path, before).json()["path"] == old_path
    assert at(new_path, before).status_code == 404
    assert at(new_path, after).json()["path"] == new_path
    assert at(old_path, after).status_code == 404
    assert client.get(f"/api/v1/pages/{page.pk}", {"as_of": after}).json()["path"] == new_path


def test_as_of_follows_a_move_below_a_page_moved_earlier(client, tree, admin_user):
    """The second move's page last had an entry before the first move: its old place is derived too."""
    from wagtail.models import Page

    from repository.models import ItemGroupPage

    from .builders import add

    page = tree.news(tree.office_item_page)
    Page.objects.get(pk=tree.office_page.pk).move(tree.home, pos="last-child", user=admin_user)  # first move
    archive = add(Page.objects.get(pk=tree.office_page.pk), ItemGroupPage(title="คลังข่าว", slug="archive"))
    time.sleep(0.01)
    between = timezone.now().isoformat()
    time.sleep(0.01)
    Page.objects.get(pk=tree.office_item_page.pk).move(archive, pos="last-child", user=admin_user)  # second move
    time.sleep(0.01)
    after = timezone.now().isoformat()
    page.refresh_from_db()
    assert page.url_path.endswith(f"/office/archive/o4/{page.slug}/")

    def path(moment):
        return client.get(f"/api/v1/pages/{page.pk}", {"as_of": moment}).json()["path"]

    assert (path(between), path(after)) == (f"office/news/o4/{page.slug}", f"office/archive/o4/{page.slug}")
    assert client.get(f"/api/v1/content/office/archive/o4/{page.slug}", {"as_of": after}).json()["id"] == page.pk


def test_as_of_after_a_reorder_each_section_keeps_its_own_privacy(client, tree, editor, admin_user):
    """Dragging a section before a private sibling shifts the sibling's tree path, with no entry of the
    sibling's own: the moved section's pages, now where the private one was, are still public then."""
    from wagtail.models import Page, PageViewRestriction

    PageViewRestriction(page=tree.office_page, restriction_type="login").save(user=editor)
    public_news = tree.news()
    private_news = tree.news(tree.office_item_page)
    Page.objects.get(pk=tree.group.pk).move(Page.objects.get(pk=tree.office_page.pk), pos="left", user=admin_user)
    tree.group.refresh_from_db()
    tree.office_page.refresh_from_db()
    assert tree.group.path < tree.office_page.path
    time.sleep(0.01)
    after = timezone.now().isoformat()

    def status(page):
        return client.get(f"/api/v1/pages/{page.pk}", {"as_of": after}).status_code

    assert (status(public_news), status(private_news)) == (200, 404)
    by_path = client.get(f"/api/v1/content/uthai-thani/news/o4/{public_news.slug}", {"as_of": after})
    assert by_path.status_code == 200 and by_path.json()["id"] == public_news.pk


def test_a_version_published_only_behind_a_restriction_is_not_public_history(client, tree, editor):
    """Public @history and @diff list a version only if the public could see it when it went live."""
    from wagtail.models import PageViewRestriction

    restriction = PageViewRestriction(page=tree.item_page, restriction_type="password", password="ลับ-2568")
    restriction.save(user=editor)
    page = tree.news()
    page.title = "ฉบับภายในที่เผยแพร่หลังรหัสผ่าน MARKPRIVATEVERSION"
    factories.publish(page, editor, log_action=True)
    time.sleep(0.01)
    restriction.delete(user=editor)
    page = type(page).objects.get(pk=page.pk)
    page.title = "ฉบับเผยแพร่ต่อสาธารณะ"
    factories.publish(page, editor, log_action=True)

    response = client.get(f"/api/v1/pages/{page.pk}/@history")
    assert response.status_code == 200
    versions = [v["version"] for v in response.json()["versions"]]
    assert len(versions) == 1
    assert "MARKPRIVATEVERSION" not in response.content.decode()
    from repository.audit import replay

    hidden = [e["version_id"] for e in replay.published_versions(page) if e["version_id"] not in versions]
    assert hidden  # the restricted ones exist in the trail
    for version in hidden:
        assert client.get(f"/api/v1/pages/{page.pk}/@history/{version}").status_code == 404
        diff = client.get(f"/api/v1/pages/{page.pk}/@diff", {"from": version, "to": versions[0]})
        assert diff.status_code == 400 and "MARKPRIVATEVERSION" not in diff.content.decode()


@pytest.fixture
def drafted(story, editor):
    """The story's page, then a draft of it (never published) with another corpus item's body: a draft
    edit of a live page, which Wagtail keeps in a revision while the page row keeps the live content."""
    from tests.api.builders import news_record

    page = story["page"]
    page.refresh_from_db()
    page = page.get_latest_revision_as_object()
    secret = news_record(7)["body"].split("\n")[0][:200]
    page.body = f"<p>{secret}</p>"
    page.save_revision(user=editor, log_action=True)
    return {**story, "secret": secret, "draft_title": "ร่างลับที่ยังไม่เผยแพร่"}


def test_auditor_reads_a_draft_edit_as_the_draft(token_client, drafted):
    """Issue 13: a draft edit of a live page showed "no difference" in the auditor's diff, and @history/<v>
    showed the live values; the draft existed only in the export's extra.draft."""
    page = drafted["page"]
    events = token_client.get(f"/api/v1/pages/{page.pk}/@history").json()["versions"]
    published = [e["version"] for e in events if e["action"] == "wagtail.publish"]
    drafts = [e for e in events if e["draft"]]
    assert drafts and not any(e["draft"] for e in events if e["action"] == "wagtail.publish")
    last_draft = drafts[-1]["version"]
    read = token_client.get(f"/api/v1/pages/{page.pk}/@history/{last_draft}").json()
    assert read["draft"] is True and drafted["secret"] in read["state"]["body"]
    assert read["state"]["title"] == drafted["draft_title"]
    live = token_client.get(f"/api/v1/pages/{page.pk}/@history/{published[-1]}").json()
    assert live["draft"] is False and drafted["secret"] not in live["state"]["body"]
    changes = token_client.get(f"/api/v1/pages/{page.pk}/@diff?from={published[-1]}&to={last_draft}").json()["changes"]
    fields = {c["field"]: c for c in changes}
    assert {"title", "body"} <= set(fields)
    assert drafted["secret"] in fields["body"]["after"] and any(op == "insert" for op, _ in fields["body"]["ops"])
    feed = token_client.get("/api/v1/audit/events", {"page_id": page.pk}).json()["results"]
    assert [e["draft"] for e in feed] == [e["draft"] for e in events]


def test_anonymous_never_sees_a_draft_through_history_diff_or_as_of(client, token_client, drafted):
    """Attacker: an anonymous caller tries every history, version, diff and point-in-time read of the page,
    with every version id the auditor sees, in both directions; the draft's text never comes back."""
    from django.core.cache import cache

    page = drafted["page"]
    secrets = (drafted["secret"][:40], drafted["draft_title"])
    every = [e["version"] for e in token_client.get(f"/api/v1/pages/{page.pk}/@history").json()["versions"]
             if e["version"] is not None]
    # The auditor's reads come first, so that a shared cache holding the draft's diffs would be found out.
    for a in every:
        for b in every:
            token_client.get(f"/api/v1/pages/{page.pk}/@diff?from={a}&to={b}")
    path = f"/api/v1/content/uthai-thani/news/o4/{page.slug}"
    urls = [f"/api/v1/pages/{page.pk}", path, f"/api/v1/pages/{page.pk}/@history", f"{path}/@history",
            "/api/v1/disclosures", "/api/v1/audit/events", "/api/v1/audit/export"]
    urls += [f"/api/v1/pages/{page.pk}/@history/{v}" for v in every] + [f"{path}/@history/{v}" for v in every]
    urls += [f"/api/v1/pages/{page.pk}/@diff?from={a}&to={b}" for a in every for b in every]
    urls += [f"{path}/@diff?from={a}&to={b}" for a in every for b in every]
    moment = timezone.now().isoformat()
    urls += [f"/api/v1/pages/{page.pk}?as_of={moment}", f"{path}?as_of={moment}", f"/api/v1/disclosures?as_of={moment}"]
    public = {e["version"] for e in client.get(f"/api/v1/pages/{page.pk}/@history").json()["versions"]}
    assert public and public < set(every)
    for url in urls:
        response = client.get(url.replace("+", "%2B"))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code < 500, url
        assert not any(secret in body.decode() for secret in secrets), url
        if "@history/" in url and int(url.rsplit("/", 1)[1]) not in public:
            assert response.status_code == 404, url
    cache.clear()
