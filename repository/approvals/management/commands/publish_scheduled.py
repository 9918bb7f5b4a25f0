"""Wagtail's ``publish_scheduled``, refusing revisions the procedure did not approve.

Replaces ``wagtail``'s command of the same name (this app comes first in
INSTALLED_APPS). Before Wagtail's own command runs, every due revision of a
disclosure page is put to the publication gate (``gate.refusal``); one the gate
would refuse is taken off the schedule, logged
(``approvals.refused_scheduled_publish``) and reported, so one refusal does not
stop the others. Approved ones go live through Wagtail's code, which passes the
same gate and writes their approval form.
"""

from django.utils import timezone
from wagtail.log_actions import log
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Page, Revision

from repository.approvals.gate import is_governed, refusal


class Command(WagtailCommand):
    help = "Publish scheduled revisions that passed the approval procedure, and unpublish expired ones."

    def handle(self, *args, **options):
        due = Revision.objects.page_revisions().filter(approved_go_live_at__lt=timezone.now())
        for revision in due.order_by("approved_go_live_at"):
            obj = revision.content_object
            if not isinstance(obj, Page) or not is_governed(obj):
                continue
            refused = refusal(obj, revision)
            if refused is None:
                continue
            self.stderr.write(
                f"Refused: revision {revision.pk} of page {obj.pk} \u201c{obj.title}\u201d was not approved; "
                f"taken off the schedule. ({refused})"
            )
            if not options.get("dryrun"):
                Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
                log(instance=obj.specific, action="approvals.refused_scheduled_publish", revision=revision,
                    data={"revision_id": revision.pk})
        return super().handle(*args, **options)
