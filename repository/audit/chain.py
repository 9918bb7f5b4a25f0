"""The hash chain: sealing an appended record, the head seal, verifying the chain.

Payloads are built from plain values (``values()`` rows) by ``build_payload`` so
that sealing, verifying and exporting compute exactly the same thing; the
serialisation itself is ``canonical.py``.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from reversion.models import Revision, Version

from .canonical import GENESIS_SEAL, PAYLOAD_VERSION, canonical_time, compute_seal

RECORD_FIELDS = (
    "id", "revision_id", "sequence", "at", "action", "object_model", "object_id", "object_repr", "page_id", "live",
    "version_id", "agency_id", "agency_code", "item_codes", "user_id_snapshot", "user_name", "log_model",
    "log_entry_id", "extra", "previous_seal", "seal",
)
VERSION_FIELDS = ("id", "revision_id", "content_type_id", "object_id", "db", "format", "serialized_data", "object_repr")


class _ContentTypeLabels(dict):
    """content type id → "app_label.model", loaded once per use."""

    def __init__(self, using):
        super().__init__(
            (pk, f"{app}.{model}")
            for pk, app, model in ContentType.objects.using(using).values_list("pk", "app_label", "model")
        )


def build_payload(record, revision, versions, content_types):
    """The sealed payload of one entry, from plain dicts (see RECORD_FIELDS / VERSION_FIELDS)."""
    return {
        "v": PAYLOAD_VERSION,
        "sequence": record["sequence"],
        "previous_seal": record["previous_seal"],
        "at": canonical_time(record["at"]),
        "action": record["action"],
        "object": {"model": record["object_model"], "id": record["object_id"], "repr": record["object_repr"]},
        "page_id": record["page_id"],
        "live": record["live"],
        "version_id": record["version_id"],
        "agency": {"id": record["agency_id"], "code": record["agency_code"]},
        "item_codes": record["item_codes"].split(),
        "user": {"id": record["user_id_snapshot"], "name": record["user_name"]},
        "log": {"model": record["log_model"], "id": record["log_entry_id"]},
        "extra": record["extra"],
        "revision": {
            "id": revision["id"],
            "date_created": canonical_time(revision["date_created"]),
            "comment": revision["comment"],
        },
        "versions": [
            {
                "id": v["id"],
                "content_type": content_types.get(v["content_type_id"], f"?{v['content_type_id']}"),
                "object_id": v["object_id"],
                "db": v["db"],
                "format": v["format"],
                "serialized_data": v["serialized_data"],
                "object_repr": v["object_repr"],
            }
            for v in sorted(versions, key=lambda v: v["id"])
        ],
    }


def _lock_head(using):
    """Take the chain lock for this transaction and return the head row.

    ``SELECT … FOR UPDATE`` on the single ``ChainHead`` row serialises appends on
    PostgreSQL (a concurrent writer waits until this transaction ends, then reads
    the new head); SQLite's write lock is database-wide already.
    """
    from .models import ChainHead

    manager = ChainHead.objects.using(using)
    head = manager.select_for_update().filter(pk=1).first()
    if head is None:
        manager.get_or_create(pk=1, defaults={"sequence": 0, "seal": GENESIS_SEAL})
        head = manager.select_for_update().get(pk=1)
    return head


def seal_record(record, using=None):
    """Give an unsaved AuditRecord its sequence, previous seal and seal (inside a transaction)."""
    using = using or DEFAULT_DB_ALIAS
    head = _lock_head(using)
    revision = Revision.objects.using(using).values("id", "date_created", "comment").get(pk=record.revision_id)
    versions = list(Version.objects.using(using).filter(revision_id=record.revision_id).values(*VERSION_FIELDS))
    content_types = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in
                     ContentType.objects.using(using).filter(pk__in={v["content_type_id"] for v in versions})}
    if record.version_id is None:
        for v in versions:
            if content_types[v["content_type_id"]] == record.object_model and v["object_id"] == record.object_id:
                record.version_id = v["id"]
    record.sequence = head.sequence + 1
    record.previous_seal = head.seal
    record.at = revision["date_created"]
    values = {name: getattr(record, name) for name in RECORD_FIELDS if name not in ("id", "seal")}
    record.seal = compute_seal(build_payload(values, revision, versions, content_types))
    head.sequence, head.seal, head.at = record.sequence, record.seal, record.at
    head.save(using=using, update_fields=["sequence", "seal", "at"])
    return record


def head_seal(using=None):
    """The current head of the chain: what outsiders pin to detect a later rewrite.

    Returns ``{"count", "sequence", "seal", "at"}`` (``at`` as canonical UTC text, or None).
    """
    from .models import AuditRecord

    last = AuditRecord.objects.using(using or DEFAULT_DB_ALIAS).order_by("-sequence").values(
        "sequence", "seal", "at").first()
    if last is None:
        return {"count": 0, "sequence": 0, "seal": GENESIS_SEAL, "at": None}
    return {"count": last["sequence"], "sequence": last["sequence"], "seal": last["seal"],
            "at": canonical_time(last["at"])}


@dataclass
class VerifyResult:
    ok: bool
    count: int = 0
    head: str = GENESIS_SEAL
    first_bad: int | None = None
    reason: str = ""
    problems: list = field(default_factory=list)

    def __bool__(self):
        return self.ok


def iter_entries(using=None, since=None, until=None, batch_size=2000):
    """Every audit entry in sequence order as (payload, stored seal), streamed in batches.

    ``since`` / ``until`` bound the sequence numbers (inclusive) — used by verify
    and export; versions are fetched per batch by revision id.
    """
    from .models import AuditRecord

    using = using or DEFAULT_DB_ALIAS
    content_types = _ContentTypeLabels(using)
    records = AuditRecord.objects.using(using).order_by("sequence")
    if since is not None:
        records = records.filter(sequence__gte=since)
    if until is not None:
        records = records.filter(sequence__lte=until)
    last = 0
    while True:
        batch = list(records.filter(sequence__gt=last).values(*RECORD_FIELDS)[:batch_size])
        if not batch:
            return
        revision_ids = [r["revision_id"] for r in batch]
        revisions = {r["id"]: r for r in Revision.objects.using(using).filter(pk__in=revision_ids).values(
            "id", "date_created", "comment")}
        versions = {}
        for v in Version.objects.using(using).filter(revision_id__in=revision_ids).values(*VERSION_FIELDS):
            versions.setdefault(v["revision_id"], []).append(v)
        for record in batch:
            revision = revisions.get(record["revision_id"])
            if revision is None:
                yield record, None, None
            else:
                yield record, build_payload(record, revision, versions.get(record["revision_id"], []),
                                            content_types), record["seal"]
        last = batch[-1]["sequence"]


def verify_chain(using=None):
    """Recompute every seal and the links between them.

    Returns a ``VerifyResult``: ok with the count and head seal, or the first
    bad entry (by sequence number) and why.
    """
    from .models import AuditRecord, ChainHead

    using = using or DEFAULT_DB_ALIAS
    expected_sequence, previous = 1, GENESIS_SEAL

    def bad(sequence, reason):
        return VerifyResult(ok=False, count=expected_sequence - 1, head=previous, first_bad=sequence, reason=reason)

    for record, payload, seal in iter_entries(using):
        sequence = record["sequence"]
        if sequence != expected_sequence:
            return bad(expected_sequence, f"entry {expected_sequence} is missing (next present is {sequence})")
        if payload is None:
            return bad(sequence, f"entry {sequence}: its reversion revision {record['revision_id']} is missing")
        if record["previous_seal"] != previous:
            return bad(sequence, f"entry {sequence}: previous seal does not match the seal of entry {sequence - 1}")
        recomputed = compute_seal(payload)
        if recomputed != seal:
            return bad(sequence, f"entry {sequence}: contents do not match its seal (recorded data was altered)")
        previous, expected_sequence = seal, sequence + 1
    count = expected_sequence - 1
    head = ChainHead.objects.using(using).filter(pk=1).values("sequence", "seal").first()
    if head is not None and head["sequence"] > count:
        return bad(count + 1, f"the chain head says {head['sequence']} entries but only {count} remain "
                              f"(entries after {count} were deleted)")
    if head is not None and count and head["seal"] != previous:
        return bad(count, f"entry {count}: the chain head's seal does not match the last entry")
    sealed_revisions = AuditRecord.objects.using(using).values("revision_id")
    unsealed = Revision.objects.using(using).exclude(pk__in=sealed_revisions).order_by("pk").values_list(
        "pk", flat=True).first()
    if unsealed is not None:
        return VerifyResult(ok=False, count=count, head=previous, first_bad=None,
                            reason=f"reversion revision {unsealed} is not sealed into the chain")
    return VerifyResult(ok=True, count=count, head=previous)


def vendor(using=None):
    return connections[using or DEFAULT_DB_ALIAS].vendor
