"""Audit endpoints: the public head seal, checkpoints, proofs and key; for auditors the event feed,
verify and export."""

import base64
import itertools
import json

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from repository.audit import chain, labels, replay
from repository.audit.checkpoints import (
    CheckpointError,
    cosigned_note,
    latest_checkpoint,
    log_verifier,
    parse_checkpoint_text,
    split_note,
)
from repository.audit.models import AuditRecord, Checkpoint
from repository.audit.stored_tree import StoredTree
from repository.models import Agency
from security import public_url

from ..exceptions import ParameterError, ServiceUnavailable
from ..params import get_datetime, get_int, get_list
from ..permissions import IsAuditor
from ..representations.schema import (
    AuditEventsSchema,
    CheckpointListSchema,
    CheckpointSchema,
    ConsistencyProofSchema,
    HeadSealSchema,
    InclusionProofSchema,
    PublicKeySchema,
    VerifySchema,
    problem_responses,
)
from .base import ApiView

P = OpenApiParameter
EVENT_FILTERS = [
    P("since", OpenApiTypes.DATETIME, description="Events at or after"),
    P("until", OpenApiTypes.DATETIME, description="Events at or before"),
    P("agency", OpenApiTypes.STR, description="Agency code (and the agencies below it)"),
    P("action", OpenApiTypes.STR, description="Acts, comma-separated: codes (e.g. wagtail.publish, approvals.request), "
                                              "code prefixes ending in '.', or Thai names as the admin shows them "
                                              "(e.g. เผยแพร่, อนุมัติ, ยื่นขออนุมัติเผยแพร่)"),
    P("page_id", OpenApiTypes.INT, description="Events of one page"),
]


def acts_named(names):
    """The acts (``repository.audit.labels``) the ``action`` parameter's values name, or None without any."""
    if not names:
        return None
    known = labels.known_acts(AuditRecord.objects.order_by().values_list("action", flat=True).distinct())
    return set().union(*(labels.actions_matching(name, known) for name in names))


def events(query):
    """Audit events filtered by the query, in chain order (a generator)."""
    since, until = get_datetime(query, "since"), get_datetime(query, "until")
    agency = query.get("agency") or None
    if agency and not Agency.objects.filter(code=agency).exists():
        raise ParameterError("agency", "Unknown agency code.")
    actions = acts_named(get_list(query, "action"))
    page_id = get_int(query, "page_id", minimum=1)
    after = get_int(query, "after", 0, 0)
    for event in replay.iter_events(since=since, until=until, agency=agency):
        if event["sequence"] <= after:
            continue
        if actions is not None and event["action"] not in actions:
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
        return Response(chain.head_seal())


def _b64(digest):
    return base64.b64encode(digest).decode()


def _checkpoint_json(checkpoint):
    parsed = parse_checkpoint_text(split_note(checkpoint.note)[0])
    return {
        "origin": parsed.origin, "size": checkpoint.size, "root_hash": _b64(parsed.root),
        "note": cosigned_note(checkpoint), "created_at": checkpoint.created_at.isoformat(),
        "cosignatures": [{"witness": c.witness, "line": c.line} for c in checkpoint.cosignatures.order_by("id")],
    }


class _LogView(ApiView):
    """Public transparency-log reads: they change with appends and checkpoints, not with the content."""

    follows_repository = False


# A page of checkpoints or events: ``limit`` 1–500, 100 by default.
PAGE_LIMIT = P("limit", OpenApiTypes.INT, description="1–500 (default 100)")


def _limit(query):
    return get_int(query, "limit", 100, 1, 500)


def _page(request, rows, limit, cursor, position):
    """The first ``limit`` of ``rows`` (fetched one over), and a ``next`` link that carries the query on with
    ``cursor`` set to the last row's ``position``; the link is on the public base URL, as every listing's."""
    next_url = None
    if len(rows) > limit:
        rows = rows[:limit]
        query = request.query_params.copy()
        query[cursor] = str(position(rows[-1]))
        next_url = public_url.absolute(request.path + "?" + query.urlencode())
    return {"next": next_url, "results": rows}


def _tree_sizes(query, required, optional):
    """``(required, optional)``: two positions in the log, neither past its current size (the first may name
    size 1 of an empty log, for a clear message), ``required`` given and ``optional`` the current size by
    default."""
    current = StoredTree().size()
    first = get_int(query, required, None, 1, max(current, 1))
    if first is None:
        raise ParameterError(required, f"'{required}' is required.")
    return first, get_int(query, optional, current, 1, current)


class CheckpointView(_LogView):
    @extend_schema(
        operation_id="audit_checkpoint",
        summary="The latest signed checkpoint of the audit log (public: keep it to detect a later rewrite "
                "or truncation with `audit verify --checkpoint` or tools/verify_audit_archive.py)",
        responses={200: CheckpointSchema, **problem_responses(404, 429)},
    )
    def get(self, request):
        checkpoint = latest_checkpoint()
        if checkpoint is None:
            raise Http404("No checkpoint has been signed yet.")
        return Response(_checkpoint_json(checkpoint))


class CheckpointListView(_LogView):
    query_params = ("since", "limit")

    @extend_schema(
        operation_id="audit_checkpoints",
        summary="Signed checkpoints in order of tree size (public)",
        parameters=[
            P("since", OpenApiTypes.INT, description="Only checkpoints covering more than this many entries"),
            PAGE_LIMIT,
        ],
        responses={200: CheckpointListSchema, **problem_responses(400, 429)},
    )
    def get(self, request):
        since = get_int(request.query_params, "since", 0, 0)
        limit = _limit(request.query_params)
        rows = list(Checkpoint.objects.filter(size__gt=since).order_by("size", "id")[:limit + 1])
        page = _page(request, rows, limit, "since", lambda checkpoint: checkpoint.size)
        return Response({**page, "results": [_checkpoint_json(c) for c in page["results"]]})


class InclusionProofView(_LogView):
    query_params = ("entry", "size")

    @extend_schema(
        operation_id="audit_proof_inclusion",
        summary="RFC 9162 inclusion proof: this entry is in the log of this size (public)",
        parameters=[
            P("entry", OpenApiTypes.INT, required=True, description="The entry's sequence number (1 = first)"),
            P("size", OpenApiTypes.INT, description="Tree size (default: the current size); e.g. a checkpoint's"),
        ],
        responses={200: InclusionProofSchema, **problem_responses(400, 429)},
    )
    def get(self, request):
        entry, size = _tree_sizes(request.query_params, "entry", "size")
        if entry > size:
            raise ParameterError("entry", f"Entry {entry} is not in a tree of {size} entries.")
        tree = StoredTree()
        checkpoint = Checkpoint.objects.filter(size=size).order_by("id").first()
        return Response({
            "entry": entry, "leaf_index": entry - 1, "size": size, "leaf_hash": _b64(tree.leaf(entry - 1)),
            "root_hash": _b64(tree.root(size)), "proof": [_b64(h) for h in tree.inclusion_proof(entry - 1, size)],
            "checkpoint": checkpoint.note if checkpoint else None,
        })


class ConsistencyProofView(_LogView):
    query_params = ("from", "to")

    @extend_schema(
        operation_id="audit_proof_consistency",
        summary="RFC 9162 consistency proof: the log of size `to` extends the log of size `from` (public)",
        parameters=[
            P("from", OpenApiTypes.INT, required=True, description="The earlier tree size (e.g. a kept checkpoint's)"),
            P("to", OpenApiTypes.INT, description="The later tree size (default: the current size)"),
        ],
        responses={200: ConsistencyProofSchema, **problem_responses(400, 429)},
    )
    def get(self, request):
        first, second = _tree_sizes(request.query_params, "from", "to")
        if first > second:
            raise ParameterError("from", f"'from' ({first}) must not exceed 'to' ({second}).")
        tree = StoredTree()
        return Response({
            "from": first, "to": second, "first_root": _b64(tree.root(first)), "second_root": _b64(tree.root(second)),
            "proof": [_b64(h) for h in tree.consistency_proof(first, second)],
        })


class PublicKeyView(_LogView):
    @extend_schema(
        operation_id="audit_public_key",
        summary="The log's Ed25519 verifier key, which signs every checkpoint (public)",
        responses={200: PublicKeySchema, **problem_responses(429, 503)},
    )
    def get(self, request):
        try:
            key = log_verifier()
        except CheckpointError:
            raise ServiceUnavailable("This server has no audit signing key configured.") from None
        return Response({"origin": settings.AUDIT_LOG["ORIGIN"], "name": key.name, "algorithm": "Ed25519",
                         "key": str(key)})


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
            PAGE_LIMIT,
        ],
        responses={200: AuditEventsSchema, **problem_responses(400, 401, 403, 429, 503)},
    )
    def get(self, request):
        limit = _limit(request.query_params)
        rows = list(itertools.islice(events(request.query_params), limit + 1))
        return Response(_page(request, rows, limit, "after", lambda event: event["sequence"]))


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
