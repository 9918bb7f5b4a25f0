"""What a page's sealed entry says about its place — its parent and its own view restrictions — is the same whether
the page was read with those facts in one query (a Wagtail log entry: ``read_page_as_stored``) or they were
looked up separately (``record_action`` called directly)."""

import pytest
from wagtail.models import Page, PageViewRestriction

from repository.audit.models import AuditRecord
from repository.audit.recording import read_page_as_stored, record_action
from repository.models import DisclosurePage, NewsPage

from .conftest import make_news

pytestmark = pytest.mark.django_db


def entries(page):
    return list(AuditRecord.objects.filter(page_id=page.pk).order_by("sequence"))


def test_facts_read_with_the_page_are_those_looked_up_apart(tree, admin_user):
    page = make_news(tree["item_page"], admin_user, title="ข่าวหนึ่ง", body="<p>ก</p>", slug="one")
    PageViewRestriction(page=page, restriction_type="login").save(user=admin_user)
    logged = entries(page)
    assert [r.action for r in logged][-1] == "wagtail.view_restriction.create"
    # Every entry made through Wagtail's log names the page's real parent (its ItemPage).
    assert {r.extra["parent_id"] for r in logged} == {tree["item_page"].pk}
    assert logged[-1].extra["view_restrictions"] == ["login"]
    assert logged[0].extra["view_restrictions"] == []

    read, facts = read_page_as_stored(NewsPage, page.pk)
    assert type(read) is NewsPage and facts == {"parent_id": tree["item_page"].pk, "restricted": True}
    assert read.agency.code == "uthai-thani"  # read with the page, so describe() needs no query of its own
    direct = record_action(read, "audit.test", user=admin_user)  # no facts given: looked up
    assert direct.extra["parent_id"] == logged[-1].extra["parent_id"]
    assert direct.extra["view_restrictions"] == logged[-1].extra["view_restrictions"]
    assert direct.agency_code == logged[-1].agency_code == "uthai-thani"


def test_a_page_read_as_a_more_general_class_leaves_its_facts_to_record_action(tree, admin_user):
    page = make_news(tree["item_page"], admin_user, title="ข่าวสอง", body="<p>ข</p>", slug="two")
    read, facts = read_page_as_stored(DisclosurePage, page.pk)
    assert type(read) is NewsPage and facts is None
    read, facts = read_page_as_stored(Page, tree["home"].pk)
    assert facts is None and read.pk == tree["home"].pk
    assert read_page_as_stored(NewsPage, 10**9) == (None, None)
