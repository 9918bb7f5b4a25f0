"""Wagtail and Django signals that put index work in the outbox.

Connected in ``SearchConfig.ready()``. They only write ``IndexTask`` rows —
in the transaction of the change when there is one — and never call the
engine, so a publish succeeds whether or not search is reachable.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from repository.models import Agency, DisclosurePage

from .models import IndexTask
from .outbox import enqueue


def _disclosure_ids_under(page):
    """The page itself and every disclosure below it."""
    ids = set(DisclosurePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
    ids.add(page.pk)
    return ids


def on_page_published(sender, instance, **kwargs):
    # A section going live again may make the disclosures below it public: re-evaluate them too.
    enqueue(_disclosure_ids_under(instance) if instance.numchild else [instance.pk], IndexTask.Reason.PUBLISHED)


def on_page_unpublished(sender, instance, **kwargs):
    # Unpublishing (or expiring) a section hides everything below it.
    enqueue(_disclosure_ids_under(instance) if instance.numchild else [instance.pk], IndexTask.Reason.UNPUBLISHED)


def on_page_moved(sender, instance, **kwargs):
    # url_path, agency and items of everything below may change with the move
    enqueue(_disclosure_ids_under(instance), IndexTask.Reason.MOVED)


def on_page_deleted(sender, instance, **kwargs):
    enqueue([instance.pk], IndexTask.Reason.DELETED)


def on_view_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        enqueue(_disclosure_ids_under(page), IndexTask.Reason.RESTRICTED)


def on_agency_saved(sender, instance, created=False, **kwargs):
    # The agency's name is indexed with each of its disclosures.
    if created:
        return
    enqueue(DisclosurePage.objects.filter(agency=instance).values_list("pk", flat=True), IndexTask.Reason.REINDEX)


def connect():
    post_save.connect(on_agency_saved, sender=Agency, dispatch_uid="search.agency_saved")
    page_published.connect(on_page_published, dispatch_uid="search.page_published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid="search.page_unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="search.post_page_move")
    # Deleting any page (and, through the collector, each descendant) deletes a Page row.
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="search.page_deleted")
    post_save.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_saved")
    post_delete.connect(
        on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid="search.restriction_deleted"
    )
