"""Page-number pagination (default) and cursor pagination for deep paging.

``?page=N&per_page=M`` (M ≤ 100) returns ``count``, ``next``, ``previous``,
``results``. ``?pagination=cursor`` switches a listing to cursor paging: the
response carries ``next``/``previous`` links with an opaque ``cursor`` and no
count, and every page costs the same however deep. A bad ``page`` or
``cursor`` is a 400 naming it.
"""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination

from security import public_url

from .exceptions import ParameterError
from .params import get_int

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


class _PublicLinks:
    """``next``/``previous`` at the configured public base URL (DRF builds them from the request's host)."""

    def get_next_link(self):
        return public_url.absolute(super().get_next_link())

    def get_previous_link(self):
        return public_url.absolute(super().get_previous_link())


class DisclosurePageNumberPagination(_PublicLinks, PageNumberPagination):
    page_size = DEFAULT_PER_PAGE
    page_size_query_param = "per_page"
    max_page_size = MAX_PER_PAGE

    def get_page_size(self, request):
        return get_int(request.query_params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)

    def paginate_queryset(self, queryset, request, view=None):
        number = get_int(request.query_params, "page", 1, 1)
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        last = max(paginator.num_pages, 1)
        if number > last:
            raise ParameterError("page", f"'page' is past the last page ({last}).")
        self.page = paginator.page(number)
        return list(self.page)


class DisclosureCursorPagination(_PublicLinks, CursorPagination):
    page_size = DEFAULT_PER_PAGE
    page_size_query_param = "per_page"
    max_page_size = MAX_PER_PAGE
    ordering = ("-first_published_at", "-id")

    def __init__(self, ordering=None):
        if ordering:
            self.ordering = ordering

    def get_page_size(self, request):
        return get_int(request.query_params, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)

    def get_ordering(self, request, queryset, view):
        return self.ordering

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ParameterError("cursor", "'cursor' is not a cursor this listing issued.") from None
