from django.core.management.base import BaseCommand
from tqdm import tqdm

from repository.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: ITA frameworks, real agencies and their page tree, Uthai Thani order 224/2561, "
        "real news from the shared corpus, demo users for each role and a true edit history. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=300, help="how many corpus news items to have (default 300)")

    def handle(self, *args, news, **options):
        with tqdm(total=news, unit="news", disable=options["verbosity"] == 0) as bar:
            report = load_demo(news=news, stdout=self.stdout, progress=bar.update)
        for line_number, message in report.errors:
            self.stderr.write(f"news corpus line {line_number}: {message} (skipped)")
        self.stdout.write(f"Demo ready: {report.created} news page(s) imported now, {report.existing} already present.")
