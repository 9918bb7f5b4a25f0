"""``/api/v1/search`` and ``/api/v1/search/suggest``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from .. import search_service
from ..params import get_int
from ..representations import SerializerContext
from ..representations.schema import SearchResultsSchema, SuggestionsSchema, problem_responses
from .base import ApiView

P = OpenApiParameter


class SearchView(ApiView):
    query_params = search_service.SEARCH_PARAMS

    @extend_schema(
        operation_id="search",
        summary="Full-text search of public disclosures (Thai word segmentation, Thai/Arabic digits)",
        parameters=[
            P("q", OpenApiTypes.STR, description="Words to find (Thai or English); empty lists everything"),
            P("agency", OpenApiTypes.STR, description="Agency code(s), comma-separated, sub-agencies included"),
            P("item", OpenApiTypes.STR, description="OIT item(s), comma-separated: '<framework year>:<code>' "
              "such as 2565:O22 (the item facet's values; the year BE or Gregorian), or a bare code such as "
              "O22 for that code in any framework year (codes mean different items in different years)"),
            P("type", OpenApiTypes.STR, description="Page type(s), e.g. NewsPage"),
            P("fiscal_year", OpenApiTypes.STR, description="Fiscal year(s), BE (2568) or Gregorian (2025)"),
            P("from", OpenApiTypes.DATE, description="Issued on or after"),
            P("to", OpenApiTypes.DATE, description="Issued on or before"),
            P("sort", OpenApiTypes.STR, enum=["relevance", "date"]),
            P("page", OpenApiTypes.INT, description="1–500"),
            P("per_page", OpenApiTypes.INT, description="1–100"),
        ],
        responses={200: SearchResultsSchema, **problem_responses(400, 429, 503)},
    )
    def get(self, request):
        return Response(search_service.search(request.query_params, SerializerContext(request)))


class SuggestView(ApiView):
    query_params = ("q", "limit")

    @extend_schema(
        operation_id="search_suggest",
        summary="Title suggestions for what has been typed so far",
        parameters=[P("q", OpenApiTypes.STR), P("limit", OpenApiTypes.INT, description="1–20 (default 10)")],
        responses={200: SuggestionsSchema, **problem_responses(400, 429, 503)},
    )
    def get(self, request):
        limit = get_int(request.query_params, "limit", 10, 1, 20)
        return Response(search_service.suggest(request.query_params, SerializerContext(request), limit))
