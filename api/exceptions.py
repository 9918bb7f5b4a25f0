"""Errors as RFC 7807 problem details.

Every error the API returns is ``application/problem+json`` with ``type``,
``title``, ``status`` and ``detail``; a bad query parameter adds ``param``
naming it (and ``invalid_params`` when there are several). Messages never echo
stored content, user names or e-mail addresses.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

PROBLEM_BASE = "https://disclosures.example.go.th/api/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


class ParameterError(exceptions.APIException):
    """A query parameter that cannot be used: always a 400 naming it."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid-parameter"

    def __init__(self, param, detail):
        self.param = param
        super().__init__(detail=detail, code=self.default_code)


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable."
    default_code = "service-unavailable"


class TooCostly(exceptions.APIException):
    """A request whose answer would cost more than the server allows (a diff of huge versions,
    a whole-site listing of a huge repository): 422, saying how to ask for less."""

    status_code = 422
    default_detail = "This request would cost more than the server allows."
    default_code = "too-costly"


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(status_code, detail, *, code=None, param=None, extra=None, headers=None):
    """A problem-details Response."""
    body = {
        "type": PROBLEM_BASE + (code or TITLES.get(status_code, "error").lower().replace(" ", "-")),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if param is not None:
        body["param"] = param
    if extra:
        body.update(extra)
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    return response


def _flatten(detail):
    if isinstance(detail, list):
        return "; ".join(_flatten(d) for d in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in detail.items())
    return str(detail)


def exception_handler(exc, context):
    """DRF exception handler producing problem details."""
    if isinstance(exc, ParameterError):
        return problem(400, str(exc.detail), code="invalid-parameter", param=exc.param)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    headers = {k: v for k, v in response.headers.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    code = getattr(exc, "default_code", None)
    code = code.replace("_", "-") if isinstance(code, str) else None
    extra = None
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        extra = {"invalid_params": [{"name": k, "reason": _flatten(v)} for k, v in exc.detail.items()]}
        first = next(iter(exc.detail), None)
        return problem(response.status_code, _flatten(exc.detail), code=code, param=first, extra=extra, headers=headers)
    detail = exc.detail if hasattr(exc, "detail") else str(exc)
    return problem(response.status_code, _flatten(detail), code=code, headers=headers)
