"""The canonical serialisation every seal is computed over.

This module is the specification the standalone verifier
(``tools/verify_audit_archive.py``) repeats with the standard library alone;
``tests/audit/test_canonical.py`` checks that the two agree. Change both or
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
"""

import hashlib
import json
from datetime import UTC, datetime

GENESIS_SEAL = "0" * 64
PAYLOAD_VERSION = 1


def canonical_json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def compute_seal(payload):
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def canonical_time(moment):
    """An aware datetime as the canonical UTC string."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_canonical_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
