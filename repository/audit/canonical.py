"""The canonical serialisation every seal is computed over.

This module is the specification the standalone verifier
(``tools/verify_audit_archive.py``) repeats with the standard library alone;
``tests/audit/test_tamper.py`` checks that the two agree
(``test_standalone_verifier_uses_the_same_canonicalisation``). Change both or
neither.

* A seal is ``sha256(canonical_json(payload)).hexdigest()``.
* ``canonical_json``: JSON with keys sorted, no insignificant whitespace
  (separators ``,`` and ``:``), non-ASCII written as UTF-8 (not ``\\u`` escapes),
  encoded to UTF-8 bytes. Values are only strings, integers, booleans, null,
  lists and objects (no floats).
* Times are ISO 8601 in UTC with microseconds and a ``Z``:
  ``2025-03-01T02:00:00.000000Z``.
* The payload of entry *n* holds ``previous_seal``: the seal of entry *n-1*,
  or ``GENESIS_SEAL`` for the first entry.
* Each version in a payload carries ``data_sha256``: the SHA-256 (hex) of its
  ``serialized_data`` encoded as UTF-8, rather than the data itself, so that
  sealing and verifying hash each stored row once and the canonical JSON stays
  small. The archive carries the data beside the payload; the verifier checks
  both digests.
"""

import hashlib
import json
from datetime import UTC, datetime
from functools import lru_cache

GENESIS_SEAL = "0" * 64
PAYLOAD_VERSION = 1


def _dumps(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class CanonicalText(str):
    """JSON text stored as ``canonical_json`` wrote it (an audit record's ``extra`` on SQLite): put into a
    payload as it is, ``canonical_json`` writes it without parsing and re-serialising it. Text that is not
    canonical gives other bytes, so a caller that needs the value's meaning rather than the stored bytes
    (``verification.check_range``) tries again with the parsed value."""


# Stands in for a CanonicalText value while the rest is serialised; it cannot occur unescaped in JSON text.
_MARK = "\0canonical text\0"


@lru_cache(maxsize=8)
def _marked(key):
    """``(b'"extra":"\\u0000canonical text\\u0000"', b'"extra":')``: the key with the mark, serialised,
    and the key alone."""
    return _dumps({key: _MARK})[1:-1], _dumps(key) + b":"


def canonical_json(value):
    """The canonical bytes of ``value``. A top-level value that is ``CanonicalText`` is written as it is."""
    raw = [key for key, item in value.items() if isinstance(item, CanonicalText)] if isinstance(value, dict) else ()
    if not raw:
        return _dumps(value)
    (key,) = raw
    text = _dumps({**value, key: _MARK})
    mark, named = _marked(key)
    if text.count(mark) != 1:
        return _dumps({**value, key: json.loads(value[key])})
    return text.replace(mark, named + value[key].encode("utf-8"))


class CanonicalJSONEncoder(json.JSONEncoder):
    """``json.dumps(value, cls=CanonicalJSONEncoder)`` is ``canonical_json(value)`` as text, whatever else
    the caller asks: the audit record's ``extra`` is stored this way, so that where the database keeps the
    text as written (SQLite) verification can use it as sealed instead of parsing and re-serialising it."""

    def __init__(self, **kwargs):
        kwargs.update(sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False, indent=None)
        super().__init__(**kwargs)


def compute_seal(payload):
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def data_digest(serialized_data):
    """SHA-256 of a version's serialized data (str, or its UTF-8 bytes)."""
    if isinstance(serialized_data, str):
        serialized_data = serialized_data.encode("utf-8")
    return hashlib.sha256(serialized_data).hexdigest()


def canonical_time(moment):
    """An aware datetime as the canonical UTC string."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_time_from_sqlite(text):
    """SQLite's stored UTC text ("2025-03-01 02:00:00[.ffffff]") as the canonical string, without parsing."""
    if isinstance(text, bytes):
        text = text.decode()
    date, _, clock = text.partition(" ")
    if "." not in clock:
        clock += ".000000"
    else:
        whole, _, fraction = clock.partition(".")
        clock = f"{whole}.{fraction[:6].ljust(6, '0')}"
    if clock.endswith("+00:00"):
        clock = clock[:-6]
    return f"{date}T{clock}Z"


def parse_canonical_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
