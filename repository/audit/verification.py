"""Verifying the audit log: one checker over ranges of entries, then the Merkle tree and the checkpoints.

1. **Entries** (``check_range``, in worker processes over ranges of 10,000): each entry's payload is
   built by ``chain.build_payload`` from its rows and serialised by ``canonical.canonical_json`` — the
   same code that sealed it. Its SHA-256 must be the stored seal, its ``previous_seal`` the stored seal
   before it, sequence numbers run without a gap. The range also returns each entry's leaf hash
   (``SHA-256(0x00 ‖ payload)``) and the stored tree's leaf for it. Where the database keeps ``extra``
   as it was written (SQLite: canonical JSON text, ``canonical.CanonicalJSONEncoder``), the stored text
   goes into the payload as it is; only if the seal then differs is it parsed and serialised again
   (the same bytes whenever the text was canonical, so the verdict is that of the parsed value).
2. **Tree** (``verify_log``): the recomputed leaves must be the stored leaves, and the root they give
   the stored tree's root: proofs served from the stored tree then prove the entries as they are.
3. **Checkpoints**: every stored checkpoint and every one given (``audit verify --checkpoint``) must be
   signed by the log's key, and the recomputed root at its size must be the root it signed. A shorter log
   names the first missing entry; a different root names the first entry that differs from the signed
   one — exactly, where the stored leaves still fold to the signed root; else as a range between the
   last checkpoint that matches and the first that does not.

``verify_appended`` checks only what was appended since the latest stored checkpoint, from the
checkpoint's O(log n) stored subtrees on (see docs/AUDIT.md for what each check proves and does not).
"""

import os
from dataclasses import dataclass, field
from hashlib import sha256

from django.db import DEFAULT_DB_ALIAS, connections

from .canonical import GENESIS_SEAL, CanonicalText, canonical_json
from .entries import iter_entries, last_sequence, parse_stored_extra
from .merkle import HASH_SIZE, CompactRange, leaf_hash, position, root_of
from .models import AuditRecord
from .stored_tree import StoredTree

RANGE_SIZE = 10_000
PARALLEL_MIN_ENTRIES = 20_000  # below this, or inside a transaction, one process checks everything


@dataclass
class RangeResult:
    """What one worker found among sequences (lo, hi]."""

    lo: int
    hi: int
    first_previous: str | None = None  # the stored previous_seal of entry lo + 1 (checked by the caller)
    last_seal: str | None = None  # the stored seal of the last entry checked
    leaves: bytes = b""  # recomputed leaf hashes of the entries checked, in order
    stored_leaves: bytes = b""  # the stored tree's leaves for the same entries
    bad: int | None = None
    reason: str = ""
    before_link: bool = False  # the bad entry is missing or has lost its revision (found before its link is)


def _stored_leaves(using, lo, hi):
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT position, hash FROM audit_treenode WHERE position >= %s AND position < %s "
                       "ORDER BY position", [lo, hi])
        rows = cursor.fetchall()
    found = dict(rows)
    return b"".join(bytes.fromhex(found[i]) if i in found else b"\0" * HASH_SIZE for i in range(lo, hi))


def check_range(using, lo, hi):
    """Check the entries with sequence in (lo, hi]; stop at the first bad one."""
    result = RangeResult(lo, hi)
    leaves = bytearray()
    expected, previous = lo + 1, None
    for record, payload, seal in iter_entries(using, lo=lo, hi=hi, stored_extra=True):
        sequence = record["sequence"]
        if sequence != expected:
            result.bad, result.reason = expected, f"entry {expected} is missing (next present is {sequence})"
            result.before_link = True
            break
        if sequence == lo + 1:
            result.first_previous = record["previous_seal"]
        if payload is None:
            result.bad, result.reason = sequence, f"entry {sequence}: its reversion revision {record['revision_id']} is missing"
            result.before_link = True
            break
        if previous is not None and record["previous_seal"] != previous:
            result.bad, result.reason = sequence, (
                f"entry {sequence}: previous seal does not match the seal of entry {sequence - 1}")
            break
        entry = canonical_json(payload)
        matches = sha256(entry).hexdigest() == seal
        if not matches and isinstance(payload["extra"], CanonicalText):
            payload["extra"] = parse_stored_extra(payload["extra"])  # stored text that is not canonical
            entry = canonical_json(payload)
            matches = sha256(entry).hexdigest() == seal
        if not matches:
            result.bad, result.reason = sequence, (
                f"entry {sequence}: contents do not match its seal (recorded data was altered)")
            break
        leaves += leaf_hash(entry)
        previous, expected = seal, sequence + 1
    else:
        if expected <= hi:  # the range ends with missing entries: say which is the next present
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT MIN(sequence) FROM audit_auditrecord WHERE sequence > %s", [hi])
                (following,) = cursor.fetchone()
            result.bad, result.reason = expected, f"entry {expected} is missing (next present is {following})"
            result.before_link = True
    result.last_seal, result.leaves = previous, bytes(leaves)
    result.stored_leaves = _stored_leaves(using, lo, lo + len(leaves) // HASH_SIZE)
    return result


# Connections inherited from the parent at fork: kept referenced and never closed in the child, so that
# closing them cannot end the parent's session (PostgreSQL) or touch its file handle (SQLite).
_inherited = []


def _worker_init():
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _inherited.append(connection.connection)
            connection.connection = None


def _worker_check(arguments):
    return check_range(*arguments)


def can_run_in_parallel(using):
    """Other processes see the same rows only outside a transaction, and not in an in-memory SQLite database."""
    connection = connections[using]
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def default_workers():
    """One per core, or ``AUDIT_VERIFY_WORKERS``."""
    configured = os.environ.get("AUDIT_VERIFY_WORKERS")
    if configured:
        return max(1, int(configured))
    return min(os.cpu_count() or 1, 8)


def check_ranges(using, lo, hi, workers=None, range_size=RANGE_SIZE, parallel_min=PARALLEL_MIN_ENTRIES):
    """``check_range`` over (lo, hi] in ranges, in processes when long enough; results in order, up to the
    first range with a bad entry. Returns (results, workers used)."""
    ranges = [(start, min(start + range_size, hi)) for start in range(lo, hi, range_size)]
    workers = min(default_workers() if workers is None else workers, len(ranges))
    results = []
    if workers <= 1 or hi - lo < parallel_min or not can_run_in_parallel(using):
        for start, end in ranges:
            results.append(check_range(using, start, end))
            if results[-1].bad is not None:
                break
        return results, 1
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
        for result in pool.imap(_worker_check, [(using, start, end) for start, end in ranges]):
            results.append(result)
            if result.bad is not None:
                break  # every range below it is in: the first bad entry is final
    return results, workers


@dataclass
class Finding:
    sequence: int | None
    reason: str


@dataclass
class LogState:
    """What the entries checked give: their leaves, the stored leaves, the last seal, the first bad entry."""

    count: int
    head: str
    leaves: bytes
    stored_leaves: bytes
    problem: Finding | None = None
    checkpoints: list = field(default_factory=list)
    workers: int = 1


def join_ranges(results, seal_before=GENESIS_SEAL):
    """Join range results (in order): the links where ranges meet, the leaves, the first bad entry."""
    previous, leaves, stored = seal_before, [], []
    for result in results:
        early = result.bad == result.lo + 1 and result.before_link
        if result.first_previous is not None and result.first_previous != previous and not early:
            first = result.lo + 1
            return LogState(result.lo, previous, b"".join(leaves), b"".join(stored), Finding(
                first, f"entry {first}: previous seal does not match the seal of entry {first - 1}"))
        leaves.append(result.leaves)
        stored.append(result.stored_leaves)
        if result.bad is not None:
            count = result.bad - 1
            seal = result.last_seal or previous
            return LogState(count, seal, b"".join(leaves), b"".join(stored), Finding(result.bad, result.reason))
        previous = result.last_seal or previous
    count = results[-1].hi if results else 0
    return LogState(count, previous, b"".join(leaves), b"".join(stored))


def _leaf(leaves, index):
    return leaves[index * HASH_SIZE:(index + 1) * HASH_SIZE]


def first_stored_leaf_mismatch(state):
    """The first entry whose recomputed leaf is not the stored one (re-sealed, or the tree altered)."""
    for index in range(len(state.leaves) // HASH_SIZE):
        if _leaf(state.leaves, index) != _leaf(state.stored_leaves, index):
            return index + 1
    return None


def compare_with_checkpoints(state, checkpoints):
    """The first entry that contradicts a signed checkpoint (``ParsedCheckpoint``s), or None.

    Truncation: a checkpoint larger than the log names the first missing entry. A different root names
    the first entry whose leaf differs from the stored leaf, when the stored leaves give the signed root
    (so they are the signed entries); otherwise the range after the largest checkpoint that matches.
    """
    count = len(state.leaves) // HASH_SIZE
    sizes = sorted({c.size for c in checkpoints if c.size <= count})
    roots, tree, wanted = {0: root_of([])}, CompactRange(), iter(sizes)
    target = next(wanted, None)
    for index in range(count):
        if target is None:
            break
        while target == tree.size:
            roots[target] = tree.root()
            target = next(wanted, None)
        tree.append(_leaf(state.leaves, index))
    while target is not None and target == tree.size:
        roots[target] = tree.root()
        target = next(wanted, None)
    matching = sorted(c.size for c in checkpoints if c.size <= count and roots[c.size] == c.root)
    findings = []
    for checkpoint in sorted(checkpoints, key=lambda c: c.size):
        if checkpoint.size > count:
            findings.append(Finding(count + 1, (
                f"entry {count + 1} is missing: a signed checkpoint covers {checkpoint.size} entries but the log "
                f"has {count} (entries {count + 1}–{checkpoint.size} were removed)")))
        elif roots[checkpoint.size] != checkpoint.root:
            stored = state.stored_leaves[:checkpoint.size * HASH_SIZE]
            if root_of(_leaf(stored, i) for i in range(checkpoint.size)) == checkpoint.root:
                first = first_stored_leaf_mismatch(state)
                findings.append(Finding(first, (
                    f"entry {first} differs from the entry the checkpoint of size {checkpoint.size} signed "
                    f"(history rewritten and re-sealed from entry {first} on)")))
            else:
                good = max([size for size in matching if size < checkpoint.size], default=0)
                findings.append(Finding(good + 1, (
                    f"entries {good + 1}–{checkpoint.size} are not the entries the checkpoint of size "
                    f"{checkpoint.size} signed (history rewritten; the stored tree was rebuilt too, so the first "
                    f"differing entry is known only to lie in this range)")))
    return min(findings, key=lambda f: f.sequence) if findings else None


def first_altered_subtree(using, state):
    """(level, index) of the first stored internal node that is not the tree of the recomputed leaves."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT position, hash FROM audit_treenode WHERE position >= %s", [position(1, 0)])
        stored = dict(cursor.fetchall())
    tree, expected = CompactRange(), 0
    for index in range(len(state.leaves) // HASH_SIZE):
        for level, node, digest in tree.append(_leaf(state.leaves, index)):
            expected += 1
            if stored.get(position(level, node)) != digest.hex():
                return level, node
    if len(stored) != expected:
        return "count", len(stored)
    return None


def verify_log(using=None, workers=None, checkpoints=(), **ranges):
    """Check every entry, the stored tree, and the checkpoints (``ParsedCheckpoint``s, already signature-checked).

    Returns a ``LogState`` whose ``problem`` is the first bad entry, if any, and ``workers`` used.
    ``ranges``: ``range_size`` and ``parallel_min`` for ``check_ranges``.
    """
    using = using or DEFAULT_DB_ALIAS
    last = last_sequence(using)
    results, used = check_ranges(using, 0, last, workers, **ranges)
    state = join_ranges(results)
    state.checkpoints, state.workers = list(checkpoints), used
    findings = [state.problem] if state.problem else []
    found = compare_with_checkpoints(state, checkpoints)
    if found:
        findings.append(found)  # before the tree's own finding: at the same entry, it says more
    mismatch = first_stored_leaf_mismatch(state)
    if mismatch is not None:
        findings.append(Finding(mismatch, (
            f"entry {mismatch}: its leaf in the Merkle tree does not match its contents (re-sealed after it was "
            "appended, or the tree altered)")))
    if not findings:
        altered = first_altered_subtree(using, state)
        if altered is not None:
            findings.append(Finding(None, f"the stored Merkle tree's subtree {altered} is not the hash of the "
                                          "entries below it (a stored subtree was altered or removed)"))
    if findings:
        state.problem = min(findings, key=lambda f: (f.sequence is None, f.sequence or 0))
    return state


def verify_appended(checkpoint, using=None, workers=None):
    """Check the entries after a verified checkpoint's size: their seals and links, that the stored tree's
    subtrees at the checkpoint's size give its signed root, and that the tree now extends it.

    Returns (entries checked, Finding or None).
    """
    using = using or DEFAULT_DB_ALIAS
    tree = StoredTree(using)
    size = checkpoint.size
    try:
        compact = tree.compact_range(size)
    except KeyError:
        return 0, Finding(size, f"the stored tree lacks subtrees of the checkpoint of size {size}")
    if compact.root() != checkpoint.root:
        return 0, Finding(None, f"the stored tree at size {size} does not give the root the checkpoint signed")
    seal_before = GENESIS_SEAL
    if size:
        seal_before = AuditRecord.objects.using(using).filter(sequence=size).values_list("seal", flat=True).first()
        if seal_before is None:
            return 0, Finding(size, f"entry {size} is missing: the checkpoint covers it")
    last = last_sequence(using)
    if last < size:
        return 0, Finding(last + 1, f"entry {last + 1} is missing: the checkpoint covers {size} entries")
    results, _ = check_ranges(using, size, last, workers)
    state = join_ranges(results, seal_before)
    if state.problem:
        return state.count - size, state.problem
    mismatch = first_stored_leaf_mismatch(state)
    if mismatch is not None:
        return state.count - size, Finding(size + mismatch, (
            f"entry {size + mismatch}: its leaf in the Merkle tree does not match its contents"))
    for index in range(state.count - size):
        compact.append(_leaf(state.leaves, index))
    if last and compact.root() != tree.root(last):
        return state.count - size, Finding(None, "the stored tree's root is not the root of the checked entries")
    return state.count - size, None
