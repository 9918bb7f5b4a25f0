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

# The RSS 2.0 and Atom feeds (api/feeds.py) are Django syndication views, which drf-spectacular
# does not see: described here, with what they really answer.
_FEEDS = [
    ("latest", None, "The 50 latest public disclosures"),
    ("agency", "An agency code (as in /api/v1/agencies)", "The 50 latest public disclosures of an agency and "
                                                         "every agency below it"),
    ("item", "An OIT item code such as O4 (any framework year; case does not matter)",
     "The 50 latest public disclosures answering an OIT item"),
]
_FEED_TYPES = {"rss": ("application/rss+xml", "RSS 2.0"), "atom": ("application/atom+xml", "Atom 1.0")}


def _problem(description):
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _feed_operation(scope, parameter, summary, kind):
    media_type, name = _FEED_TYPES[kind]
    responses = {
        "200": {"description": f"{name} feed, newest first; links point at the public pages",
                "content": {media_type: {"schema": {"type": "string"}}}},
        "304": {"description": "Not modified since the validators sent (`If-None-Match` / `If-Modified-Since`)."},
        "429": _problem("Too many requests."),
    }
    operation = {
        "operationId": f"feed_{scope}_{kind}",
        "summary": f"{summary} ({name})",
        "tags": ["feeds"],
        "security": [{}],
        "responses": responses,
    }
    if parameter:
        operation["parameters"] = [{"in": "path", "name": "code", "required": True, "description": parameter,
                                    "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}}]
        # An unknown code of the right form gets the feed view's HTML 404; one that is not a code at all never
        # reaches it and gets the API's problem document.
        responses["404"] = {"description": "No such code.", "content": {
            "text/html": {"schema": {"type": "string"}},
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
        }}
    return operation


def feeds(result, generator, request, public):
    """Add the feeds to the schema."""
    paths = result.setdefault("paths", {})
    for scope, parameter, summary in _FEEDS:
        for kind in _FEED_TYPES:
            path = f"/api/v1/feeds/{scope}.{kind}" if parameter is None else f"/api/v1/feeds/{scope}/{{code}}.{kind}"
            paths[path] = {"get": _feed_operation(scope, parameter, summary, kind)}
    result["paths"] = dict(sorted(paths.items()))
    return result


def uri_too_long_everywhere(result, generator, request, public):
    """Document the server's 414 on every operation: any of them can receive it."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS:
                operation.setdefault("responses", {}).setdefault("414", URI_TOO_LONG)
    return result
