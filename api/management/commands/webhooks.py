"""``manage.py webhooks deliver [--loop SECONDS] [--limit N]``: drain the webhook outbox."""

import time

from django.core.management.base import BaseCommand

from api.webhooks.delivery import deliver_due
from api.webhooks.models import WebhookDelivery


class Command(BaseCommand):
    help = "Deliver pending webhook events (retries with exponential backoff)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="Send due deliveries once, or keep polling with --loop.")
        deliver.add_argument("--limit", type=int, default=100)
        deliver.add_argument("--loop", type=float, default=0, help="Poll every SECONDS until interrupted.")
        sub.add_parser("status", help="Count deliveries by status.")

    def handle(self, *args, action, **options):
        if action == "status":
            for status, _label in WebhookDelivery.Status.choices:
                self.stdout.write(f"{status}: {WebhookDelivery.objects.filter(status=status).count()}")
            return
        while True:
            tried = deliver_due(limit=options["limit"])
            delivered = sum(1 for d in tried if d.status == WebhookDelivery.Status.DELIVERED)
            if tried or not options["loop"]:
                self.stdout.write(f"tried {len(tried)}, delivered {delivered}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
