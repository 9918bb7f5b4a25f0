"""drf-spectacular hooks: the published schema describes our API (/api/v1/) only.

Wagtail's admin API and its v2 API are not ours to document, and spectacular
cannot introspect them (they need a router on the request).
"""

PUBLIC_PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]
