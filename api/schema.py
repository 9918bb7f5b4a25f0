"""drf-spectacular hooks: the published schema describes the v1 API only."""


def only_v1(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
