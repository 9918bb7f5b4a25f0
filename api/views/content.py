"""``/api/v1/content/<path>`` and ``/api/v1/pages/<id>``: one public page."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from .. import history
from ..content import detail_document, page_at_path, page_by_id
from ..params import get_datetime
from ..representations import SerializerContext
from ..representations.expansions import EXPANSIONS
from ..representations.schema import PageSchema, problem_responses
from ..state import memoized_document
from .base import ApiView

DETAIL_PARAMETERS = [
    OpenApiParameter("as_of", OpenApiTypes.DATETIME, description="What the public saw at this moment (ISO 8601; "
                     "a date alone means its end, Thai time). Cannot be combined with fields/expand."),
    OpenApiParameter("fields", OpenApiTypes.STR, description="Comma-separated keys to return (id and type always come)."),
    OpenApiParameter("expand", OpenApiTypes.STR, description="Comma-separated blocks to add: " + ", ".join(EXPANSIONS) + "."),
]


def document_key(request, kind, value):
    """Everything a detail document depends on besides the repository: what, how, and the host in its URLs."""
    return ("detail", kind, value, request.get_host(), request.scheme, tuple(sorted((k, tuple(v)) for k, v in request.query_params.lists())))


def as_of_document(request, path=None, page_id=None):
    moment = get_datetime(request.query_params, "as_of")
    history.check_as_of_alone(request.query_params)
    moves = history.moves_as_of(moment)
    if page_id is not None:
        page = history.page_for_as_of(page_id=page_id)
    else:
        page = history.page_at_path_as_of(path, moment, moves=moves)
    return history.page_as_of(page, moment, moves=moves)


class ContentView(ApiView):
    query_params = ("fields", "expand", "as_of")

    @extend_schema(
        operation_id="content_by_path",
        summary="A public page by its path below the site root",
        parameters=DETAIL_PARAMETERS
        + [OpenApiParameter("path", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. uthai-thani/procurement/o22/some-slug")],
        responses={200: PageSchema, **problem_responses(400, 404, 429, 503)},
    )
    def get(self, request, path=""):
        if request.query_params.get("as_of"):
            return Response(as_of_document(request, path=path))
        def build():
            ctx = SerializerContext(request)
            return detail_document(page_at_path(path, ctx.root), ctx, request.query_params)

        return Response(memoized_document(document_key(request, "path", path), build))


class SiteRootView(ContentView):
    @extend_schema(
        operation_id="content_root",
        summary="The site root (home page)",
        parameters=DETAIL_PARAMETERS,
        responses={200: PageSchema, **problem_responses(400, 404, 429, 503)},
    )
    def get(self, request):
        return super().get(request, "")


class PageByIdView(ApiView):
    query_params = ("fields", "expand", "as_of")

    @extend_schema(
        operation_id="page_by_id",
        summary="A public page by id",
        parameters=DETAIL_PARAMETERS,
        responses={200: PageSchema, **problem_responses(400, 404, 429, 503)},
    )
    def get(self, request, page_id):
        if request.query_params.get("as_of"):
            return Response(as_of_document(request, page_id=page_id))
        def build():
            ctx = SerializerContext(request)
            return detail_document(page_by_id(page_id, ctx.root), ctx, request.query_params)

        return Response(memoized_document(document_key(request, "id", page_id), build))
