"""Every absolute link the product writes starts with the configured public base URL, whatever host
served the request: API links, pagination, canonical URLs, feeds, the OIT sheet, e-mails, the Wagtail Site."""

import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.test import Client
from wagtail.models import Site

pytestmark = pytest.mark.django_db

BASE = "https://disclosures.example.go.th"


@pytest.fixture
def configured(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.WAGTAILADMIN_BASE_URL = BASE
    settings.API_STATE_TTL = 0
    return BASE


def _urls(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _urls(v)
    elif isinstance(value, list):
        for v in value:
            yield from _urls(v)
    elif isinstance(value, str) and "://" in value:
        yield value


def test_api_json_links_use_the_base_url(tree, configured):
    tree.news()
    tree.news()
    client = Client(HTTP_HOST="127.0.0.1:8000")
    listing = client.get("/api/v1/disclosures", {"per_page": 1}).json()
    detail = client.get("/api/v1/content/uthai-thani", {"expand": "children,breadcrumbs"}).json()
    links = list(_urls(listing)) + list(_urls(detail))
    assert listing["next"].startswith(BASE + "/api/v1/disclosures?")
    assert links and all(url.startswith(BASE + "/") for url in links), links


def test_feeds_use_the_base_url(tree, configured):
    tree.news()
    for url in ("/api/v1/feeds/latest.rss", "/api/v1/feeds/latest.atom"):
        body = Client(HTTP_HOST="127.0.0.1:8000").get(url).content.decode()
        root = ET.fromstring(body)
        hrefs = [el.get("href") for el in root.iter() if el.get("href")] + \
                [el.text for el in root.iter() if el.tag.split("}")[-1] in ("link", "guid", "id") and el.text]
        assert hrefs
        assert all(h.startswith(BASE + "/") for h in hrefs), hrefs
        assert "127.0.0.1" not in body and "localhost" not in body


def test_the_oit_sheet_uses_the_base_url(tree, configured):
    tree.news()
    client = Client(HTTP_HOST="127.0.0.1:8000")
    sheet = client.get(f"/api/v1/oit/{tree.framework.year}/{tree.province.code}").json()
    links = list(_urls(sheet))
    assert links and all(url.startswith(BASE + "/") for url in links)
    csv_text = client.get(f"/api/v1/oit/{tree.framework.year}/{tree.province.code}?format=csv").content.decode()
    assert BASE + "/" in csv_text and "127.0.0.1" not in csv_text


def test_the_default_wagtail_site_follows_the_setting(tree, configured):
    from security.public_url import sync_default_site

    sync_default_site()
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == BASE
    assert tree.news().full_url.startswith(BASE + "/")


def test_notification_emails_link_to_the_base_url(configured, make_draft, provider, approver):
    from repository.approvals.actions import SubmitForApprovalAction

    page = make_draft()
    mail.outbox.clear()
    SubmitForApprovalAction(page, provider, confirmed_measure_1_1=True).execute()
    bodies = [message.body for message in mail.outbox]
    assert bodies, "submitting notifies the approver"
    assert any(BASE + "/admin/" in body for body in bodies)
    assert not any("127.0.0.1" in body or "localhost" in body or "testserver" in body for body in bodies)
