"""A self-contained archive of the audit chain: NDJSON entries and a manifest.

``entries.ndjson``: one line per entry in sequence order,
``{"seal": ..., "payload": {...}, "data": {version id: serialized_data}}`` where
``payload`` is exactly what the seal was computed over (see ``canonical.py``)
and ``data`` holds every version's serialised row, whose SHA-256 the payload
carries. ``manifest.json``: count, head seal, the SHA-256 of
``entries.ndjson``, and the canonicalisation rules. ``tools/verify_audit_archive.py``
checks an archive with the standard library alone.
"""

import hashlib
import json
from pathlib import Path

from django.utils import timezone

from .canonical import GENESIS_SEAL, PAYLOAD_VERSION, canonical_time
from .chain import iter_entries

ENTRIES = "entries.ndjson"
MANIFEST = "manifest.json"
FORMAT = "ita-repository-audit-archive"
CANONICALISATION = (
    "seal = sha256(utf8(json(payload, sort_keys, separators=(',', ':'), ensure_ascii=False))).hexdigest(); "
    "each payload version's data_sha256 = sha256(utf8(data[version id])).hexdigest(); "
    "times ISO 8601 UTC with microseconds and Z; payload.previous_seal links each entry to the one before; "
    f"the first entry's previous_seal is {GENESIS_SEAL}"
)


def export_archive(output_dir, using=None):
    """Write the archive into ``output_dir`` (created if needed); return the manifest dict."""
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    count, head, first, last = 0, GENESIS_SEAL, None, None
    with open(output / ENTRIES, "wb") as handle:
        for record, payload, seal, data in iter_entries(using, with_data=True):
            if payload is None:
                raise ValueError(f"entry {record['sequence']} has lost its reversion revision; run `audit verify`")
            entry = {"seal": seal, "payload": payload, "data": {str(pk): text for pk, text in data.items()}}
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n"
            handle.write(line)
            digest.update(line)
            count += 1
            head = seal
            first = first or record["sequence"]
            last = record["sequence"]
    manifest = {
        "format": FORMAT,
        "payload_version": PAYLOAD_VERSION,
        "exported_at": canonical_time(timezone.now()),
        "count": count,
        "first_sequence": first,
        "last_sequence": last,
        "head_seal": head,
        "entries_file": ENTRIES,
        "entries_sha256": digest.hexdigest(),
        "canonicalisation": CANONICALISATION,
    }
    (output / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                  encoding="utf-8")
    return manifest
