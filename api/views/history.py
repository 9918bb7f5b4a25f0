"""``…/@history``, ``…/@history/<version>``, ``…/@diff`` on a page by path or id."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.response import Response

from .. import history
from ..exceptions import ParameterError
from ..params import get_int
from ..permissions import is_auditor
from ..representations.schema import DiffSchema, HistorySchema, VersionSchema, problem_responses
from .base import ApiView


class _PageHistoryBase(ApiView):
    varies_by_user = True

    def page(self, request, path=None, page_id=None):
        self.auditor = is_auditor(request.user)
        return history.find_page(path=path, page_id=page_id, auditor=self.auditor)


class HistoryView(_PageHistoryBase):
    @extend_schema(
        operation_id="page_history",
        summary="Versions of a page: published ones for everyone; every event (who, when, action, comment) for auditors",
        responses={200: HistorySchema, **problem_responses(400, 404, 429, 503)},
    )
    def get(self, request, path=None, page_id=None):
        page = self.page(request, path, page_id)
        return Response({"page_id": page.pk, "auditor": self.auditor, "versions": history.history(page, self.auditor)})


class VersionView(_PageHistoryBase):
    @extend_schema(
        operation_id="page_version",
        summary="One version of a page (the public fields of a published version; the whole state for auditors)",
        responses={200: VersionSchema, **problem_responses(400, 404, 429, 503)},
    )
    def get(self, request, version, path=None, page_id=None):
        page = self.page(request, path, page_id)
        return Response(history.version(page, int(version), self.auditor))


class DiffView(_PageHistoryBase):
    query_params = ("from", "to")

    @extend_schema(
        operation_id="page_diff",
        summary="Field-level diff between two versions (word level for Thai text)",
        description="What changed between two versions of the page: one entry per changed field, Thai and "
                    "rich text as a word diff. Versions whose text is longer than the server's limit get a 422 "
                    "problem; read them one by one at `@history/<version>` instead.",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.INT, required=True, description="Version id"),
            OpenApiParameter("to", OpenApiTypes.INT, required=True, description="Version id"),
        ],
        responses={200: DiffSchema, **problem_responses(400, 404, 422, 429, 503)},
    )
    def get(self, request, path=None, page_id=None):
        version_from = get_int(request.query_params, "from", minimum=1)
        version_to = get_int(request.query_params, "to", minimum=1)
        for name, value in (("from", version_from), ("to", version_to)):
            if value is None:
                raise ParameterError(name, f"'{name}' (a version id) is required.")
        page = self.page(request, path, page_id)
        return Response(history.diff(page, version_from, version_to, self.auditor))


def variant(view_class, operation_id):
    """The same view under a second URL (by id), with its own operation id in the schema."""
    subclass = type(view_class.__name__ + "ById", (view_class,), {})
    return extend_schema_view(get=extend_schema(operation_id=operation_id))(subclass)


HistoryByIdView = variant(HistoryView, "page_history_by_id")
VersionByIdView = variant(VersionView, "page_version_by_id")
DiffByIdView = variant(DiffView, "page_diff_by_id")
