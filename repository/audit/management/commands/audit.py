"""``manage.py audit verify | head | export --output DIR | replay [--since] [--until] [--agency]``."""

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from repository.audit.canonical import canonical_time
from repository.audit.chain import head_seal, verify_chain
from repository.audit.export import export_archive
from repository.audit.replay import event_as_json, iter_events, parse_moment


class Command(BaseCommand):
    help = "Verify, export and replay the sealed audit trail."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute the hash chain; OK with count and head seal, or the first bad entry")
        verify.add_argument("--workers", type=int, help="processes checking ranges of the chain (default: one per core)")
        sub.add_parser("head", help="print the current head seal as JSON")
        export = sub.add_parser("export", help="write a self-contained archive (NDJSON + manifest.json)")
        export.add_argument("--output", required=True, help="directory to write into")
        replay = sub.add_parser("replay", help="stream events in chain order as NDJSON")
        replay.add_argument("--since", help="ISO date/time (local time if no zone; years > 2400 are BE)")
        replay.add_argument("--until", help="ISO date/time; a date alone means the end of that day")
        replay.add_argument("--agency", help="agency code: that agency and those below it")

    def handle(self, *args, subcommand, **options):
        return getattr(self, f"handle_{subcommand}")(**options)

    def handle_verify(self, workers=None, **options):
        result = verify_chain(workers=workers)
        if not result.ok:
            raise CommandError(f"FAILED at entry {result.first_bad}: {result.reason} "
                               f"({result.count} entries verified before it)")
        self.stdout.write(f"OK {result.count} entries, head seal {result.head}")

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
        from repository.models import Agency

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
