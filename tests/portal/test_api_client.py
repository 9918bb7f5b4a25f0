"""The portal's in-process API client: same URLs and JSON as over HTTP, anonymous, errors as problems."""

import datetime

import pytest
from django.test import RequestFactory

from portal.api_client import ApiClient, ApiError, query_string
from tests import factories
from tests.factories import news_records

pytestmark = pytest.mark.django_db


def test_query_string_drops_blanks_and_repeats_lists():
    assert query_string({"q": "น้ำ", "agency": ["a", "b"], "page": None, "to": ""}) == (
        "q=%E0%B8%99%E0%B9%89%E0%B8%B3&agency=a&agency=b"
    )


def test_client_returns_what_the_http_api_returns(client, site):
    over_http = client.get("/api/v1/content/@children").json()
    in_process = ApiClient(RequestFactory().get("/")).get("content/@children")
    assert in_process == over_http
    assert {row["path"] for row in in_process["results"]} == {"uthai-thani", "secretariat-pm"}


def test_every_call_the_portal_makes_returns_the_http_json(client, site):
    """The unrendered in-process data is exactly what the JSON over HTTP says, endpoint by endpoint."""
    from .builders import factories_year, index_everything

    page = site.news(news_records()[3])
    factories.publish(site.emergency("ประกาศเตือนภัยน้ำป่าไหลหลาก", datetime.timedelta(hours=2)))
    index_everything()
    path = client.get(f"/api/v1/pages/{page.pk}").json()["path"]
    year = factories_year()
    calls = [
        ("search", {"q": page.title.split()[0], "per_page": 5}),
        ("search", {}),
        ("disclosures", {"per_page": 5, "ordering": "-issue_date"}),
        ("disclosures", {"active": "true", "fields": "id,title,valid_until,valid_until_be,active,severity"}),
        (f"content/{path}", {"expand": "breadcrumbs,children"}),
        (f"content/{path}/@history", {}),
        ("content/uthai-thani", {"expand": "children", "fields": "id,title,path,intro"}),
        ("agencies", {}),
        ("frameworks", {}),
        (f"frameworks/{year}", {}),
        (f"oit/{year}/uthai-thani", {}),
    ]
    api = ApiClient(RequestFactory().get("/"))
    for endpoint, params in calls:
        over_http = client.get(f"/api/v1/{endpoint}", params)
        assert over_http.status_code == 200, endpoint
        assert api.get(endpoint, **params) == over_http.json(), endpoint
    assert len(api.calls) == len(calls)


def test_a_portal_page_spends_one_rate_limit_token(client, site, settings):
    """The page's first API call is throttled for the visitor; the calls after it are not counted."""
    from django.core.cache import cache

    settings.API_ANON_THROTTLE_RATE = "2/min"
    cache.clear()
    try:
        api = ApiClient(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7"))
        for _ in range(4):
            api.get("agencies")
        assert ApiClient(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")).get("agencies")
        with pytest.raises(ApiError) as caught:
            ApiClient(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")).get("agencies")
        assert caught.value.status == 429
    finally:
        cache.clear()


def test_the_in_process_marks_cannot_come_from_a_client(client, site, settings):
    """Sent as headers they arrive as HTTP_* keys: an HTTP client is throttled and gets rendered JSON."""
    from django.core.cache import cache

    from api.views import base
    from portal import api_client

    # The portal may not import the API (import contract): the two spell the keys alike.
    assert (api_client.IN_PROCESS, api_client.THROTTLED) == (base.IN_PROCESS, base.THROTTLED)

    settings.API_ANON_THROTTLE_RATE = "1/min"
    cache.clear()
    try:
        headers = {"HTTP_API.THROTTLED": "1", "HTTP_API_THROTTLED": "1", "HTTP_API.IN_PROCESS": "1"}
        first = client.get("/api/v1/agencies", REMOTE_ADDR="203.0.113.8", **headers)
        assert first.status_code == 200 and first["ETag"]
        assert client.get("/api/v1/agencies", REMOTE_ADDR="203.0.113.8", **headers).status_code == 429
    finally:
        cache.clear()


def test_bad_parameter_is_an_api_error_naming_it(site):
    with pytest.raises(ApiError) as caught:
        ApiClient().get("disclosures", ordering="popularity")
    assert caught.value.status == 400
    assert caught.value.param == "ordering"


def test_unknown_endpoint_and_unknown_page_are_404(site):
    api = ApiClient()
    with pytest.raises(ApiError) as caught:
        api.get("no-such-endpoint")
    assert caught.value.status == 404
    assert api.get_or_none("content/uthai-thani/no-such-page") is None


def test_visitor_session_is_never_passed_to_the_api(site, django_user_model):
    """A logged-in editor browsing the portal still sees only what the public sees."""
    from repository.models import NewsPage

    from .builders import news_records

    draft = NewsPage(title=news_records()[5]["title"][:200], slug="draft-only", issue_date=datetime.date(2024, 1, 5))
    draft.live = False
    factories.add_disclosure(site.province_news, draft, publish_it=False)
    request = RequestFactory().get("/", HTTP_AUTHORIZATION="Token abc", HTTP_COOKIE="sessionid=x")
    request.user = django_user_model.objects.create_superuser("boss", "boss@example.go.th", "pw")
    api = ApiClient(request)
    assert "HTTP_COOKIE" not in api.meta and "HTTP_AUTHORIZATION" not in api.meta
    assert api.get_or_none("content/uthai-thani/basic/news/draft-only") is None
