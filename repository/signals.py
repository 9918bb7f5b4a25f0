"""Keep derived values true when Wagtail changes the tree.

Connected in RepositoryConfig.ready(), so admin moves get it as well as code.
"""

import threading

from django.db.models.signals import post_save, pre_save
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import PageLogEntry
from wagtail.signals import post_page_move

from .documents import refuse_file_change
from .models import Agency, AgencyPage, DisclosurePage

ACTION_AGENCY_FOLLOWS_TREE = "repository.agency_follows_tree"

# Agency changes made by a move, waiting for the move's own log entry (which knows who moved what).
_pending = threading.local()


def refresh_agency_after_move(sender, instance, **kwargs):
    """A disclosure belongs to the agency whose part of the tree it sits in.

    Pages below the moved one whose agency changes are logged once Wagtail has
    logged the move (``log_agency_changes``); the moved page itself needs no entry
    of its own: its ``wagtail.move`` entry is made after this and holds the new agency.
    """
    moved = DisclosurePage.objects.descendant_of(instance, inclusive=True)
    changes = []
    for page in moved.only("pk", "path", "depth", "agency_id"):
        agency_page = AgencyPage.objects.ancestor_of(page).order_by("-depth").first()
        agency_id = agency_page.agency_id if agency_page else None
        if page.agency_id != agency_id:
            DisclosurePage.objects.filter(pk=page.pk).update(agency_id=agency_id)
            if page.pk != instance.pk:
                changes.append((page.pk, page.agency_id, agency_id))
    if changes:
        if not hasattr(_pending, "moves"):
            _pending.moves = {}
        _pending.moves[instance.pk] = (instance.title, changes)


def log_agency_changes(sender, instance, created, raw=False, **kwargs):
    """When Wagtail logs a move, log each page below it whose agency changed
    (``repository.agency_follows_tree``, by the same user, in the same log context),
    so that the audit trail seals those pages' new state too."""
    if not created or raw or instance.action not in ("wagtail.move", "wagtail.reorder"):
        return
    title, changes = getattr(_pending, "moves", {}).pop(instance.page_id, (None, None))
    if not changes:
        return
    agency_ids = {agency_id for _, before, after in changes for agency_id in (before, after) if agency_id}
    codes = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "code"))
    for page_id, before, after in changes:
        page = DisclosurePage.objects.get(pk=page_id).specific
        log(page, ACTION_AGENCY_FOLLOWS_TREE, user=instance.user, uuid=instance.uuid, data={
            "agency": {"before": codes.get(before), "after": codes.get(after)},
            "moved_page": {"id": instance.page_id, "title": title},
            "reason": f"moved with {title}",
        })


def connect():
    pre_save.connect(refuse_file_change, sender=get_document_model(), dispatch_uid="repository.refuse_file_change")
    post_page_move.connect(refresh_agency_after_move, dispatch_uid="repository.refresh_agency_after_move")
    post_save.connect(log_agency_changes, sender=PageLogEntry, dispatch_uid="repository.log_agency_changes")
