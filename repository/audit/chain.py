"""The hash chain: sealing an appended record, the head seal, verifying the chain.

A record's payload is built by ``entries.build_payload`` from plain values, the same for sealing here as
for verifying and exporting; the serialisation itself is ``canonical.py``.
"""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, transaction
from reversion.models import Revision, Version

from .canonical import GENESIS_SEAL, canonical_json, canonical_time, data_digest
from .checkpoints import CheckpointError, VerifierKey, log_verifier, verify_checkpoint, verify_cosignature
from .entries import (  # noqa: F401  (build_payload, VERSION_FIELDS, iter_entries: read from here by callers)
    RECORD_FIELDS,
    VERSION_FIELDS,
    build_payload,
    iter_entries,
)
from .head import lock_head
from .merkle import leaf_hash, new_nodes, position
from .models import AuditRecord, ChainHead, Checkpoint, Cosignature, TreeNode
from .stored_tree import StoredTree
from .verification import verify_log

# (alias, [unsaved AuditRecord]) while a sealing_in_bulk block is open.
_pending = ContextVar("audit_pending_records", default=None)


def seal_record(record, using=None):
    """Give an unsaved AuditRecord its sequence, previous seal and seal (inside a transaction)."""
    return seal_records([record], using)[0]


def seal_records(records, using=None):
    """Seal unsaved AuditRecords in the order given, as ``seal_record`` would one after another (inside a
    transaction): the chain head locked once, their revisions and versions read in one query each,
    their Merkle leaves and the subtrees they close stored in one insert, the head saved once."""
    using = using or DEFAULT_DB_ALIAS
    head = lock_head(using)
    ids = [record.revision_id for record in records]
    revisions = {row["id"]: row for row in
                 Revision.objects.using(using).filter(pk__in=ids).values("id", "date_created", "comment")}
    if len(revisions) != len(set(ids)):
        raise Revision.DoesNotExist(f"no revision {min(set(ids) - revisions.keys())} to seal")
    versions_of = {pk: [] for pk in ids}
    for v in Version.objects.using(using).filter(revision_id__in=ids).values(*VERSION_FIELDS, "serialized_data"):
        v["data_sha256"] = data_digest(v.pop("serialized_data"))
        versions_of[v["revision_id"]].append(v)
    # Django's content type cache: no query per seal after the first of each type.
    content_types = {pk: "{0.app_label}.{0.model}".format(ContentType.objects.db_manager(using).get_for_id(pk))
                     for pk in {v["content_type_id"] for versions in versions_of.values() for v in versions}}
    stored, added = StoredTree(using), {}

    def hashes_of(keys):  # the subtrees this call closed so far, else the stored ones
        found = {key: added[key] for key in keys if key in added}
        rest = [key for key in keys if key not in found]
        return {**found, **(stored.hashes(rest) if rest else {})}

    for record in records:
        revision, versions = revisions[record.revision_id], versions_of[record.revision_id]
        if record.version_id is None:
            for v in versions:
                if content_types[v["content_type_id"]] == record.object_model and v["object_id"] == record.object_id:
                    record.version_id = v["id"]
        record.sequence = head.sequence + 1
        record.previous_seal = head.seal
        record.at = revision["date_created"]
        record.extra = json.loads(json.dumps(record.extra))
        values = {name: getattr(record, name) for name in RECORD_FIELDS if name not in ("id", "seal")}
        entry = canonical_json(build_payload(values, revision, versions, content_types))
        record.seal = hashlib.sha256(entry).hexdigest()
        for level, i, digest in new_nodes(record.sequence - 1, leaf_hash(entry), hashes_of):
            added[(level, i)] = digest
        head.sequence, head.seal, head.at = record.sequence, record.seal, record.at
    TreeNode.objects.using(using).bulk_create(
        [TreeNode(position=position(level, i), hash=digest.hex()) for (level, i), digest in added.items()])
    head.save(using=using, update_fields=["sequence", "seal", "at"])
    return records


@contextmanager
def sealing_in_bulk(using=None):
    """A transaction (a batch of an import) whose audit records are sealed together when it ends, in the
    order they were made, by ``seal_records``, and inserted in one statement.

    Nothing in the block may read the audit trail it is writing (``record_action`` seals what is
    pending before it reads its record back). Nested, the outermost block seals. If the block raises,
    nothing is sealed: the transaction around it rolls back the revisions too.
    """
    using = using or DEFAULT_DB_ALIAS
    if _pending.get() is not None:
        yield
        return
    token = _pending.set((using, []))
    try:
        # A transaction of its own (a savepoint inside the caller's): no revision of the block can be
        # committed while its record still waits.
        with transaction.atomic(using=using):
            yield
            seal_pending()
    finally:
        _pending.reset(token)


def defer_sealing(record, using):
    """Keep ``record`` for the enclosing ``sealing_in_bulk`` block; False when there is none (for ``using``)."""
    pending = _pending.get()
    if pending is None or pending[0] != (using or DEFAULT_DB_ALIAS):
        return False
    pending[1].append(record)
    return True


def seal_pending():
    """Seal and insert the records the enclosing ``sealing_in_bulk`` block holds so far."""
    pending = _pending.get()
    if pending is None or not pending[1]:
        return
    using, records = pending  # inside the block's own transaction (sealing_in_bulk)
    AuditRecord.objects.using(using).bulk_create(seal_records(records, using))
    records.clear()


def head_seal(using=None):
    """The current head of the chain: what outsiders pin to detect a later rewrite.

    Returns ``{"count", "sequence", "seal", "at"}`` (``at`` as canonical UTC text, or None).
    """
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
    checkpoints: int = 0  # signed checkpoints the log was checked against

    def __bool__(self):
        return self.ok


def check_cosignatures(using):
    """The first stored cosignature by a configured witness (``AUDIT_WITNESS_KEYS``) that does not verify."""
    try:
        witnesses = {key.name: key for key in map(VerifierKey.parse, settings.AUDIT_LOG.get("WITNESS_KEYS") or [])}
    except CheckpointError as error:
        return f"AUDIT_WITNESS_KEYS: {error}"
    for cosignature in Cosignature.objects.using(using).select_related("checkpoint").order_by("id"):
        witness = witnesses.get(cosignature.witness)
        if witness is None:
            continue
        try:
            verify_cosignature(cosignature.checkpoint.note, cosignature.line, witness)
        except CheckpointError as error:
            return f"the cosignature by {witness.name} of the checkpoint of size {cosignature.checkpoint.size}: {error}"
    return None


def verify_chain(using=None, workers=None, checkpoints=()):
    """Recompute every seal, the links between them, the Merkle tree, and compare with signed checkpoints.

    ``checkpoints``: signed notes (text) given by the caller, e.g. saved by an auditor, checked besides
    every stored checkpoint. Returns a ``VerifyResult``: ok with the count and head seal, or the first
    bad entry (by sequence number) and why. See ``verification.py``.
    """
    using = using or DEFAULT_DB_ALIAS
    stored = list(Checkpoint.objects.using(using).order_by("size", "id").values_list("id", "note"))
    parsed = []
    if stored or checkpoints:
        try:
            key = log_verifier()
        except CheckpointError as error:  # no key configured, or a malformed one
            return VerifyResult(ok=False, reason=f"cannot check checkpoints: {error}")
        for label, note in [(f"stored checkpoint {pk}", note) for pk, note in stored] + [
                (f"given checkpoint {n}", note) for n, note in enumerate(checkpoints, start=1)]:
            try:
                parsed.append(verify_checkpoint(note, key))
            except CheckpointError as error:
                return VerifyResult(ok=False, reason=f"{label} does not verify: {error}")
        problem = check_cosignatures(using)
        if problem:
            return VerifyResult(ok=False, reason=problem)
    state = verify_log(using, workers=workers, checkpoints=parsed)
    count, previous = state.count, state.head
    if state.problem:
        return VerifyResult(ok=False, count=count, head=previous, first_bad=state.problem.sequence,
                            reason=state.problem.reason)

    def bad(sequence, reason):
        return VerifyResult(ok=False, count=count, head=previous, first_bad=sequence, reason=reason)

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
    return VerifyResult(ok=True, count=count, head=previous, checkpoints=len(parsed))
