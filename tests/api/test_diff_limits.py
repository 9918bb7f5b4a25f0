"""@diff costs are bounded: a size cap answered as a 422 problem, and each version pair diffed once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_versions(tree):
    from .builders import news_record

    editor = get_user_model().objects.create_user("editor", password="x", full_name="สมชาย ใจดี")
    page = tree.news()
    page.body = "".join(f"<p>{news_record(n)['body']}</p>" for n in range(6))
    page = factories.publish(page, user=editor, log_action=True)
    page.refresh_from_db()
    page.body = page.body.replace("จังหวัด", "จ.")
    page = factories.publish(page, user=editor, log_action=True)
    versions = [v["version"] for v in cache_free_get(f"/api/v1/pages/{page.pk}/@history")["versions"]]
    return page, versions[-2], versions[-1]


def cache_free_get(url):
    from rest_framework.test import APIClient

    return APIClient().get(url).json()


def test_versions_over_the_size_cap_are_a_422_problem(client, two_versions, settings):
    page, a, b = two_versions
    size = len(page.body)
    settings.API_DIFF_MAX_CHARS = size // 2
    response = client.get(f"/api/v1/pages/{page.pk}/@diff", {"from": a, "to": b})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422 and "@history/" in problem["detail"]
    settings.API_DIFF_MAX_CHARS = size * 2
    assert client.get(f"/api/v1/pages/{page.pk}/@diff", {"from": a, "to": b}).status_code == 200


def test_a_version_pair_is_diffed_once(client, two_versions, monkeypatch):
    from repository.audit import diff as diff_module

    page, a, b = two_versions
    calls = []
    real = diff_module.diff_states

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(diff_module, "diff_states", counting)
    first = client.get(f"/api/v1/pages/{page.pk}/@diff", {"from": a, "to": b})
    second = client.get(f"/api/v1/pages/{page.pk}/@diff", {"from": a, "to": b})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(calls) == 1
    changes = {c["field"]: c for c in first.json()["changes"]}
    assert any(op == "insert" and "จ." in text for op, text in changes["body"]["ops"])
    # The reverse pair is another diff.
    assert client.get(f"/api/v1/pages/{page.pk}/@diff", {"from": b, "to": a}).status_code == 200
    assert len(calls) == 2


def test_list_parameters_are_capped(client, tree):
    too_many = ",".join(["title"] * 200)
    for url, name in (("/api/v1/disclosures", "fields"), ("/api/v1/disclosures", "agency"),
                      ("/api/v1/content/uthai-thani", "expand"), ("/api/v1/content/uthai-thani", "fields")):
        response = client.get(url, {name: too_many})
        assert response.status_code == 400, (url, name)
        assert response.json()["param"] == name
    # Each name once is fine.
    assert client.get("/api/v1/content/uthai-thani", {"expand": "breadcrumbs,children,attachments,approval"}).status_code == 200


def test_a_whole_site_past_listing_beyond_the_limit_names_an_agency(client, tree, settings):
    from django.utils import timezone

    tree.news()
    tree.news()
    moment = timezone.now().isoformat()
    settings.API_AS_OF_MAX_ROWS = 1
    response = client.get("/api/v1/disclosures", {"as_of": moment})
    assert response.status_code == 422 and response.json()["status"] == 422
    assert "agency" in response.json()["detail"]
    assert client.get("/api/v1/disclosures", {"as_of": moment, "agency": tree.province.code}).status_code == 200
    settings.API_AS_OF_MAX_ROWS = 100
    assert client.get("/api/v1/disclosures", {"as_of": moment}).status_code == 200
