"""``manage.py audit verify [--checkpoint FILE|URL]... [--appended] | head | export --output DIR|FILE.zip |
replay [--since] [--until] [--agency] | keygen NAME | checkpoint | cosign --key-file FILE``."""

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from repository.audit import checkpoints as signing
from repository.audit.canonical import canonical_time
from repository.audit.chain import head_seal, verify_chain
from repository.audit.export import export_archive
from repository.audit.replay import event_as_json, iter_events, parse_moment
from repository.audit.verification import verify_appended
from repository.models import Agency


class Command(BaseCommand):
    help = "Verify, export and replay the sealed audit trail."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute the hash chain; OK with count and head seal, or the first bad entry")
        verify.add_argument("--workers", type=int, help="processes checking ranges of the chain (default: one per core)")
        verify.add_argument("--checkpoint", action="append", default=[], metavar="FILE|URL",
                            help="a signed checkpoint saved earlier (file, or the API's checkpoint URL); repeatable")
        verify.add_argument("--appended", action="store_true",
                            help="check only the entries appended since the latest stored checkpoint")
        keygen = sub.add_parser("keygen", help="print a new Ed25519 signing key (PRIVATE+KEY+...) and its verifier key")
        keygen.add_argument("name", help="the key's name, e.g. the log's host (no spaces or '+')")
        keygen.add_argument("--output", help="write the signing key to this file (mode 600) instead of printing it")
        sub.add_parser("checkpoint", help="sign the current tree size and root; store and print the checkpoint")
        cosign = sub.add_parser("cosign", help="co-sign the latest checkpoint with a witness key")
        cosign.add_argument("--key-file", required=True, help="the witness's signing key (from `audit keygen`)")
        sub.add_parser("head", help="print the current head seal as JSON")
        export = sub.add_parser("export", help="write a self-contained archive (NDJSON + manifest.json)")
        export.add_argument("--output", required=True, help="directory to write into")
        replay = sub.add_parser("replay", help="stream events in chain order as NDJSON")
        replay.add_argument("--since", help="ISO date/time (local time if no zone; years > 2400 are BE)")
        replay.add_argument("--until", help="ISO date/time; a date alone means the end of that day")
        replay.add_argument("--agency", help="agency code: that agency and those below it")

    def handle(self, *args, subcommand, **options):
        return getattr(self, f"handle_{subcommand}")(**options)

    def handle_verify(self, workers=None, checkpoint=(), appended=False, **options):
        if appended:
            return self._verify_appended(workers)
        notes = [read_checkpoint(source) for source in checkpoint]
        result = verify_chain(workers=workers, checkpoints=notes)
        if not result.ok:
            where = f"entry {result.first_bad}" if result.first_bad is not None else "the log"
            raise CommandError(f"FAILED at {where}: {result.reason} ({result.count} entries verified before it)")
        self.stdout.write(f"OK {result.count} entries, head seal {result.head}, "
                          f"{result.checkpoints} signed checkpoint(s) consistent")

    def _verify_appended(self, workers):
        latest = signing.latest_checkpoint()
        if latest is None:
            raise CommandError("no stored checkpoint: run `audit checkpoint` first, or a full `audit verify`")
        try:
            parsed = signing.verify_checkpoint(latest.note)
        except signing.CheckpointError as error:
            raise CommandError(f"FAILED: the latest stored checkpoint does not verify: {error}")
        checked, problem = verify_appended(parsed, workers=workers)
        if problem:
            where = f"entry {problem.sequence}" if problem.sequence is not None else "the log"
            raise CommandError(f"FAILED at {where}: {problem.reason}")
        self.stdout.write(f"OK {checked} entries appended since the checkpoint of size {parsed.size}")

    def handle_keygen(self, name, output=None, **options):
        try:
            key = signing.SigningKey.generate(name)
        except signing.CheckpointError as error:
            raise CommandError(str(error))
        if output:
            descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(f"{key}\n")
            self.stdout.write(f"signing key written to {output}")
        else:
            self.stdout.write(str(key))
        self.stdout.write(f"verifier key: {key.verifier}")

    def handle_checkpoint(self, **options):
        try:
            checkpoint = signing.make_checkpoint()
        except signing.CheckpointError as error:
            raise CommandError(str(error))
        self.stdout.write(checkpoint.note, ending="")

    def handle_cosign(self, key_file, **options):
        latest = signing.latest_checkpoint()
        if latest is None:
            raise CommandError("no stored checkpoint to co-sign")
        try:
            witness = signing.load_signing_key(path=key_file)
            cosignature = signing.add_cosignature(latest, witness)
        except signing.CheckpointError as error:
            raise CommandError(str(error))
        self.stdout.write(signing.cosigned_note(cosignature.checkpoint), ending="")

    def handle_head(self, **options):
        self.stdout.write(json.dumps(head_seal()))

    def handle_export(self, output, **options):
        try:
            manifest = export_archive(output)
        except ValueError as error:
            raise CommandError(str(error))
        self.stdout.write(f"Exported {manifest['count']} entries to {output}, head seal {manifest['head_seal']}")

    def handle_replay(self, since=None, until=None, agency=None, **options):
        try:
            since = parse_moment(since) if since else None
            until = parse_moment(until) if until else None
        except ValueError as error:
            raise CommandError(str(error))
        if agency and not Agency.objects.filter(code=agency).exists():
            raise CommandError(f"no agency with code {agency!r}")
        if since and until and since > until:
            raise CommandError(f"--since {canonical_time(since)} is after --until {canonical_time(until)}")
        try:
            for event in iter_events(since=since, until=until, agency=agency):
                self.stdout.write(json.dumps(event_as_json(event), ensure_ascii=False))
            self.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (e.g. `| head`): not an error for a stream.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def read_checkpoint(source):
    """A signed checkpoint's note from a file or a URL (the API's JSON, whose ``note`` is the note, or the
    note itself)."""
    if source.startswith(("http://", "https://")):
        from urllib.request import Request, urlopen

        try:
            with urlopen(Request(source, headers={"Accept": "application/json"}), timeout=30) as response:  # noqa: S310
                text = response.read().decode("utf-8")
        except OSError as error:
            raise CommandError(f"cannot fetch {source}: {error}")
    else:
        try:
            with open(source, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except OSError as error:
            raise CommandError(f"cannot read {source}: {error}")
    if text.lstrip().startswith("{"):
        try:
            text = json.loads(text)["note"]
        except (ValueError, KeyError, TypeError):
            raise CommandError(f"{source} is JSON without a checkpoint note")
    return text
