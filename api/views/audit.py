"""Audit endpoints: the public head seal; for auditors the event feed, verify and export."""

import json

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from security import public_url

from .. import history
from ..params import get_datetime, get_int, get_list
from ..permissions import IsAuditor
from ..serializers.schema import AuditEventsSchema, HeadSealSchema, VerifySchema, problem_responses
from .base import ApiView

P = OpenApiParameter
EVENT_FILTERS = [
    P("since", OpenApiTypes.DATETIME, description="Events at or after"),
    P("until", OpenApiTypes.DATETIME, description="Events at or before"),
    P("agency", OpenApiTypes.STR, description="Agency code (and the agencies below it)"),
    P("action", OpenApiTypes.STR, description="Wagtail action(s), comma-separated, e.g. wagtail.publish"),
    P("page_id", OpenApiTypes.INT, description="Events of one page"),
]


def events(query):
    """Audit events filtered by the query, in chain order (a generator)."""
    from repository.models import Agency

    from ..exceptions import ParameterError

    replay, _, _ = history.audit()
    since, until = get_datetime(query, "since"), get_datetime(query, "until")
    agency = query.get("agency") or None
    if agency and not Agency.objects.filter(code=agency).exists():
        raise ParameterError("agency", "Unknown agency code.")
    actions = set(get_list(query, "action"))
    page_id = get_int(query, "page_id", minimum=1)
    after = get_int(query, "after", 0, 0)
    for event in replay.iter_events(since=since, until=until, agency=agency):
        if event["sequence"] <= after:
            continue
        if actions and event["action"] not in actions:
            continue
        if page_id is not None and event["page_id"] != page_id:
            continue
        yield replay.event_as_json(event)


class HeadView(ApiView):
    @extend_schema(
        operation_id="audit_head",
        summary="The audit chain's head seal (public: pin it to detect any later rewrite)",
        responses={200: HeadSealSchema, **problem_responses(429, 503)},
    )
    def get(self, request):
        _, _, chain = history.audit()
        return Response(chain.head_seal())


class _AuditorView(ApiView):
    permission_classes = [IsAuditor]
    public_cache = False
    varies_by_user = True


class VerifyView(_AuditorView):
    @extend_schema(
        operation_id="audit_verify",
        summary="Recompute every seal of the chain (auditors)",
        responses={200: VerifySchema, **problem_responses(401, 403, 429, 503)},
    )
    def get(self, request):
        _, _, chain = history.audit()
        result = chain.verify_chain()
        return Response({"ok": bool(result.ok), "count": result.count, "head": result.head,
                         "first_bad": result.first_bad, "reason": result.reason})


class EventsView(_AuditorView):
    query_params = ("since", "until", "agency", "action", "page_id", "after", "limit")

    @extend_schema(
        operation_id="audit_events",
        summary="The audit event feed (auditors): who did what, when, with what comment",
        parameters=EVENT_FILTERS + [
            P("after", OpenApiTypes.INT, description="Only events after this sequence number (the feed's cursor)"),
            P("limit", OpenApiTypes.INT, description="1–500 (default 100)"),
        ],
        responses={200: AuditEventsSchema, **problem_responses(400, 401, 403, 429, 503)},
    )
    def get(self, request):
        limit = get_int(request.query_params, "limit", 100, 1, 500)
        rows = []
        for event in events(request.query_params):
            rows.append(event)
            if len(rows) > limit:
                break
        next_url = None
        if len(rows) > limit:
            rows = rows[:limit]
            query = request.query_params.copy()
            query["after"] = str(rows[-1]["sequence"])
            next_url = public_url.absolute(request.path + "?" + query.urlencode())
        return Response({"next": next_url, "results": rows})


class ExportView(_AuditorView):
    query_params = ("since", "until", "agency", "action", "page_id", "after")

    @extend_schema(
        operation_id="audit_export",
        summary="Export the audit events as NDJSON (auditors); verify the chain with manage.py audit verify",
        parameters=EVENT_FILTERS,
        responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="One event per line"),
                   **problem_responses(400, 401, 403, 429, 503)},
    )
    def get(self, request):
        stream = events(request.query_params)
        first = next(stream, None)  # parameter errors surface before streaming starts

        def lines():
            if first is not None:
                yield json.dumps(first, ensure_ascii=False) + "\n"
            for event in stream:
                yield json.dumps(event, ensure_ascii=False) + "\n"

        response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-events.ndjson"'
        response["Cache-Control"] = "private, no-store"
        return response
