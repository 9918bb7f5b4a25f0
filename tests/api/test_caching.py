"""ETag, Last-Modified, 304 and Cache-Control on reads."""

import pytest
from django.utils.http import http_date

from .builders import publish

pytestmark = pytest.mark.django_db

READS = ["/api/v1/content/uthai-thani", "/api/v1/disclosures", "/api/v1/content/@children"]


@pytest.mark.parametrize("url", READS)
def test_validators_and_304_on_if_none_match(client, tree, url):
    tree.news()
    response = client.get(url)
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=60"
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH='"other", ' + response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_if_modified_since(client, tree):
    page = tree.news()
    response = client.get(f"/api/v1/pages/{page.pk}")
    stamp = response["Last-Modified"]
    assert client.get(f"/api/v1/pages/{page.pk}", HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304
    assert client.get(f"/api/v1/pages/{page.pk}", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


def test_publishing_changes_etag_and_last_modified(client, tree):
    page = tree.news()
    before = client.get("/api/v1/disclosures")
    page.title = "หัวข้อใหม่ที่เผยแพร่แล้ว"
    publish(page)
    after = client.get("/api/v1/disclosures", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert client.get("/api/v1/disclosures", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code in (200, 304)


def test_unpublishing_moves_last_modified(client, tree):
    page = tree.news()
    other = tree.news()
    first = client.get(f"/api/v1/pages/{other.pk}")
    import time

    time.sleep(1.1)
    page.unpublish()
    again = client.get(f"/api/v1/pages/{other.pk}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200
    assert again["Last-Modified"] != first["Last-Modified"]


def test_draft_save_does_not_move_last_modified(client, tree):
    page = tree.news()
    first = client.get(f"/api/v1/pages/{page.pk}")
    import time

    time.sleep(1.1)
    page.title = "ร่าง"
    page.save_revision(log_action=True)
    again = client.get(f"/api/v1/pages/{page.pk}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_errors_have_no_etag(client, tree):
    response = client.get("/api/v1/pages/999999")
    assert response.status_code == 404
    assert not response.has_header("ETag")


def test_document_memo_is_dropped_by_any_public_change(client, tree, settings):
    """With the per-process memo on (production), unpublishing still hides the page at once."""
    from api import state

    settings.API_STATE_TTL = 60
    state.clear()
    try:
        page = tree.news()
        first = client.get(f"/api/v1/pages/{page.pk}")
        assert first.status_code == 200
        assert client.get(f"/api/v1/pages/{page.pk}").content == first.content  # served from the memo
        chosen = client.get(f"/api/v1/pages/{page.pk}?fields=title&fields=slug")
        assert set(chosen.json()) == {"id", "type", "title", "slug"}
        page.title = "หัวข้อใหม่"
        publish(page)
        assert client.get(f"/api/v1/pages/{page.pk}").json()["title"] == "หัวข้อใหม่"
        page.unpublish()
        assert client.get(f"/api/v1/pages/{page.pk}").status_code == 404
        assert page.pk not in [r["id"] for r in client.get("/api/v1/disclosures").json()["results"]]
    finally:
        state.clear()
