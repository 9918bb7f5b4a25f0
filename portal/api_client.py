"""Calling the public API from the portal, in process, by its URLs.

Every piece of data the portal shows comes from ``/api/v1/...``: it resolves the
API URL and calls the view with a fresh anonymous GET request (never the visitor's
session or credentials, but their address), marked in-process so that the view
hands back its data unrendered (no JSON round trip, no ETag digest) and only the
page's first call spends the visitor's rate-limit token. The portal imports nothing
of the API (an import contract in ``make lint`` keeps it so). ``ApiClient(request).get("search",
q="น้ำท่วม")`` returns a copy of the data (the same URL asked twice on one page is answered once) or raises
:class:`ApiError`.

The visitor's address goes as the request's own ``REMOTE_ADDR`` (``security.clients.client_ip``, behind
the trusted proxies), so the API's rate limit applies to the visitor; an ``X-Forwarded-For`` the visitor
sent is never passed on.
"""

import copy
import io
import json
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.http import Http404
from django.urls import Resolver404, resolve

from security.clients import client_ip

API_PREFIX = "/api/v1/"
# Request headers passed on to the API: what host the visitor asked for and in
# which language. Never cookies, Authorization or X-Forwarded-For (the visitor's
# address goes as REMOTE_ADDR, resolved once here).
FORWARDED_META = (
    "SERVER_NAME", "SERVER_PORT", "HTTP_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_ACCEPT_LANGUAGE", "wsgi.url_scheme",
)
# WSGI environ keys the API reads for in-process callers. A client cannot send them:
# request headers arrive as HTTP_* keys.
IN_PROCESS = "api.in_process"
THROTTLED = "api.throttled"


class ApiError(Exception):
    """The API answered with an error status; ``problem`` is its problem document."""

    def __init__(self, status, problem=None, url=""):
        self.status = status
        self.problem = problem or {}
        self.url = url
        super().__init__(f"{status} from {url}: {self.detail}")

    @property
    def detail(self):
        return self.problem.get("detail") or self.problem.get("title") or ""

    @property
    def param(self):
        return self.problem.get("param") or self.problem.get("parameter")


def query_string(params):
    """``{'q': 'x', 'agency': ['a', 'b'], 'page': None}`` → ``q=x&agency=a&agency=b`` (empty values dropped)."""
    pairs = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is None or item == "":
                continue
            pairs.append((key, str(item)))
    return urlencode(pairs)


class ApiClient:
    """One visitor's view of the public API."""

    def __init__(self, request=None):
        self.meta = {}
        if request is not None:
            self.meta = {k: request.META[k] for k in FORWARDED_META if k in request.META}
            self.meta["REMOTE_ADDR"] = client_ip(request)
        self.meta.setdefault("SERVER_NAME", "localhost")
        self.meta.setdefault("SERVER_PORT", "80")
        self.meta.setdefault("REMOTE_ADDR", "127.0.0.1")
        self.meta.setdefault("wsgi.url_scheme", "http")
        self.calls = []
        self._answers = {}

    def _request(self, path, query):
        environ = {
            **self.meta,
            IN_PROCESS: True,
            # One rate-limit token per portal page: its first API call spends it.
            THROTTLED: bool(self.calls[:-1]),
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": query,
            "HTTP_ACCEPT": "application/json",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        request = WSGIRequest(environ)
        request.user = AnonymousUser()
        return request

    def get(self, endpoint, **params):
        """GET ``/api/v1/<endpoint>`` with query parameters; the parsed JSON."""
        path = API_PREFIX + endpoint.lstrip("/")
        query = query_string(params)
        url = path + ("?" + query if query else "")
        if url in self._answers:  # asked before on this page (the directory): the same answer
            return copy.deepcopy(self._answers[url])
        self.calls.append(url)
        try:
            match = resolve(path)
        except Resolver404:
            raise ApiError(404, {"title": "Not Found", "detail": "No such API endpoint."}, url) from None
        request = self._request(path, query)
        try:
            # A savepoint of its own: with ATOMIC_REQUESTS, DRF marks the current transaction
            # for rollback when it answers an error (a 404, a 400); that must end with this
            # call, not break the rest of the portal's request.
            with transaction.atomic():
                response = match.func(request, *match.args, **match.kwargs)
        except Http404 as error:  # plain Django views (none of the v1 JSON ones) raise instead of answering
            raise ApiError(404, {"title": "Not Found", "detail": str(error)}, url) from None
        if hasattr(response, "data"):
            data = response.data  # the API's memo may hold this very object: never changed here
        else:
            try:
                data = json.loads(response.content or b"null")
            except ValueError:
                data = None
        if response.status_code >= 400:
            raise ApiError(response.status_code, copy.deepcopy(data) if isinstance(data, dict) else None, url)
        self._answers[url] = data
        return copy.deepcopy(data)

    def get_or_none(self, endpoint, **params):
        """Like :meth:`get` but ``None`` for a 404 (a page that is not public, or an endpoint not there)."""
        try:
            return self.get(endpoint, **params)
        except ApiError as error:
            if error.status == 404:
                return None
            raise
