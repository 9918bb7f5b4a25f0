"""``/api/v1/oit/<framework-year>/<agency>``: the ITA OIT answer sheet, JSON or CSV."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from repository.fiscal import normalise_fiscal_year
from repository.models import Agency

from ..oit import answer_sheet, framework_for
from ..renderers import AnswerSheetCSVRenderer
from ..representations import SerializerContext
from ..representations.schema import AnswerSheetSchema, problem_responses
from .base import ApiView


class AnswerSheetView(ApiView):
    renderer_classes = [JSONRenderer, AnswerSheetCSVRenderer]

    @extend_schema(
        operation_id="oit_answer_sheet",
        summary="The OIT answer sheet of an agency for an ITA framework year",
        description="Status per item: published (in the period the assessment looks at), stale, missing. "
        "See docs/API.md for the exact rules. `?format=csv` or `Accept: text/csv` for CSV.",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH, description="Framework year, BE (2568) or Gregorian (2025)"),
            OpenApiParameter("agency", OpenApiTypes.STR, OpenApiParameter.PATH, description="Agency code"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={
            (200, "application/json"): AnswerSheetSchema,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per item"),
            **problem_responses(400, 404, 429),
        },
    )
    def get(self, request, year, agency):
        try:
            year = normalise_fiscal_year(year)
        except ValueError:
            raise Http404("No such framework year.") from None
        framework = framework_for(year)
        agency_obj = Agency.objects.filter(code=agency).first()
        if framework is None or agency_obj is None:
            raise Http404("No such framework year or agency.")
        ctx = SerializerContext(request)
        return Response(answer_sheet(framework, agency_obj, ctx.root, ctx))
