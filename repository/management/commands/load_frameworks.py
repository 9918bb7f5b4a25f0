from django.core.management.base import BaseCommand, CommandError

from repository.frameworks_loader import DEFAULT_PATH, FrameworkFileError, load_frameworks


class Command(BaseCommand):
    help = "Create or update ITA framework years and their OIT items from a JSON file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args, path, **options):
        try:
            report = load_frameworks(path)
        except (OSError, FrameworkFileError) as error:
            raise CommandError(str(error))
        self.stdout.write(
            f"Framework years created: {report.years_created}; items created: {report.items_created}, "
            f"updated: {report.items_updated}"
        )
        if report.items_not_in_file:
            self.stdout.write(f"Items in the database but not in the file (kept): {', '.join(report.items_not_in_file)}")
