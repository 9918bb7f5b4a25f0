"""Signed checkpoints of the audit log: C2SP signed notes, Ed25519 keys, witnesses' cosignatures.

A checkpoint (C2SP ``tlog-checkpoint``) is a signed note whose text is::

    <origin>\\n<tree size>\\n<base64 root hash>\\n

followed by a blank line and one signature line per signer,
``— <key name> <base64(key id ‖ signature)>``. The key id is the first four bytes
of ``SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key)``; keys are written as Go's
``note`` package writes them (``PRIVATE+KEY+<name>+<id>+<base64(0x01 ‖ seed)>``,
verifier key ``<name>+<id>+<base64(0x01 ‖ public key)>``). A witness's
cosignature (C2SP ``tlog-cosignature``, ``cosignature/v1``) signs
``"cosignature/v1\\ntime <unix seconds>\\n" ‖ checkpoint text`` with key id type
0x04 and carries the time: ``base64(key id ‖ uint64 time ‖ signature)``.

The log's key is never in the database: ``settings.AUDIT_LOG`` names a variable
or a file (``config/env.py``). ``tools/verify_audit_archive.py`` repeats the
verifying half with the standard library and ``cryptography``.
"""

import base64
import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from .head import lock_head
from .models import Checkpoint, Cosignature
from .stored_tree import StoredTree

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014"  # the em dash that starts a signature line


class CheckpointError(ValueError):
    """A note, key or checkpoint that is malformed or does not verify."""


class KeyNotConfigured(CheckpointError):
    pass


def _key_id(name, kind, public):
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


def _check_name(name):
    if not name or any(c.isspace() or c == "+" for c in name):
        raise CheckpointError(f"a key name has no spaces or '+': {name!r}")


@dataclass(frozen=True)
class VerifierKey:
    name: str
    public: bytes
    kind: int = ED25519

    @property
    def key_id(self):
        return _key_id(self.name, self.kind, self.public)

    def __str__(self):
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([ED25519]) + self.public).decode()}"

    def verify(self, message, signature):
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    @classmethod
    def parse(cls, text):
        try:
            name, key_id, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise CheckpointError("not a verifier key (name+id+base64)") from None
        if len(raw) != 33 or raw[0] != ED25519:
            raise CheckpointError("not an Ed25519 verifier key")
        key = cls(name, raw[1:])
        if key.key_id.hex() != key_id.lower():
            raise CheckpointError("the verifier key's id does not match its name and key")
        return key


@dataclass(frozen=True)
class SigningKey:
    name: str
    seed: bytes

    @property
    def private(self):
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def verifier(self):
        return VerifierKey(self.name, self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def __str__(self):
        return (f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+"
                f"{base64.b64encode(bytes([ED25519]) + self.seed).decode()}")

    @classmethod
    def generate(cls, name):
        _check_name(name)
        seed = Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return cls(name, seed)

    @classmethod
    def parse(cls, text):
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise CheckpointError("not a signing key (PRIVATE+KEY+name+id+base64)")
        try:
            raw = base64.b64decode(parts[4], validate=True)
        except ValueError:
            raise CheckpointError("the signing key's base64 is malformed") from None
        if len(raw) != 33 or raw[0] != ED25519:
            raise CheckpointError("not an Ed25519 signing key")
        key = cls(parts[2], raw[1:])
        if key.verifier.key_id.hex() != parts[3].lower():
            raise CheckpointError("the signing key's id does not match its name and key")
        return key

    def sign(self, message):
        return self.private.sign(message)


def load_signing_key(text=None, path=None):
    """The log's signing key: from ``text``, ``path``, or settings (variable, then file)."""
    config = settings.AUDIT_LOG
    if text is None and path is None:
        text = config.get("SIGNING_KEY") or None
        path = None if text else config.get("SIGNING_KEY_FILE")
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, TypeError):
            raise KeyNotConfigured(
                f"no audit signing key: set AUDIT_SIGNING_KEY or create {path} with `manage.py audit keygen`"
            ) from None
    return SigningKey.parse(text)


def log_verifier():
    """The log's public key: ``AUDIT_PUBLIC_KEY`` if set, else from the signing key this server holds."""
    public = settings.AUDIT_LOG.get("PUBLIC_KEY")
    if public:
        return VerifierKey.parse(public)
    return load_signing_key().verifier


# Signed notes -------------------------------------------------------------------------------------------------


def sign_note(body, key):
    if not body.endswith("\n") or "\n\n" in body:
        raise CheckpointError("a note's text ends with one newline and has no blank line")
    line = base64.b64encode(key.verifier.key_id + key.sign(body.encode())).decode()
    return f"{body}\n{DASH} {key.name} {line}\n"


def split_note(note):
    """(text, [(name, raw signature bytes)]) of a signed note."""
    text, sep, block = note.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise CheckpointError("not a signed note (text, blank line, signature lines)")
    signatures = []
    for line in block[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != DASH:
            raise CheckpointError(f"not a signature line: {line[:80]!r}")
        try:
            signatures.append((parts[1], base64.b64decode(parts[2], validate=True)))
        except ValueError:
            raise CheckpointError("a signature's base64 is malformed") from None
    return text + "\n", signatures


def open_note(note, key):
    """The text of ``note`` if ``key`` signed it; else CheckpointError."""
    text, signatures = split_note(note)
    for name, raw in signatures:
        if name == key.name and raw[:4] == key.key_id and key.verify(text.encode(), raw[4:]):
            return text
    raise CheckpointError(f"no valid signature by {key.name} on this note")


@dataclass(frozen=True)
class ParsedCheckpoint:
    origin: str
    size: int
    root: bytes
    text: str

    @property
    def root_hex(self):
        return self.root.hex()


def parse_checkpoint_text(text):
    lines = text.split("\n")
    if len(lines) < 4 or not lines[0]:
        raise CheckpointError("a checkpoint has an origin, a size and a root hash line")
    try:
        if not lines[1].isdigit() or (lines[1] != "0" and lines[1].startswith("0")):
            raise ValueError
        size = int(lines[1])
        root = base64.b64decode(lines[2], validate=True)
    except ValueError:
        raise CheckpointError("the checkpoint's size or root hash is malformed") from None
    if len(root) != 32:
        raise CheckpointError("the checkpoint's root hash is not 32 bytes")
    return ParsedCheckpoint(lines[0], size, root, text)


def verify_checkpoint(note, key=None, origin=None):
    """A ``ParsedCheckpoint`` from a signed note, checked against the log's key and origin."""
    key = key or log_verifier()
    checkpoint = parse_checkpoint_text(open_note(note, key))
    origin = origin or settings.AUDIT_LOG["ORIGIN"]
    if checkpoint.origin != origin:
        raise CheckpointError(f"the checkpoint is for log {checkpoint.origin!r}, not {origin!r}")
    return checkpoint


def checkpoint_text(origin, size, root):
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


# Cosignatures --------------------------------------------------------------------------------------------------


def cosignature_message(text, timestamp):
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


def cosign(note, log_key, witness_key, timestamp=None):
    """A witness's cosignature line for a checkpoint it has checked against the log's key."""
    text = open_note(note, log_key)
    parse_checkpoint_text(text)
    timestamp = int(time.time()) if timestamp is None else timestamp
    key_id = _key_id(witness_key.name, COSIGNATURE_V1, witness_key.verifier.public)
    signature = witness_key.sign(cosignature_message(text, timestamp))
    raw = key_id + timestamp.to_bytes(8, "big") + signature
    return f"{DASH} {witness_key.name} {base64.b64encode(raw).decode()}\n"


def verify_cosignature(note, line, witness):
    """The cosignature's time if ``line`` is ``witness``'s valid cosignature of ``note``'s text."""
    text, _ = split_note(note)
    _, signatures = split_note(text + "\n" + line)
    (name, raw), = signatures
    if name != witness.name or len(raw) != 76 or raw[:4] != _key_id(witness.name, COSIGNATURE_V1, witness.public):
        raise CheckpointError(f"not a cosignature by {witness.name}")
    timestamp = int.from_bytes(raw[4:12], "big")
    if not witness.verify(cosignature_message(text, timestamp), raw[12:]):
        raise CheckpointError(f"the cosignature by {witness.name} does not verify")
    return timestamp


# Storing -------------------------------------------------------------------------------------------------------


def make_checkpoint(using=None, key=None):
    """Sign the current tree (size and root) and store the checkpoint; return it.

    If the latest stored checkpoint already covers the current size, that one is returned. Taken under
    the chain lock, so the size and root are those of one moment between appends.
    """
    using = using or DEFAULT_DB_ALIAS
    key = key or load_signing_key()
    with transaction.atomic(using=using):
        head = lock_head(using)
        latest = Checkpoint.objects.using(using).order_by("-size", "-id").first()
        if latest is not None and latest.size == head.sequence:
            return latest
        tree = StoredTree(using)
        root = tree.root(head.sequence)
        note = sign_note(checkpoint_text(settings.AUDIT_LOG["ORIGIN"], head.sequence, root), key)
        return Checkpoint.objects.using(using).create(
            size=head.sequence, root_hash=root.hex(), note=note, created_at=timezone.now())


def add_cosignature(checkpoint, witness_key, log_key=None, using=None):
    line = cosign(checkpoint.note, log_key or log_verifier(), witness_key)
    return Cosignature.objects.using(using or DEFAULT_DB_ALIAS).create(
        checkpoint=checkpoint, witness=witness_key.name, line=line, created_at=timezone.now())


def cosigned_note(checkpoint):
    """The checkpoint's note with its witnesses' cosignature lines appended."""
    return checkpoint.note + "".join(c.line for c in checkpoint.cosignatures.order_by("id"))


def latest_checkpoint(using=None):
    return Checkpoint.objects.using(using or DEFAULT_DB_ALIAS).order_by("-size", "-id").first()
