"""RSS and Atom feeds: latest overall, per agency (with sub-agencies), per item."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def rss_titles(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def atom_titles(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return [entry.findtext(f"{ATOM}title") for entry in ET.fromstring(response.content).iter(f"{ATOM}entry")]


def test_latest_feeds(client, tree):
    a, b = tree.news(), tree.news(tree.other_item_page)
    assert set(rss_titles(client.get("/api/v1/feeds/latest.rss"))) == {a.title, b.title}
    assert set(atom_titles(client.get("/api/v1/feeds/latest.atom"))) == {a.title, b.title}


def test_agency_feed_includes_sub_agencies(client, tree):
    a, office, other = tree.news(), tree.news(tree.office_item_page), tree.news(tree.other_item_page)
    assert set(rss_titles(client.get("/api/v1/feeds/agency/uthai-thani.rss"))) == {a.title, office.title}
    assert atom_titles(client.get("/api/v1/feeds/agency/other-agency.atom")) == [other.title]
    assert client.get("/api/v1/feeds/agency/nowhere.rss").status_code == 404


def test_item_feed(client, tree):
    a = tree.news()
    tree.news(tree.other_item_page)
    assert rss_titles(client.get("/api/v1/feeds/item/o4.rss")) == [a.title]
    assert atom_titles(client.get("/api/v1/feeds/item/O4.atom")) == [a.title]
    assert client.get("/api/v1/feeds/item/O99.atom").status_code == 404


def test_feed_links_and_conditional_get(client, tree):
    page = tree.news()
    response = client.get("/api/v1/feeds/latest.rss")
    link = ET.fromstring(response.content).find("channel/item/link").text
    assert link.endswith(f"/uthai-thani/news/o4/{page.slug}/")
    assert client.get("/api/v1/feeds/latest.rss", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_unpublished_page_leaves_the_feed(client, tree):
    page = tree.news()
    page.unpublish()
    assert rss_titles(client.get("/api/v1/feeds/latest.rss")) == []
