"""The portal's in-process API client: same URLs and JSON as over HTTP, anonymous, errors as problems."""

import datetime

import pytest
from django.test import RequestFactory

from portal.api_client import ApiClient, ApiError, query_string
from tests import factories

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
