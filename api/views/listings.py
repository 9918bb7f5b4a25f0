"""``/api/v1/disclosures`` and ``/api/v1/content/<path>/@children``."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from repository.models import DisclosurePage

from .. import history
from ..content import children_of, page_at_path, requested_fields
from ..exceptions import ParameterError, TooCostly
from ..filters import FILTER_PARAMS, DisclosureFilterBackend, ListingFilter, filter_parameters
from ..listings import child_rows, disclosure_queryset, listing_rows, pagination_mode
from ..pagination import DisclosureCursorPagination, DisclosurePageNumberPagination
from ..params import get_datetime, get_list
from ..representations import SerializerContext
from ..representations.schema import ChildrenListSchema, DisclosureListSchema, problem_responses
from ..state import memoized_document
from .base import ApiView
from .content import document_key

PAGING_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number (page-number pagination)."),
    OpenApiParameter("per_page", OpenApiTypes.INT, description="Results per page, 1–100 (default 20)."),
]


class DisclosureListView(ApiView):
    query_params = FILTER_PARAMS + ("ordering", "page", "per_page", "cursor", "pagination", "fields", "as_of")
    filter_backends = [DisclosureFilterBackend]

    @extend_schema(
        operation_id="disclosures_list",
        summary="Public disclosures, filtered, ordered and paginated",
        parameters=filter_parameters() + PAGING_PARAMETERS + [
            OpenApiParameter("pagination", OpenApiTypes.STR, enum=["pages", "cursor"],
                             description="'cursor' for deep paging: opaque next/previous links, no count."),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="Opaque cursor from a previous response."),
            OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated keys of each row: any "
                             "disclosure key, and a page type's own keys when the listing has one type (one "
                             "'type', or 'active')."),
            OpenApiParameter("as_of", OpenApiTypes.DATETIME, description="The disclosures the public could see at "
                             "this moment; combines with every filter, ordering, page and per_page (not with "
                             "fields, cursor or pagination). On a repository larger than the server's limit "
                             "for whole-site past listings, name one 'agency' (422 otherwise)."),
        ],
        responses={200: DisclosureListSchema, **problem_responses(400, 422, 429, 503)},
    )
    def get(self, request):
        query = request.query_params
        if query.get("as_of"):
            return self.as_of(request, SerializerContext(request))
        # Memoised per process like detail documents: dropped by any public change (api/state.py).
        return Response(memoized_document(document_key(request, "disclosures", ""), lambda: self.listing(request)))

    def listing(self, request):
        query = request.query_params
        ctx = SerializerContext(request)
        cursor = pagination_mode(query) == "cursor" or "cursor" in query
        listing_filter = ListingFilter.parse(query, cursor=cursor)
        model = listing_filter.one_type
        fields = requested_fields(query, model or DisclosurePage)
        queryset = disclosure_queryset(listing_filter, ctx.root)
        paginator = (
            DisclosureCursorPagination(listing_filter.order_by) if cursor else DisclosurePageNumberPagination()
        )
        page = paginator.paginate_queryset(queryset, request, view=self)
        rows = listing_rows(page, ctx, fields, model)
        if cursor:
            return {"next": paginator.get_next_link(), "previous": paginator.get_previous_link(), "results": rows}
        return {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": rows,
        }


    def as_of(self, request, ctx):
        query = request.query_params
        history.check_as_of_alone(query, ("as_of", *FILTER_PARAMS, "ordering", "page", "per_page"))
        moment = get_datetime(query, "as_of")
        codes = get_list(query, "agency")
        if len(codes) > 1:
            raise ParameterError("agency", "With 'as_of', 'agency' takes one code.")
        listing_filter = ListingFilter.parse(query)  # every 400 before any replay
        if not codes:
            check_whole_site_as_of()
        rows = listing_filter.select(history.listing_as_of(moment, codes[0] if codes else None, ctx.root,
                                                        item_pages=listing_filter.item_ids is not None), moment)
        paginator = DisclosurePageNumberPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return Response({
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": page,
        })


def check_whole_site_as_of():
    """A past listing of the whole site replays every disclosure: beyond ``API_AS_OF_MAX_ROWS`` disclosures
    in the repository it must be narrowed to one agency (its cost then follows that agency's size)."""
    limit = settings.API_AS_OF_MAX_ROWS
    if DisclosurePage.objects.count() > limit:
        raise TooCostly(f"A listing of the whole site as of a past moment is offered for up to {limit:,} "
                        "disclosures; this repository holds more. Name one 'agency'.")


class ChildrenView(ApiView):
    query_params = ("page", "per_page")

    @extend_schema(
        operation_id="content_children",
        summary="Public children of the page at a path, in tree order",
        parameters=PAGING_PARAMETERS + [OpenApiParameter("path", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: ChildrenListSchema, **problem_responses(400, 404, 429)},
    )
    def get(self, request, path=""):
        ctx = SerializerContext(request)
        parent = page_at_path(path, ctx.root)
        paginator = DisclosurePageNumberPagination()
        page = paginator.paginate_queryset(children_of(parent, ctx.root), request, view=self)
        return Response({
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": child_rows(page, ctx),
        })


class RootChildrenView(ChildrenView):
    @extend_schema(
        operation_id="content_root_children",
        summary="Public children of the site root (the agencies)",
        parameters=PAGING_PARAMETERS,
        responses={200: ChildrenListSchema, **problem_responses(400, 404, 429)},
    )
    def get(self, request):
        return super().get(request, "")
