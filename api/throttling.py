"""Rate limiting for anonymous clients (DRF throttling).

The rate comes from ``settings.API_ANON_THROTTLE_RATE`` (``"600/min"`` style,
empty to disable), set from the environment in ``config.env``.
"""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    scope = "api_anon"

    def get_rate(self):
        return getattr(settings, "API_ANON_THROTTLE_RATE", "600/min") or None

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        return super().allow_request(request, view)
