"""Rate limits count the real client: spoofed headers, the portal's calls, Wagtail's v2, logged-in callers."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _statuses(client, url, n, **extra):
    return [client.get(url, **extra).status_code for _ in range(n)]


def test_a_spoofed_forwarded_for_does_not_reset_the_anonymous_limit(client, tree, settings):
    settings.API_ANON_THROTTLE_RATE = "3/min"
    settings.TRUSTED_PROXY_COUNT = 0  # clients connect directly: the header is theirs to invent
    assert _statuses(client, "/api/v1/content/", 4, REMOTE_ADDR="198.51.100.7") == [200, 200, 200, 429]
    for forged in ("203.0.113.1", "203.0.113.2, 10.0.0.1", "1.1.1.1"):
        assert client.get("/api/v1/content/", REMOTE_ADDR="198.51.100.7",
                          HTTP_X_FORWARDED_FOR=forged).status_code == 429
    # Another machine is counted apart.
    assert client.get("/api/v1/content/", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_behind_trusted_proxies_the_address_the_proxy_saw_is_counted(client, tree, settings):
    settings.API_ANON_THROTTLE_RATE = "2/min"
    settings.TRUSTED_PROXY_COUNT = 1  # one reverse proxy of ours appends the address it saw
    proxy = "10.0.0.5"
    # The client prepends whatever it likes; the proxy's entry (the last one) is what counts.
    codes = [client.get("/api/v1/content/", REMOTE_ADDR=proxy,
                        HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/api/v1/content/", REMOTE_ADDR=proxy,
                      HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 200


def test_the_portal_never_passes_on_a_client_supplied_forwarded_for(tree, settings):
    from portal.api_client import ApiClient

    settings.API_ANON_THROTTLE_RATE = "2/min"
    settings.TRUSTED_PROXY_COUNT = 0
    visitor = Client()
    assert visitor.get("/api/v1/content/", REMOTE_ADDR="198.51.100.7").status_code == 200
    assert visitor.get("/api/v1/content/", REMOTE_ADDR="198.51.100.7").status_code == 200

    class Incoming:  # a portal request from the same visitor, with a header it made up
        META = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.99", "HTTP_HOST": "testserver"}

    client = ApiClient(Incoming())
    assert "HTTP_X_FORWARDED_FOR" not in client.meta
    with pytest.raises(Exception) as caught:
        client.get("content/")
    assert getattr(caught.value, "status", None) == 429


def test_wagtail_api_v2_has_the_same_anonymous_limit(client, tree, settings):
    settings.API_ANON_THROTTLE_RATE = "3/min"
    assert _statuses(client, "/api/v2/pages/", 4, REMOTE_ADDR="198.51.100.7") == [200, 200, 200, 429]
    assert client.get("/api/v2/pages/", REMOTE_ADDR="198.51.100.7",
                      HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429


def test_authenticated_clients_have_their_own_higher_limit(client, tree, settings, django_user_model):
    settings.API_ANON_THROTTLE_RATE = "2/min"
    settings.API_USER_THROTTLE_RATE = "4/min"
    user = django_user_model.objects.create_user(username="integrator", password="x-integrator-2568",
                                                 full_name="ระบบเชื่อมโยง")
    token = Token.objects.create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}", "REMOTE_ADDR": "198.51.100.7"}
    # The anonymous budget of this address is spent...
    assert _statuses(client, "/api/v1/content/", 3, REMOTE_ADDR="198.51.100.7") == [200, 200, 429]
    # ...the token's is its own, and larger, on v1 and v2 alike.
    assert _statuses(client, "/api/v1/content/", 3, **auth) == [200, 200, 200]
    assert _statuses(client, "/api/v2/pages/", 2, **auth) == [200, 429]
    limited = client.get("/api/v1/content/", **auth)
    assert limited.status_code == 429 and limited["Content-Type"] == "application/problem+json"


def test_feeds_have_the_same_anonymous_limit(client, tree, settings):
    settings.API_ANON_THROTTLE_RATE = "2/min"
    assert _statuses(client, "/api/v1/feeds/latest.rss", 3, REMOTE_ADDR="198.51.100.7") == [200, 200, 429]
    limited = client.get("/api/v1/feeds/latest.atom", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert limited.status_code == 429 and limited["Content-Type"] == "application/problem+json"
    assert limited.json()["status"] == 429 and limited.has_header("Retry-After")
