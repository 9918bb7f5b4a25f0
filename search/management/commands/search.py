"""``manage.py search sync|rebuild|check``: keep the search index in line with the database."""

import json as json_module

from django.core.management.base import BaseCommand, CommandError

from search import get_backend
from search.errors import SearchUnavailable
from search.outbox import drain, enqueue_drift


class Command(BaseCommand):
    help = "Maintain the public search index (sync the outbox, rebuild, check drift)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="Apply pending index tasks (the outbox).")
        sync.add_argument("--batch-size", type=int, default=200)
        rebuild = sub.add_parser("rebuild", help="Rebuild the index from the database, then swap it in.")
        rebuild.add_argument("--chunk-size", type=int, default=200, help="pages read and written at a time")
        rebuild.add_argument("--processes", type=int, default=None, help="segmentation workers (default: all cores)")
        rebuild.add_argument("--restart", action="store_true", help="ignore an interrupted rebuild instead of resuming it")
        rebuild.add_argument("--no-progress", action="store_true")
        check = sub.add_parser("check", help="Compare the index with the database and report drift.")
        check.add_argument("--fix", action="store_true", help="queue the drifted pages and sync them")
        check.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except SearchUnavailable as error:
            raise CommandError(f"search engine unavailable: {error}")

    def handle_sync(self, batch_size, **options):
        result = drain(batch_size=batch_size)
        if result["error"]:
            raise CommandError(f"{result['applied']} tasks applied; engine unavailable: {result['error']}")
        self.stdout.write(f"{result['applied']} tasks applied ({result['pages']} pages).")

    def handle_rebuild(self, chunk_size, processes, restart, no_progress, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        backend = get_backend()
        count = backend.rebuild(
            chunk_size=chunk_size, processes=processes, resume=not restart, progress=not no_progress
        )
        self.stdout.write(f"{count} pages indexed into the {backend.name} engine.")

    def handle_check(self, fix, json, **options):
        backend = get_backend()
        report = backend.check()
        if json:
            self.stdout.write(json_module.dumps(report))
        else:
            self.stdout.write(
                f"{report['backend']}: {report['public']} public pages, {report['indexed']} indexed, "
                f"{len(report['missing'])} missing, {len(report['extra'])} not public but indexed, "
                f"{len(report['stale'])} stale, {report['pending_tasks']} tasks pending."
            )
            for name in ("missing", "extra", "stale"):
                if report[name]:
                    self.stdout.write(f"  {name}: {' '.join(str(pk) for pk in report[name][:50])}")
        if fix and not report["ok"]:
            enqueue_drift(report)
            result = drain()
            if result["error"]:
                raise CommandError(f"engine unavailable while fixing: {result['error']}")
            self.stdout.write(f"fixed: {result['pages']} pages reconciled.")
        elif not report["ok"]:
            raise CommandError("the index has drifted from the database (run `search check --fix`)")
