from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from repository.approvals import roles
from repository.approvals.imports import NEWS_IMPORT_REASON, override_publisher
from repository.importers.news import import_news
from repository.models import AgencyPage


class Command(BaseCommand):
    help = (
        "Import Thai government news (JSON lines, .gz/.xz) as published news pages under an agency's "
        "news item page. Idempotent by source URL; bad lines are reported with their line number and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--limit", type=int, default=None, help="import at most this many new items")
        parser.add_argument("--agency", default="secretariat-pm", help="code of the agency whose news page receives them")
        parser.add_argument("--item-slug", default="news", help="slug of the news item page under that agency")
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--user", default="admin", help="the administrator who publishes them (default admin)")
        parser.add_argument(
            "--reason", default=NEWS_IMPORT_REASON,
            help="why they are published outside the approval workflow; recorded on each item's approval form",
        )

    def handle(self, *args, path, limit, agency, item_slug, batch_size, user, reason, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit must be zero or more")
        publisher = get_user_model().objects.filter(username=user).first()
        if publisher is None or not roles.is_administrator(publisher):
            raise CommandError(f"--user {user!r} must be an existing administrator: imports are published by override.")
        if not reason.strip():
            raise CommandError("--reason must say why the items are published outside the approval workflow.")
        agency_page = AgencyPage.objects.filter(agency__code=agency).first()
        if agency_page is None:
            raise CommandError(f"No agency page for agency code {agency!r}; run load_demo or create it first.")
        parent = agency_page.item_page(item_slug)
        if parent is None:
            raise CommandError(f"No item page with slug {item_slug!r} under {agency_page.title}.")
        with tqdm(total=limit, unit="news", disable=options["verbosity"] == 0) as bar:
            try:
                report = import_news(
                    path, parent, limit=limit, batch_size=batch_size, progress=bar.update,
                    user=publisher, publish=override_publisher(reason),
                )
            except OSError as error:
                raise CommandError(f"Cannot read {path}: {error}")
        for line_number, message in report.errors:
            self.stderr.write(f"line {line_number}: {message} (skipped)")
        self.stdout.write(
            f"Imported {report.created} news page(s); {report.existing} already present; {len(report.errors)} bad line(s)."
        )
