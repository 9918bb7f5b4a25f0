"""The public history of a disclosure: "changed on …" on the page, versions and a Thai word diff."""

import pytest

from tests import factories

from .builders import news_records, portal_url

pytestmark = pytest.mark.django_db


def test_changed_disclosure_links_to_its_diff(client, site):
    record = news_records()[40]
    page = site.news(record)
    page.summary = "แก้ไขข้อความ: " + page.summary
    factories.publish(page)
    html = client.get(portal_url(page)).content.decode()
    assert 'data-testid="history-note"' in html
    history_url = portal_url(page) + "history/"
    assert history_url in html
    response = client.get(history_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="diff"' in html
    assert "<ins>แก้ไข" in html
    assert client.get(history_url, {"from": "999999", "to": "1"}).status_code == 400
