import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from repository.approvals import roles
from repository.approvals.imports import override_publisher
from repository.importers.corpus import open_text
from repository.importers.disclosures import import_disclosures

from .load_demo import quiet  # Wagtail's INFO line per page action only at -v 2


def count_lines(path):
    with open_text(path) as handle:
        return sum(1 for line in handle if line.strip())


class Command(BaseCommand):
    help = (
        "Import disclosures (JSON lines, or CSV for procurement announcements and monthly procurement summaries; "
        ".gz/.xz too) as published pages, each by an administrator override with the stated reason. "
        "Idempotent by source_id: a re-run, or a run resumed after an interruption, skips what is there. "
        "Bad lines are reported by line number with the reason and nothing is written for them."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--reason", required=True,
                            help="why the items are published outside the approval workflow; on each approval form")
        parser.add_argument("--user", default="admin", help="the administrator who publishes them (default admin)")
        parser.add_argument("--attachments", default=None,
                            help="the folder attachment paths are read from; nothing outside it is accepted")
        parser.add_argument("--limit", type=int, default=None, help="import at most this many new pages")
        parser.add_argument("--batch-size", type=int, default=100, help="pages per transaction (default 100)")
        parser.add_argument("--page-by-page", action="store_true",
                            help="one page per transaction with Wagtail's per-save work as it comes (slow; for comparison)")

    def handle(self, *args, path, reason, user, attachments, limit, batch_size, page_by_page, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit must be zero or more")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        publisher = get_user_model().objects.filter(username=user).first()
        if publisher is None or not roles.is_administrator(publisher):
            raise CommandError(f"--user {user!r} must be an existing administrator: imports are published by override.")
        if not reason.strip():
            raise CommandError("--reason must say why the items are published outside the approval workflow.")
        try:
            total = count_lines(path)
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}")
        started = time.perf_counter()
        with quiet(options["verbosity"]), tqdm(total=total, unit="line", disable=options["verbosity"] == 0, file=self.stderr._out,
                  dynamic_ncols=True) as bar:
            report = import_disclosures(
                path, user=publisher, publish=override_publisher(reason), attachments_root=attachments,
                limit=limit, batch_size=batch_size, bulk=not page_by_page, progress=bar.update,
            )
        elapsed = time.perf_counter() - started
        for line_number, message in sorted(report.errors):
            self.stderr.write(f"line {line_number}: {message} (nothing written)")
        rate = report.created / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"Imported {report.created} page(s); {report.existing} already present; {report.bad} bad line(s); "
            f"{elapsed:.1f} s ({rate:.1f} pages/s)."
        )
