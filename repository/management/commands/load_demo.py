import contextlib
import logging

from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from tqdm import tqdm

from repository.demo import load_demo

# The demo's users have addresses at demo.invalid: the workflow's notifications about its history go nowhere.
DEMO_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@contextlib.contextmanager
def quiet(verbosity):
    """Below verbosity 2: no line per page action from Wagtail's logger, no notification e-mails printed."""
    if verbosity >= 2:
        yield
        return
    wagtail_logger = logging.getLogger("wagtail")
    level = wagtail_logger.level
    wagtail_logger.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND):
            yield
    finally:
        wagtail_logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load the demo: ITA frameworks, real agencies and their page tree, Uthai Thani order 224/2561, "
        "real news from the shared corpus, demo users for each role and a true edit history. Idempotent. "
        "With --verbosity 2, Wagtail's line per page action and the workflow's notification e-mails are shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=300, help="how many corpus news items to have (default 300)")

    def handle(self, *args, news, **options):
        verbosity = options["verbosity"]
        with quiet(verbosity), tqdm(total=news, unit="news", disable=verbosity == 0) as bar:
            report = load_demo(news=news, stdout=self.stdout, progress=bar.update)
        for line_number, message in report.errors:
            self.stderr.write(f"news corpus line {line_number}: {message} (skipped)")
        self.stdout.write(f"Demo ready: {report.created} news page(s) imported now, {report.existing} already present.")
