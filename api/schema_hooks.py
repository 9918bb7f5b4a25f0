"""drf-spectacular hooks: the published schema describes our API (/api/v1/) only.

Wagtail's admin API and its v2 API are not ours to document, and spectacular
cannot introspect them (they need a router on the request).
"""

PUBLIC_PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_PREFIX)]


# The HTTP server refuses a request line over its limit before Django sees it
# (gunicorn's default ``limit_request_line`` is 4,094 bytes; a proxy in front has its
# own), answering 414 with its own HTML page. Found by schemathesis: a query string
# repeating ``limit`` a hundred times got that 414, which the schema did not list.
URI_TOO_LONG = {
    "description": (
        "URI too long: the request line is over the HTTP server's limit (4,094 bytes with "
        "gunicorn's defaults) and is refused before it reaches the API, with the server's own page."
    ),
    "content": {"text/html": {"schema": {"type": "string"}}},
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def uri_too_long_everywhere(result, generator, request, public):
    """Document the server's 414 on every operation: any of them can receive it."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("414", URI_TOO_LONG)
    return result
