"""Rate limits for the API (DRF throttling), v1 and Wagtail's v2 alike.

Anonymous clients are counted by address (``security.clients.client_ip``: ``REMOTE_ADDR``, or the
address the trusted proxies saw, never a client-supplied ``X-Forwarded-For``), authenticated
clients (token or session) by user, at a separate, higher rate. Rates come from
``settings.API_ANON_THROTTLE_RATE`` and ``settings.API_USER_THROTTLE_RATE`` (``"600/min"`` style,
empty for none). The counters live in Django's default cache: with more than one process that
must be a shared cache (Redis or the database cache, docs/DEPLOY.md), or each process counts alone.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from security.clients import client_ip


class _ConfiguredRate:
    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting, "") or None

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        # Read the rate on every request: a changed setting (tests, a reload) takes effect at once.
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonymousRateThrottle(_ConfiguredRate, AnonRateThrottle):
    """Clients that are not logged in, per address."""

    scope = "api_anon"
    rate_setting = "API_ANON_THROTTLE_RATE"


class AuthenticatedRateThrottle(_ConfiguredRate, UserRateThrottle):
    """Authenticated clients, per user; anonymous ones are left to :class:`AnonymousRateThrottle`."""

    scope = "api_user"
    rate_setting = "API_USER_THROTTLE_RATE"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


API_THROTTLES = [AnonymousRateThrottle, AuthenticatedRateThrottle]
