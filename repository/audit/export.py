"""A signed, self-contained archive of the audit log (a folder, or a .zip the verifier reads as it is).

* ``entries.ndjson``: one line per entry in sequence order, ``{"seal", "leaf_hash", "payload", "data", "act",
  "act_label"}``: ``payload`` is exactly what the seal and the Merkle leaf were computed over (``canonical.py``,
  ``merkle.py``), ``leaf_hash`` the leaf the stored tree holds for it, ``data`` every version's serialised
  row (its SHA-256 is in the payload), ``act`` and ``act_label`` what an auditor calls the entry
  (``labels.py``: the provider's request is ``approvals.request``, ยื่นขออนุมัติเผยแพร่, though Wagtail
  logged ``wagtail.workflow.approve``) — read, not sealed;
* ``checkpoint``: a checkpoint signed at export time for the archive's size (C2SP signed note);
* ``checkpoints.ndjson``: every stored checkpoint with its witnesses' cosignatures;
* ``manifest.json``: count, head seal, root hash, the SHA-256 of each file above;
* ``manifest.sig``: a signed note ``ita-repository-audit-archive\\nsha256 <manifest.json's SHA-256>\\n``.

Without a configured signing key the archive has no ``checkpoint`` or ``manifest.sig``, and
``tools/verify_audit_archive.py --key`` refuses it.
"""

import hashlib
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from . import checkpoints as signing
from . import labels
from .canonical import GENESIS_SEAL, PAYLOAD_VERSION, canonical_json, canonical_time
from .entries import iter_entries
from .merkle import CompactRange, leaf_hash, position
from .models import Checkpoint, TreeNode

ENTRIES = "entries.ndjson"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.sig"
CHECKPOINT = "checkpoint"
CHECKPOINTS = "checkpoints.ndjson"
FORMAT = "ita-repository-audit-archive"
CANONICALISATION = (
    "entry = utf8(json(payload, sort_keys, separators=(',', ':'), ensure_ascii=False)); "
    "seal = sha256(entry).hexdigest(); Merkle leaf = sha256(0x00 || entry), node = sha256(0x01 || left || right) "
    "(RFC 9162); each payload version's data_sha256 = sha256(utf8(data[version id])).hexdigest(); "
    "times ISO 8601 UTC with microseconds and Z; payload.previous_seal links each entry to the one before; "
    f"the first entry's previous_seal is {GENESIS_SEAL}"
)


def _write_folder(output, using):
    output.mkdir(parents=True, exist_ok=True)
    digest, tree = hashlib.sha256(), CompactRange()
    recorded_leaves = dict(TreeNode.objects.using(using).filter(position__lt=position(1, 0)).values_list(
        "position", "hash"))
    count, head, first, last = 0, GENESIS_SEAL, None, None
    steps = labels.step_tasks()
    with open(output / ENTRIES, "wb") as handle:
        for record, payload, seal, data in iter_entries(using, with_data=True):
            if payload is None:
                raise ValueError(f"entry {record['sequence']} has lost its reversion revision; run `audit verify`")
            leaf = leaf_hash(canonical_json(payload))
            tree.append(leaf)
            act = labels.act(payload["action"], labels.recorded_task(payload["extra"]), steps)
            entry = {"seal": seal, "leaf_hash": recorded_leaves.get(record["sequence"] - 1, ""), "payload": payload,
                     "data": {str(pk): text for pk, text in data.items()}, "act": act,
                     "act_label": labels.action_label(act)}
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n"
            handle.write(line)
            digest.update(line)
            count, head = count + 1, seal
            first = first or record["sequence"]
            last = record["sequence"]
    with open(output / CHECKPOINTS, "wb") as handle:
        for checkpoint in Checkpoint.objects.using(using).order_by("size", "id").prefetch_related("cosignatures"):
            handle.write(json.dumps({"size": checkpoint.size, "note": signing.cosigned_note(checkpoint)},
                                    ensure_ascii=False).encode() + b"\n")
    try:
        key = signing.load_signing_key()
    except signing.KeyNotConfigured:
        key = None
    if key is not None:
        note = signing.sign_note(signing.checkpoint_text(settings.AUDIT_LOG["ORIGIN"], count, tree.root()), key)
        (output / CHECKPOINT).write_text(note, encoding="utf-8")
    manifest = {
        "format": FORMAT,
        "payload_version": PAYLOAD_VERSION,
        "exported_at": canonical_time(timezone.now()),
        "count": count,
        "first_sequence": first,
        "last_sequence": last,
        "head_seal": head,
        "root_hash": tree.root().hex(),
        "entries_file": ENTRIES,
        "entries_sha256": digest.hexdigest(),
        "checkpoints_sha256": hashlib.sha256((output / CHECKPOINTS).read_bytes()).hexdigest(),
        "checkpoint_sha256": hashlib.sha256((output / CHECKPOINT).read_bytes()).hexdigest() if key else None,
        "canonicalisation": CANONICALISATION,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (output / MANIFEST).write_text(text, encoding="utf-8")
    if key is not None:
        body = f"{FORMAT}\nsha256 {hashlib.sha256(text.encode()).hexdigest()}\n"
        (output / MANIFEST_SIGNATURE).write_text(signing.sign_note(body, key), encoding="utf-8")
    return manifest


def export_archive(output, using=None):
    """Write the archive to ``output``: a folder, or a zip file if the name ends with ``.zip``. Returns the manifest."""
    output = Path(output)
    using = using or DEFAULT_DB_ALIAS
    if output.suffix != ".zip":
        return _write_folder(output, using)
    workdir = Path(tempfile.mkdtemp(prefix="audit-export-"))
    try:
        manifest = _write_folder(workdir / "archive", using)
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted((workdir / "archive").iterdir()):
                archive.write(path, path.name)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return manifest
