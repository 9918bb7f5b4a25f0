"""Verifying the chain fast: ranges checked independently, in parallel processes.

Each entry stores its own ``previous_seal`` and ``seal``, so any range of
sequence numbers can be checked on its own: recompute each seal from the
entry's payload, and check that each entry's ``previous_seal`` is the stored
seal of the entry before it. Inside a range that is done by the range's worker;
where two ranges meet, by ``combine`` (the first entry of a range against the
last stored seal of the range before it). The first bad entry reported is the
lowest bad sequence number overall, with the reason the sequential order of
checks gives (missing, revision lost, previous seal, contents).

Two ways of checking a batch of entries:

* **fast** (``FastReader.render``): the database renders what it can exactly
  (numbers and null as JSON text, times in canonical form, each guarded by its
  type so that anything unexpected comes out NULL), and Python renders each
  payload's canonical JSON column-wise with C-level ``map`` calls over one
  template with the keys in sorted order, then hashes. ``extra`` is stored as
  canonical JSON text (``canonical.CanonicalJSONEncoder``); where the database
  keeps that text (SQLite) and it is one well-formed JSON value, it goes into the
  payload as stored, else (older records, PostgreSQL's jsonb) it is parsed and
  re-serialised. The batch passes only if every sequence number, link and
  recomputed seal is as expected;
* **exact** (``check_exact``): entry by entry, the payload built as a dict by
  ``chain.build_payload`` and serialised by ``canonical.canonical_json`` — the
  reference. Any batch the fast way does not pass is checked this way, which
  finds the first bad entry and says why.

The fast rendering is byte-identical to the reference for every value the
application writes (``tests/audit/test_verify_parallel.py`` checks it entry by
entry on a real history), and where a stored value has a form the reference
would render differently the fast rendering cannot produce the sealed bytes,
so the batch goes to the exact check: the fast way never passes an entry the
reference would fail.
"""

import gc
import json
import os
from binascii import hexlify
from dataclasses import dataclass
from hashlib import sha256
from itertools import repeat
from json.encoder import encode_basestring
from operator import itemgetter, methodcaller

from django.db import DEFAULT_DB_ALIAS, connections

from .canonical import (
    GENESIS_SEAL,
    PAYLOAD_VERSION,
    CanonicalJSONEncoder,
    canonical_json,
    canonical_time_from_sqlite,
)
from .chain import _RECORD_SQL, _version_sql, build_payload, content_type_labels

# Below this many entries, or inside a transaction, one process verifies everything.
PARALLEL_MIN_ENTRIES = 20_000
RANGE_SIZE = 10_000
BATCH_SIZE = 5_000
SQLITE_MMAP_BYTES = 1 << 34  # address space only: SQLite maps no more than the file

_canonical_extra = CanonicalJSONEncoder().encode
_hexdigest = methodcaller("hexdigest")
_digest = methodcaller("digest")
_utf8 = methodcaller("encode", "utf-8")

# Order of the checks on one entry, as the sequential verifier makes them.
MISSING, REVISION, LINK, CONTENTS = 0, 1, 2, 3

# One payload's canonical JSON (keys sorted at every level); see chain.build_payload.
PAYLOAD_TEMPLATE = (
    '{"action":%s,"agency":{"code":%s,"id":%s},"at":%s,"extra":%s,"item_codes":[%s],"live":%s,'
    '"log":{"id":%s,"model":%s},"object":{"id":%s,"model":%s,"repr":%s},"page_id":%s,"previous_seal":"%s",'
    '"revision":{"comment":%s,"date_created":%s,"id":%s},"sequence":%d,"user":{"id":%s,"name":%s},'
    f'"v":{PAYLOAD_VERSION:d},'
    '"version_id":%s,"versions":[%s]}'
)
# printf-style: faster than str.format over many arguments. The digest is hex, so it is quoted here; the
# id is an INTEGER PRIMARY KEY (only ever an integer, so "%d" cannot round a stored real).
VERSION_TEMPLATE = '{"content_type":%s,"data_sha256":"%s","db":%s,"format":%s,"id":%d,"object_id":%s,"object_repr":%s}'
# The same in UTF-8, for rows read as bytes (SQLite): no decoding on the way in, no encoding before hashing.
PAYLOAD_TEMPLATE_BYTES = PAYLOAD_TEMPLATE.encode()
VERSION_TEMPLATE_BYTES = VERSION_TEMPLATE.encode()


# SQLite: exact renderings, or NULL for any value of another type or form (which sends the batch to the exact check).
_SQLITE_INT = "CASE typeof({0}) WHEN 'integer' THEN CAST({0} AS TEXT) WHEN 'null' THEN 'null' END"
# As Django's SQLite converter for "bool" columns reads a value (its text is b"1" or it is false).
_SQLITE_BOOL = "CASE WHEN {0} IS NULL THEN 'null' WHEN CAST({0} AS TEXT) = '1' THEN 'true' ELSE 'false' END"
_DIGITS = "[0-9]"
_SQLITE_STAMP = (f"{_DIGITS * 4}-{_DIGITS * 2}-{_DIGITS * 2} {_DIGITS * 2}:{_DIGITS * 2}:{_DIGITS * 2}")
# As canonical.canonical_time_from_sqlite renders Django's stored UTC text.
# Times come out as JSON strings, quotes included (their characters need no escaping).
_SQLITE_TIME = (f"CASE WHEN {{0}} GLOB '{_SQLITE_STAMP}.{_DIGITS * 6}' THEN "
                f"'\"' || substr({{0}}, 1, 10) || 'T' || substr({{0}}, 12) || 'Z\"' "
                f"WHEN {{0}} GLOB '{_SQLITE_STAMP}' THEN "
                f"'\"' || substr({{0}}, 1, 10) || 'T' || substr({{0}}, 12) || '.000000Z\"' "
                "END")
_PG_INT = "COALESCE(({0})::text, 'null')"
_PG_BOOL = "CASE WHEN {0} IS NULL THEN 'null' WHEN {0} THEN 'true' ELSE 'false' END"
_PG_TIME = "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_PG_QUOTED_TIME = "'\"' || " + _PG_TIME + " || '\"'"

_FAST_RECORD_SQL = (
    "SELECT r.sequence, r.previous_seal, r.seal, v.id, r.revision_id, "
    "r.action, r.agency_code, {agency_id}, {at}, {extra}, r.item_codes, {live}, {log_entry_id}, r.log_model, "
    "r.object_id, r.object_model, r.object_repr, {page_id}, v.comment, {date_created}, {revision_id}, "
    "{user_id}, r.user_name, {version_id} "
    "FROM audit_auditrecord r LEFT JOIN reversion_revision v ON v.id = r.revision_id "
    "WHERE r.sequence > %s AND r.sequence <= %s ORDER BY r.sequence"
)


# SQLite keeps ``extra`` as the text written; only one well-formed JSON value may go into a payload as it is.
_SQLITE_EXTRA = "CASE WHEN json_valid(r.extra) THEN r.extra END"


def _fast_record_sql(vendor):
    if vendor == "sqlite":
        number, boolean, moment, extra = _SQLITE_INT, _SQLITE_BOOL, _SQLITE_TIME, _SQLITE_EXTRA
    else:
        number, boolean, moment, extra = _PG_INT, _PG_BOOL, _PG_QUOTED_TIME, "r.extra"
    return _FAST_RECORD_SQL.format(
        extra=extra,
        agency_id=number.format("r.agency_id"), at=moment.format("r.at"), live=boolean.format("r.live"),
        log_entry_id=number.format("r.log_entry_id"), page_id=number.format("r.page_id"),
        date_created=moment.format("v.date_created"), revision_id=number.format("r.revision_id"),
        user_id=number.format("r.user_id_snapshot"), version_id=number.format("r.version_id"),
    )


def _columns(rows):
    """column(i) → an iterator over the i-th value of every row (no intermediate tuples)."""
    return lambda index: map(itemgetter(index), rows)


class _Memo(dict):
    """A value → its rendering, computed once: for columns whose values repeat (labels, action, models,
    agency code, user name, a version's ``db`` and ``format``; in bytes, every string), ``extra`` and
    item codes."""

    def __init__(self, render, items=()):
        super().__init__(items)
        self.render = render

    def __missing__(self, key):
        value = self[key] = self.render(key)
        return value


def _quote_bytes(value):
    return encode_basestring(value.decode("utf-8")).encode("utf-8")


def _item_codes(value):
    """Stored item codes (" O4 O22 ") → the inside of their JSON list."""
    return ",".join(map(encode_basestring, value.split()))


def _extra(value):
    """Stored ``extra`` (JSON text) → its canonical JSON."""
    return _canonical_extra(json.loads(value))


@dataclass
class RangeResult:
    """What a worker found in sequences (lo, hi]."""

    lo: int
    hi: int
    first_sequence: int | None = None  # the first entry present in the range
    first_previous: str | None = None  # its stored previous_seal (checked against the range before)
    last_seal: str | None = None  # the stored seal of the last entry checked
    bad: int | None = None  # the first bad sequence in the range, if any
    kind: int | None = None
    reason: str = ""
    seal_before_bad: str | None = None  # the stored seal of the entry before ``bad`` (None: the range before's)
    exact_batches: int = 0  # batches the fast way did not pass (checked entry by entry)


class FastReader:
    """Reads and renders batches of entries over one connection."""

    def __init__(self, using):
        self.using = using
        self.connection = connections[using]
        self.connection.ensure_connection()
        self.vendor = self.connection.vendor
        self.labels = content_type_labels(using)
        self.record_sql = _fast_record_sql(self.vendor)
        # Ordered so that each revision's versions are adjacent and in id order (free on the revision_id index).
        self.version_sql = _version_sql(self.vendor, with_data=False) + " ORDER BY revision_id, id"
        # SQLite hands text over as the stored UTF-8 bytes when asked: payloads are rendered and hashed as
        # bytes. psycopg decodes: payloads are str, encoded to hash.
        self.as_bytes = self.vendor == "sqlite"
        if self.as_bytes:
            self.payload_template, self.version_template, self.comma = (
                PAYLOAD_TEMPLATE_BYTES, VERSION_TEMPLATE_BYTES, b",")
            self.quoted = _Memo(_quote_bytes)
            self.quote = self.quoted.__getitem__  # for strings with many values too: decoding is the cost
            self.extras = _Memo(lambda value: _extra(value).encode("utf-8"))
            self.item_codes = _Memo(lambda value: _item_codes(value.decode("utf-8")).encode("utf-8"))
            encode = _utf8
        else:
            self.payload_template, self.version_template, self.comma = PAYLOAD_TEMPLATE, VERSION_TEMPLATE, ","
            self.quoted = _Memo(encode_basestring)
            self.quote = encode_basestring
            self.extras = _Memo(_extra)
            self.item_codes = _Memo(_item_codes)
            encode = str
        # content type id → its label as a JSON string (``?<id>`` for an unknown one, as build_payload writes).
        self.quoted_labels = _Memo(lambda pk: encode(encode_basestring(f"?{pk}")),
                                   {pk: encode(encode_basestring(label)) for pk, label in self.labels.items()})
        # How to render ``extra`` first: as stored (SQLite, records written as canonical text), or parsed and
        # re-serialised (older records; PostgreSQL's jsonb). Each batch starts with the way the last one passed.
        self.extra_modes = [True, False] if self.vendor == "sqlite" else [False]
        if self.vendor == "sqlite" and not self.connection.is_in_memory_db():
            # Read pages straight from the OS page cache instead of copying each into SQLite's own.
            with self.connection.cursor() as cursor:
                cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")

    def fetch(self, lo, hi):
        raw = self.connection.connection if self.as_bytes else None
        if raw is not None:
            raw.text_factory = bytes
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(self.record_sql, [lo, hi])
                rows = cursor.fetchall()
                cursor.execute(self.version_sql, [lo, hi])
                version_rows = cursor.fetchall()
        finally:
            if raw is not None:
                raw.text_factory = str
        return rows, version_rows

    def _versions(self, version_rows):
        """Each revision's versions as the inside of the payload's JSON list: {revision_id: text}."""
        if not version_rows:
            return [], {}, {}
        column = _columns(version_rows)
        revisions = [row[1] for row in version_rows]
        if self.vendor == "postgresql":
            digests = column(7)  # hashed by PostgreSQL
        else:
            digests = map(hexlify, map(_digest, map(sha256, column(7))))
        s, quoted = self.quote, self.quoted.__getitem__
        fragments = list(map(self.version_template.__mod__, zip(
            map(self.quoted_labels.__getitem__, column(2)), digests, map(quoted, column(4)), map(quoted, column(5)),
            column(0), map(s, column(3)), map(s, column(6)), strict=True)))
        # First and one-past-last index of each revision's run.
        first = dict(zip(reversed(revisions), range(len(revisions) - 1, -1, -1), strict=True))
        end = dict(zip(revisions, range(1, len(revisions) + 1), strict=True))
        return fragments, first, end

    def render(self, rows, version_rows, stored_extras=False):
        """The canonical JSON payload of every row, in order: UTF-8 bytes (SQLite) or str (PostgreSQL).

        Numbers, null and booleans arrive from SQL as JSON text (or NULL for an unexpected value, which
        renders as ``None`` and cannot match a seal); strings and times are quoted here. ``extra`` is
        parsed and re-serialised, or with ``stored_extras`` (SQLite) put in as stored: SQL has checked it
        is one well-formed JSON value, so if the payload then hashes to the seal, that value is what was
        sealed, and the reference (which parses it) agrees.
        """
        if not rows:
            return []
        column = _columns(rows)
        fragments, first, end = self._versions(version_rows)
        versions = map(self.comma.join, map(fragments.__getitem__, map(slice, map(first.get, column(4), repeat(0)),
                                                                        map(end.get, column(4), repeat(0)))))
        s = self.quote
        extras = column(9)
        if self.vendor == "postgresql":  # the driver may hand jsonb over decoded
            extras = [value if isinstance(value, str) else json.dumps(value) for value in extras]
        extras = extras if stored_extras else map(self.extras.__getitem__, extras)
        # Columns 7, 11, 12, 17, 20, 21, 23 are numbers, null or booleans and 8, 19 times, already rendered
        # by SQL. The previous seal (1) goes in unescaped between the template's quotes: a batch passes only
        # if it equals the stored seal before it, itself a checked hex digest (or the genesis seal).
        quoted = self.quoted.__getitem__
        return list(map(self.payload_template.__mod__, zip(
            map(quoted, column(5)), map(quoted, column(6)), column(7), column(8),
            extras, map(self.item_codes.__getitem__, column(10)), column(11),
            column(12), map(quoted, column(13)), map(s, column(14)), map(quoted, column(15)), map(s, column(16)),
            column(17), column(1), map(s, column(18)), column(19), column(20), column(0),
            column(21), map(quoted, column(22)), column(23), versions, strict=True,
        )))

    def check_fast(self, lo, hi, previous):
        """Whether every entry in (lo, hi] is present, linked (to ``previous`` too, if known) and sealed right.

        Returns (ok, first entry's previous seal, last entry's seal), the seals as str.
        """
        rows, version_rows = self.fetch(lo, hi)
        if len(rows) != hi - lo or not rows:
            return False, None, None
        previous_seals = [row[1] for row in rows]
        seals = [row[2] for row in rows]
        if self.as_bytes and previous is not None:
            previous = previous.encode()
        if not (
            [row[0] for row in rows] == list(range(lo + 1, hi + 1))
            and None not in (row[3] for row in rows)
            and previous_seals[1:] == seals[:-1]
            and (previous is None or previous_seals[0] == previous)
        ):
            return False, None, None
        for stored_extras in self.extra_modes:
            try:
                texts = self.render(rows, version_rows, stored_extras)
            except (TypeError, ValueError, AttributeError, KeyError):
                continue
            if self.as_bytes:
                digests = list(map(hexlify, map(_digest, map(sha256, texts))))
            else:
                digests = list(map(_hexdigest, map(sha256, map(_utf8, texts))))
            if digests == seals:
                if stored_extras != self.extra_modes[0]:
                    self.extra_modes.reverse()
                first, last = previous_seals[0], seals[-1]
                if self.as_bytes:
                    first, last = first.decode(), last.decode()
                return True, first, last
        return False, None, None


class ExactChecker:
    """The reference check, entry by entry: ``build_payload`` and ``canonical_json`` over plain values."""

    def __init__(self, using):
        self.connection = connections[using]
        self.vendor = self.connection.vendor
        self.labels = content_type_labels(using)
        if self.vendor == "sqlite":
            self.record_sql = _RECORD_SQL.format(at="CAST(r.at AS TEXT)", date_created="CAST(v.date_created AS TEXT)")
        else:
            self.record_sql = _RECORD_SQL.format(at=_PG_TIME.format("r.at"), date_created=_PG_TIME.format("v.date_created"))
        self.version_sql = _version_sql(self.vendor, with_data=False)

    def versions(self, lo, hi):
        with self.connection.cursor() as cursor:
            cursor.execute(self.version_sql, [lo, hi])
            version_rows = cursor.fetchall()
        versions = {}
        for vid, revision_id, ct, object_id, db, fmt, object_repr, data in version_rows:
            if self.vendor == "postgresql":
                digest = data
            else:
                digest = sha256(b"" if data is None else data if isinstance(data, bytes) else data.encode()).hexdigest()
            versions.setdefault(revision_id, []).append({
                "id": vid, "content_type_id": ct, "object_id": object_id, "db": db, "format": fmt,
                "object_repr": object_repr, "data_sha256": digest,
            })
        return versions

    def seal(self, row, versions):
        names = ("sequence", "revision_id", "at", "action", "object_model", "object_id", "object_repr", "page_id",
                 "live", "version_id", "agency_id", "agency_code", "item_codes", "user_id_snapshot", "user_name",
                 "log_model", "log_entry_id", "extra", "previous_seal", "seal", "date_created", "comment")
        record = dict(zip(names, row[:22], strict=True))
        if self.vendor == "sqlite":
            record["at"] = canonical_time_from_sqlite(record["at"])
            record["date_created"] = canonical_time_from_sqlite(record["date_created"])
            record["live"] = None if record["live"] is None else bool(record["live"])
        if isinstance(record["extra"], str):
            try:
                record["extra"] = json.loads(record["extra"])
            except ValueError:  # SQLite keeps any text: this cannot be what was sealed
                return None
        revision = {"id": record["revision_id"], "date_created": record["date_created"], "comment": record["comment"]}
        payload = build_payload(record, revision, versions.get(record["revision_id"], []), self.labels)
        return sha256(canonical_json(payload)).hexdigest()

    def check(self, lo, hi, result, previous):
        """Check (lo, hi] entry by entry into ``result``; return the last stored seal, or None if a bad one was found."""
        with self.connection.cursor() as cursor:
            cursor.execute(self.record_sql, [lo, hi])
            rows = cursor.fetchall()
        versions = self.versions(lo, hi)
        expected = lo + 1

        def bad(sequence, kind, reason):
            result.bad, result.kind, result.reason, result.seal_before_bad = sequence, kind, reason, previous

        for row in rows:
            sequence = row[0]
            if result.first_sequence is None:
                result.first_sequence, result.first_previous = sequence, row[18]
            if sequence != expected:
                return bad(expected, MISSING, f"entry {expected} is missing (next present is {sequence})")
            if row[22] is None:
                return bad(sequence, REVISION, f"entry {sequence}: its reversion revision {row[1]} is missing")
            if previous is not None and row[18] != previous:
                return bad(sequence, LINK,
                           f"entry {sequence}: previous seal does not match the seal of entry {sequence - 1}")
            if self.seal(row, versions) != row[19]:
                return bad(sequence, CONTENTS,
                           f"entry {sequence}: contents do not match its seal (recorded data was altered)")
            previous, expected = row[19], sequence + 1
        if expected <= hi:  # the batch ends with missing entries: the next present one is found later
            return bad(expected, MISSING, "")
        return previous


def check_range(using, lo, hi, batch_size=BATCH_SIZE):
    """Check entries with sequence in (lo, hi]; return a ``RangeResult``.

    The cyclic garbage collector is paused meanwhile: checking makes no reference cycles, but its
    row tuples would set off collections that walk the whole heap (costly in a large process).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_range(using, lo, hi, batch_size)
    finally:
        if collecting:
            gc.enable()


def _check_range(using, lo, hi, batch_size):
    fast = FastReader(using)
    exact = None
    result = RangeResult(lo=lo, hi=hi)
    previous = None  # the stored seal of the entry before the batch, once known
    start = lo
    while start < hi:
        end = min(start + batch_size, hi)
        ok, first_previous, last_seal = fast.check_fast(start, end, previous)
        if ok:
            if result.first_sequence is None:
                result.first_sequence, result.first_previous = start + 1, first_previous
            previous = last_seal
        else:
            result.exact_batches += 1
            exact = exact or ExactChecker(using)
            previous = exact.check(start, end, result, previous)
            if previous is None:
                return result
        for memo in (fast.extras, fast.quoted):
            if len(memo) > 20_000:
                memo.clear()
        start = end
    result.last_seal = previous
    return result


def combine(results, next_present_after):
    """Join range results (in order) into (ok, count, head seal, first bad, reason).

    ``next_present_after(sequence)`` gives the lowest present sequence above one
    (for a gap that runs to the end of a range).
    """
    previous = GENESIS_SEAL
    for result in results:
        first = result.first_sequence
        # The link into a range is checked after a gap or a lost revision at its first entry, before its contents.
        early_problem_at_first = result.bad == result.lo + 1 and result.kind in (MISSING, REVISION)
        if first == result.lo + 1 and not early_problem_at_first and result.first_previous != previous:
            return (False, result.lo, previous, first,
                    f"entry {first}: previous seal does not match the seal of entry {first - 1}")
        if result.bad is not None:
            reason = result.reason
            if result.kind == MISSING and not reason:
                reason = f"entry {result.bad} is missing (next present is {next_present_after(result.bad)})"
            seal_before = result.seal_before_bad if result.seal_before_bad is not None else previous
            return False, result.bad - 1, seal_before, result.bad, reason
        previous = result.last_seal if result.last_seal is not None else previous
    count = results[-1].hi if results else 0
    return True, count, previous, None, ""


def _ranges(last_sequence, range_size):
    return [(lo, min(lo + range_size, last_sequence)) for lo in range(0, last_sequence, range_size)]


# Connections inherited from the parent at fork: kept referenced and never closed in the child, so that
# closing them cannot end the parent's session (PostgreSQL) or touch its file handle (SQLite).
_inherited = []


def _worker_init():
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _inherited.append(connection.connection)
            connection.connection = None


def _worker_check(arguments):
    using, lo, hi = arguments
    return check_range(using, lo, hi)


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


@dataclass
class RangesOutcome:
    ok: bool
    count: int
    head: str
    first_bad: int | None
    reason: str
    workers: int
    exact_batches: int


def verify_ranges(using=None, workers=None, range_size=RANGE_SIZE, parallel_min=PARALLEL_MIN_ENTRIES):
    """Check every entry by ranges, in ``workers`` processes when it is long enough and allowed."""
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(sequence) FROM audit_auditrecord")
        (last_sequence,) = cursor.fetchone()
    last_sequence = last_sequence or 0

    def next_present_after(sequence):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT MIN(sequence) FROM audit_auditrecord WHERE sequence > %s", [sequence])
            return cursor.fetchone()[0]

    ranges = _ranges(last_sequence, range_size)
    workers = min(default_workers() if workers is None else workers, len(ranges))
    results = []
    if workers <= 1 or last_sequence < parallel_min or not can_run_in_parallel(using):
        workers = 1
        for lo, hi in ranges:
            results.append(check_range(using, lo, hi))
            if results[-1].bad is not None:
                break
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
            for result in pool.imap(_worker_check, [(using, lo, hi) for lo, hi in ranges]):
                results.append(result)
                if result.bad is not None:
                    break  # every range below it is in: the first bad entry is final
    ok, count, head, first_bad, reason = combine(results, next_present_after)
    return RangesOutcome(ok, count, head, first_bad, reason, workers, sum(r.exact_batches for r in results))
