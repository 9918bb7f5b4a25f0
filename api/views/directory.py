"""``/api/v1/agencies`` and ``/api/v1/frameworks``: the agency hierarchy and the ITA framework years."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from .. import directory
from ..representations import SerializerContext
from ..representations.schema import (
    AgencyListSchema,
    AgencyRowSchema,
    FrameworkDetailSchema,
    FrameworkListSchema,
    problem_responses,
)
from ..state import memoized_document
from .base import ApiView
from .content import document_key


class AgencyListView(ApiView):
    @extend_schema(
        operation_id="agencies_list",
        summary="Public agencies in tree order (parents before their sub-agencies), with disclosure counts",
        responses={200: AgencyListSchema, **problem_responses(400, 429)},
    )
    def get(self, request):
        return Response(memoized_document(document_key(request, "agencies", ""),
                                          lambda: {"results": directory.agency_rows(SerializerContext(request))}))


class AgencyDetailView(ApiView):
    @extend_schema(
        operation_id="agency_detail",
        summary="One public agency by code",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Agency code, e.g. uthai-thani")],
        responses={200: AgencyRowSchema, **problem_responses(400, 404, 429)},
    )
    def get(self, request, code):
        return Response(memoized_document(document_key(request, "agency", code),
                                          lambda: directory.agency_detail(code, SerializerContext(request))))


class FrameworkListView(ApiView):
    @extend_schema(
        operation_id="frameworks_list",
        summary="ITA framework years, newest first",
        responses={200: FrameworkListSchema, **problem_responses(400, 429)},
    )
    def get(self, request):
        return Response(memoized_document(document_key(request, "frameworks", ""),
                                          lambda: {"results": directory.framework_rows()}))


class FrameworkDetailView(ApiView):
    @extend_schema(
        operation_id="framework_detail",
        summary="One ITA framework year: its OIT items, with the public disclosures answering each",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH,
                                     description="Framework year, BE (2568) or Gregorian (2025)")],
        responses={200: FrameworkDetailSchema, **problem_responses(400, 404, 429)},
    )
    def get(self, request, year):
        return Response(memoized_document(document_key(request, "framework", year),
                                          lambda: directory.framework_detail(directory.framework_for_year(year))))
