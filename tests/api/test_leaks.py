"""Property test: nothing but public content ever comes out of a public endpoint.

Hypothesis draws a mix of page states — published, draft never published,
a newer draft of a published page, a revision in a workflow, unpublished,
private (view restriction), deleted, expired, a live page under an
unpublished parent — and every public endpoint is then crawled. The marker
of each non-public state must appear nowhere; every published marker must be
reachable.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction, Workflow

from repository.models import ItemPage

from .builders import add, news_record, publish

pytestmark = pytest.mark.django_db

STATES = ["published", "draft", "newer_draft", "in_workflow", "unpublished", "private", "deleted", "expired", "hidden_parent"]


def make(tree, state, marker, user):
    record = news_record()
    title = f"{record['title'][:80]} {marker}"
    if state == "published":
        return _news(tree, record, title)
    if state == "draft":
        page = _news(tree, record, title, published=False)
        page.save_revision(user=user)
        return None
    if state == "newer_draft":
        page = _news(tree, record)
        page.title, page.summary = title, marker
        page.save_revision(user=user)
        return None
    if state == "in_workflow":
        page = _news(tree, record)
        page.title = title
        page.save_revision(user=user)
        workflow = Workflow.objects.filter(active=True).first()
        workflow.start(page, user)
        return None
    if state == "unpublished":
        page = _news(tree, record, title)
        page.unpublish()
        return None
    if state == "private":
        page = _news(tree, record, title)
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        return None
    if state == "deleted":
        page = _news(tree, record, title)
        page.delete()
        return None
    if state == "expired":
        page = _news(tree, record, title)
        type(page).objects.filter(pk=page.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))
        return None
    if state == "hidden_parent":
        hidden = add(tree.group, ItemPage(title=f"หมวดซ่อน {marker}", slug=f"hidden-{marker}"), published=False)
        _news(tree, record, title, parent=hidden)
        return None
    raise AssertionError(state)


def _news(tree, record, title=None, published=True, parent=None):
    from repository.models import NewsPage

    page = NewsPage(
        title=(title or record["title"])[:250], slug=f"leak-{record['id']}-{NewsPage.objects.count()}",
        summary=record["body"][:200], issue_date=datetime.date.fromisoformat(record["date"]),
    )
    add(parent or tree.item_page, page, published=False)
    if published:
        publish(page)
    return NewsPage.objects.get(pk=page.pk)


def crawl(client):
    """Every public read, following listings to every detail."""
    bodies = []
    listing = client.get("/api/v1/disclosures?per_page=100&fields=title,summary,body,path").json()
    bodies.append(str(listing))
    for row in listing["results"]:
        bodies.append(client.get(f"/api/v1/pages/{row['id']}?expand=breadcrumbs,children,attachments,approval").content.decode())
        bodies.append(client.get(f"/api/v1/content/{row['path']}").content.decode())
    for path in ("", "uthai-thani", "uthai-thani/news", "uthai-thani/news/o4"):
        bodies.append(client.get(f"/api/v1/content/{path}?expand=children").content.decode())
        bodies.append(client.get(f"/api/v1/content/{path}/@children" if path else "/api/v1/content/@children").content.decode())
    for url in ("/api/v1/agencies", "/api/v1/agencies/uthai-thani", "/api/v1/frameworks", "/api/v1/frameworks/2568"):
        bodies.append(client.get(url).content.decode())
    cursor = "/api/v1/disclosures?pagination=cursor&per_page=100"
    bodies.append(client.get(cursor).content.decode())
    for url in ("/api/v1/feeds/latest.rss", "/api/v1/feeds/latest.atom", "/api/v1/feeds/agency/uthai-thani.atom"):
        response = client.get(url)
        if response.status_code == 200:
            bodies.append(response.content.decode())
    return "\n".join(bodies)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(states=st.lists(st.sampled_from(STATES), min_size=1, max_size=6))
def test_no_public_endpoint_returns_non_public_content(client, tree, states):
    user, _ = get_user_model().objects.get_or_create(username="editor", defaults={"email": "editor@uthai.go.th"})
    with transaction.atomic():
        published = []
        for n, state in enumerate(states):
            marker = f"MARK{n}{state.upper()}"
            if make(tree, state, marker, user) is not None:
                published.append(marker)
        text = crawl(client)
        for n, state in enumerate(states):
            marker = f"MARK{n}{state.upper()}"
            if state == "published":
                assert marker in text
            else:
                assert marker not in text, f"{state} leaked"
        assert "@uthai.go.th" not in text
        # Guessing ids of hidden pages finds nothing either.
        from wagtail.models import Page

        for page in Page.objects.filter(title__contains="MARK"):
            if not any(m in page.title for m in published):
                assert client.get(f"/api/v1/pages/{page.pk}").status_code == 404
        transaction.set_rollback(True)
