#!/usr/bin/env python3
"""Verify an audit archive written by ``manage.py audit export``, without the application.

Usage: python3 verify_audit_archive.py ARCHIVE_DIR [--expect-head SEAL]

Standard library only. For every line of entries.ndjson it checks that each
version's data (the "data" object, by version id) hashes to the payload's
data_sha256 (SHA-256 of the UTF-8 text), then recomputes sha256 over the canonical JSON of the payload (keys sorted, separators "," and
":", UTF-8 without escapes), checks the sequence numbers run 1, 2, 3... with no
gap, that each entry's previous_seal is the seal before it (the first one's is
64 zeros), and that the last seal, the count and the file's SHA-256 match
manifest.json. ``--expect-head`` compares the head with a seal pinned earlier
(e.g. published through the API): an archive that is a rewrite of history
will not reach it.

Exit status 0 and "OK <count> <head seal>" when everything holds; 1 and the
first bad entry with the reason otherwise. These rules are the same as
repository/audit/canonical.py; tests check the two agree.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

GENESIS_SEAL = "0" * 64


def canonical_json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def compute_seal(payload):
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def verify_archive(archive, expect_head=None):
    """Return (ok, message, first_bad_sequence)."""
    archive = Path(archive)
    try:
        manifest = json.loads((archive / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return False, f"cannot read manifest.json: {error}", None
    entries_path = archive / manifest.get("entries_file", "entries.ndjson")
    digest = hashlib.sha256()
    expected, previous = 1, GENESIS_SEAL
    try:
        handle = open(entries_path, "rb")
    except OSError as error:
        return False, f"cannot read {entries_path.name}: {error}", None
    with handle:
        for number, line in enumerate(handle, start=1):
            digest.update(line)
            try:
                entry = json.loads(line)
                payload, seal = entry["payload"], entry["seal"]
                sequence = payload["sequence"]
            except (ValueError, KeyError, TypeError) as error:
                return False, f"line {number}: not an archive entry ({error})", expected
            if sequence != expected:
                return False, f"entry {expected} is missing (line {number} holds entry {sequence})", expected
            if payload.get("previous_seal") != previous:
                return False, f"entry {sequence}: previous seal does not match the seal of entry {sequence - 1}", \
                    sequence
            data = entry.get("data", {})
            for version in payload.get("versions", []):
                text = data.get(str(version.get("id")))
                if text is None:
                    return False, f"entry {sequence}: the data of version {version.get('id')} is missing", sequence
                if hashlib.sha256(text.encode("utf-8")).hexdigest() != version.get("data_sha256"):
                    return False, f"entry {sequence}: version {version.get('id')} data does not match its digest " \
                                  "(recorded data was altered)", sequence
            if compute_seal(payload) != seal:
                return False, f"entry {sequence}: contents do not match its seal (recorded data was altered)", sequence
            previous, expected = seal, expected + 1
    count = expected - 1
    if count != manifest.get("count"):
        return False, f"the manifest says {manifest.get('count')} entries but the archive holds {count}", count + 1
    if previous != manifest.get("head_seal"):
        return False, "the last entry's seal is not the manifest's head seal", count
    if digest.hexdigest() != manifest.get("entries_sha256"):
        return False, "entries file checksum does not match the manifest", None
    if expect_head and expect_head != previous:
        return False, f"head seal {previous} is not the expected {expect_head}", None
    return True, f"OK {count} {previous}", None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", help="directory holding manifest.json and entries.ndjson")
    parser.add_argument("--expect-head", help="a head seal pinned earlier")
    args = parser.parse_args(argv)
    ok, message, _ = verify_archive(args.archive, args.expect_head)
    print(message if ok else f"FAILED: {message}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
