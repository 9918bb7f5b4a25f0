#!/usr/bin/env python3
"""Verify an audit archive written by ``manage.py audit export`` (or the admin's export), without the application.

Usage: python3 verify_audit_archive.py ARCHIVE(.zip or folder) [--key VERIFIER_KEY | --key-file FILE]
           [--checkpoint FILE]... [--proof FILE]... [--expect-head SEAL]

Standard library plus ``cryptography`` (for Ed25519; only needed with --key). It checks:

* every entry: each version's data hashes to the payload's data_sha256; the seal is SHA-256 of the
  payload's canonical JSON (keys sorted, separators "," and ":", UTF-8 without escapes); sequence
  numbers run 1, 2, 3... and each previous_seal is the seal before it (the first one's is 64 zeros);
* the Merkle tree (RFC 9162: leaf = SHA-256(0x00 ‖ canonical payload), node = SHA-256(0x01 ‖ l ‖ r)):
  its root over all entries is the manifest's root hash;
* the manifest: count, head seal, root, the files' SHA-256;
* with --key (the log's verifier key, published at /api/v1/audit/public-key): manifest.sig and the
  export's checkpoint are signed by that key, and the checkpoint's root is the entries' root; every
  stored checkpoint in checkpoints.ndjson is signed and its root is the root of the entries up to its size;
* --checkpoint FILE (a signed checkpoint the auditor kept earlier, e.g. from /api/v1/audit/checkpoint):
  signed by the key, and the archive extends it: a shorter archive names the first missing entry, a
  different root the first entry that differs (exactly, where the archive's recorded leaf hashes give
  the signed root; else the range after the last checkpoint that matches);
* --proof FILE (an inclusion proof from /api/v1/audit/proof/inclusion): proves the archive's entry is in
  the tree whose root a verified checkpoint signed.

Exit status 0 and "OK <count> <head seal> <root hash>" when everything holds; 1 and the first bad entry
with the reason otherwise. The rules are repository/audit/canonical.py, merkle.py and checkpoints.py;
tests check the two agree.
"""

import argparse
import base64
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

GENESIS_SEAL = "0" * 64
DASH = "\u2014"


def canonical_json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def compute_seal(payload):
    return hashlib.sha256(canonical_json(payload)).hexdigest()


# RFC 9162 ------------------------------------------------------------------------------------------------------

def _leaf(data):
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


class Roots:
    """Leaves appended one by one; ``root()`` is MTH of those so far."""

    def __init__(self):
        self.stack, self.size = [], 0

    def append(self, leaf):
        self.stack.append(leaf)
        size = self.size
        while size & 1:
            right = self.stack.pop()
            self.stack[-1] = _node(self.stack[-1], right)
            size >>= 1
        self.size += 1

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        result = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            result = _node(left, result)
        return result


def roots_at(leaves, sizes):
    tree, roots, wanted = Roots(), {}, set(sizes)
    if 0 in wanted:
        roots[0] = tree.root()
    for leaf in leaves:
        tree.append(leaf)
        if tree.size in wanted:
            roots[tree.size] = tree.root()
    return roots


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = _node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


# Signed notes (C2SP) -------------------------------------------------------------------------------------------

class NoteError(ValueError):
    pass


def parse_verifier_key(text):
    try:
        name, key_id, encoded = text.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
    except ValueError:
        raise NoteError("not a verifier key (name+id+base64)") from None
    if len(raw) != 33 or raw[0] != 1:
        raise NoteError("not an Ed25519 verifier key")
    expected = hashlib.sha256(name.encode() + b"\n" + raw[:1] + raw[1:]).digest()[:4]
    if expected.hex() != key_id.lower():
        raise NoteError("the verifier key's id does not match its name and key")
    return name, expected, raw[1:]


def open_note(note, key):
    """The note's text if the key signed it."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    name, key_id, public = key
    text, sep, block = note.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise NoteError("not a signed note")
    text += "\n"
    for line in block[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH or parts[1] != name:
            continue
        try:
            raw = base64.b64decode(parts[2], validate=True)
            if raw[:4] == key_id:
                Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())
                return text
        except (ValueError, InvalidSignature):
            continue
    raise NoteError(f"no valid signature by {name}")


def parse_checkpoint(text):
    lines = text.split("\n")
    try:
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except (IndexError, ValueError):
        raise NoteError("not a checkpoint (origin, size, root hash)") from None
    if len(root) != 32 or size < 0:
        raise NoteError("not a checkpoint (origin, size, root hash)")
    return lines[0], size, root


# The archive ---------------------------------------------------------------------------------------------------

class Archive:
    """A folder or a zip file holding the archive's files."""

    def __init__(self, path):
        self.path = Path(path)
        self.zip = zipfile.ZipFile(self.path) if self.path.is_file() else None

    def read(self, name):
        if self.zip is not None:
            try:
                return self.zip.read(name)
            except KeyError:
                raise OSError(f"{name} is not in the archive") from None
        return (self.path / name).read_bytes()

    def has(self, name):
        return name in self.zip.namelist() if self.zip is not None else (self.path / name).exists()

    def open(self, name):
        return io.BytesIO(self.read(name))


class Failed(Exception):
    def __init__(self, message, sequence=None):
        super().__init__(message)
        self.sequence = sequence


def check_entries(archive, manifest):
    """(seals, leaves, recorded leaves, head) after checking every entry; Failed at the first bad one."""
    digest, leaves, recorded = hashlib.sha256(), [], []
    expected, previous = 1, GENESIS_SEAL
    for number, line in enumerate(archive.open(manifest.get("entries_file", "entries.ndjson")), start=1):
        digest.update(line)
        try:
            entry = json.loads(line)
            payload, seal = entry["payload"], entry["seal"]
            sequence = payload["sequence"]
        except (ValueError, KeyError, TypeError) as error:
            raise Failed(f"line {number}: not an archive entry ({error})", expected) from None
        if sequence != expected:
            raise Failed(f"entry {expected} is missing (line {number} holds entry {sequence})", expected)
        if payload.get("previous_seal") != previous:
            raise Failed(f"entry {sequence}: previous seal does not match the seal of entry {sequence - 1}", sequence)
        data = entry.get("data", {})
        for version in payload.get("versions", []):
            text = data.get(str(version.get("id")))
            if text is None:
                raise Failed(f"entry {sequence}: the data of version {version.get('id')} is missing", sequence)
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != version.get("data_sha256"):
                raise Failed(f"entry {sequence}: version {version.get('id')} data does not match its digest "
                             "(recorded data was altered)", sequence)
        canonical = canonical_json(payload)
        if hashlib.sha256(canonical).hexdigest() != seal:
            raise Failed(f"entry {sequence}: contents do not match its seal (recorded data was altered)", sequence)
        leaves.append(_leaf(canonical))
        try:
            recorded.append(bytes.fromhex(entry.get("leaf_hash") or ""))
        except ValueError:
            recorded.append(b"")
        previous, expected = seal, expected + 1
    count = expected - 1
    if count != manifest.get("count"):
        raise Failed(f"the manifest says {manifest.get('count')} entries but the archive holds {count}", count + 1)
    if previous != manifest.get("head_seal"):
        raise Failed("the last entry's seal is not the manifest's head seal", count)
    if digest.hexdigest() != manifest.get("entries_sha256"):
        raise Failed("entries file checksum does not match the manifest")
    return leaves, recorded, previous


def first_difference(leaves, recorded, checkpoint_size, checkpoint_root, good_sizes):
    """Where entries up to ``checkpoint_size`` differ from those a checkpoint signed: (first entry, reason)."""
    if len(recorded) >= checkpoint_size and all(recorded[:checkpoint_size]) and \
            roots_at(recorded[:checkpoint_size], [checkpoint_size])[checkpoint_size] == checkpoint_root:
        first = next(i for i in range(checkpoint_size) if leaves[i] != recorded[i]) + 1
        return first, (f"entry {first} differs from the entry the checkpoint of size {checkpoint_size} signed "
                       f"(history rewritten and re-sealed from entry {first} on)")
    good = max([size for size in good_sizes if size < checkpoint_size], default=0)
    return good + 1, (f"entries {good + 1}–{checkpoint_size} are not the entries the checkpoint of size "
                      f"{checkpoint_size} signed (the first differing entry lies in this range)")


def check_checkpoints(leaves, recorded, notes, key):
    """Every (label, note) must be signed by ``key`` and match the entries; Failed at the first bad entry."""
    parsed = []
    for label, note in notes:
        try:
            _, size, root = parse_checkpoint(open_note(note, key))
        except NoteError as error:
            raise Failed(f"{label} does not verify: {error}") from None
        parsed.append((label, size, root))
    count = len(leaves)
    roots = roots_at(leaves, [size for _, size, _ in parsed if size <= count])
    good = [size for _, size, root in parsed if size <= count and roots[size] == root]
    problems = []
    for label, size, root in parsed:
        if size > count:
            problems.append((count + 1, f"entry {count + 1} is missing: {label} covers {size} entries but the "
                                        f"archive has {count} (entries {count + 1}–{size} were removed)"))
        elif roots[size] != root:
            problems.append(first_difference(leaves, recorded, size, root, good))
    if problems:
        raise Failed(min(problems)[1], min(problems)[0])
    return parsed


def verify_archive(path, key_text=None, kept=(), proofs=(), expect_head=None):
    """Return (ok, message, first_bad_sequence)."""
    try:
        archive = Archive(path)
        manifest_bytes = archive.read("manifest.json")
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        return False, f"cannot read manifest.json: {error}", None
    try:
        leaves, recorded, head = check_entries(archive, manifest)
        root = roots_at(leaves, [len(leaves)])[len(leaves)]
        if manifest.get("root_hash") is not None and root.hex() != manifest["root_hash"]:
            raise Failed("the entries' Merkle root is not the manifest's root hash")
        if key_text:
            try:
                key = parse_verifier_key(key_text)
                body = open_note(archive.read("manifest.sig").decode("utf-8"), key)
            except (OSError, NoteError) as error:
                raise Failed(f"the manifest's signature does not verify: {error}") from None
            if body != f"{manifest.get('format')}\nsha256 {hashlib.sha256(manifest_bytes).hexdigest()}\n":
                raise Failed("manifest.sig signs another manifest")
            notes = [("the export's checkpoint", archive.read("checkpoint").decode("utf-8"))]
            for number, line in enumerate(archive.open("checkpoints.ndjson"), start=1):
                notes.append((f"stored checkpoint {number}", json.loads(line)["note"]))
            for number, file in enumerate(kept, start=1):
                notes.append((f"kept checkpoint {number}", Path(file).read_text(encoding="utf-8")))
            verified = check_checkpoints(leaves, recorded, notes, key)
            signed_roots = {size: signed for _, size, signed in verified}
            for file in proofs:
                proof = json.loads(Path(file).read_text(encoding="utf-8"))
                entry, size = int(proof["entry"]), int(proof["size"])
                path_hashes = [base64.b64decode(h) for h in proof["proof"]]
                signed = signed_roots.get(size)
                if signed is None:
                    raise Failed(f"no verified checkpoint of size {size} for the proof of entry {entry}")
                if not 0 < entry <= len(leaves) or not verify_inclusion(entry - 1, size, leaves[entry - 1],
                                                                        path_hashes, signed):
                    raise Failed(f"entry {entry}: the inclusion proof does not prove it in the tree of {size}", entry)
        elif kept or proofs:
            raise Failed("--checkpoint and --proof need the log's verifier key (--key)")
        if expect_head and expect_head != head:
            raise Failed(f"head seal {head} is not the expected {expect_head}")
    except Failed as failure:
        return False, str(failure), failure.sequence
    except (OSError, ValueError, KeyError, TypeError) as error:
        return False, f"the archive is malformed: {error}", None
    return True, f"OK {len(leaves)} {head} {root.hex()}", None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", help="the export: a .zip file or a folder holding manifest.json and entries.ndjson")
    parser.add_argument("--key", help="the log's verifier key (name+id+base64)")
    parser.add_argument("--key-file", help="a file holding the log's verifier key")
    parser.add_argument("--checkpoint", action="append", default=[], help="a signed checkpoint kept earlier")
    parser.add_argument("--proof", action="append", default=[], help="an inclusion proof (JSON from the API)")
    parser.add_argument("--expect-head", help="a head seal pinned earlier")
    args = parser.parse_args(argv)
    key = args.key or (Path(args.key_file).read_text(encoding="utf-8") if args.key_file else None)
    ok, message, _ = verify_archive(args.archive, key, args.checkpoint, args.proof, args.expect_head)
    print(message if ok else f"FAILED: {message}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
