"""Wagtail signal receivers: publish, unpublish, move and delete of public pages enqueue events.

Connected in ``ApiConfig.ready()`` so that admin actions, management commands
and code alike produce them. Pages in a private (view-restricted) section or
never published produce nothing, so webhooks reveal nothing the API would not.
"""

from django.db.models.signals import post_delete, pre_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from repository import visibility

from ..visibility import is_public, path_below_root
from .events import enqueue, page_payload

_deleting = {}


def on_published(sender, instance, revision=None, **kwargs):
    if is_public(instance):
        enqueue("page.published", page_payload(instance, title=instance.title))
        if instance.numchild and _was_unpublished(instance):
            # A section back online makes the disclosures below it public again.
            for page in visibility.public_disclosures_below(instance):
                enqueue("page.published", page_payload(page, title=page.title))


def on_unpublished(sender, instance, **kwargs):
    # Deleting a live page "unpublishes" it without saving (commit=False): the
    # row is still live, and page.deleted will follow instead.
    if Page.objects.filter(pk=instance.pk, live=True).exists():
        return
    if instance.first_published_at is not None and not _in_private_section(instance):
        enqueue("page.unpublished", page_payload(instance))
        if instance.numchild:
            # Unpublishing a section hides every disclosure below it: each one is withdrawn.
            for page in visibility.public_disclosures_below(instance, as_if_public=True):
                enqueue("page.unpublished", page_payload(page))


def _was_unpublished(page):
    """True when the page's latest publication-state entry before this publish was an unpublish."""
    from wagtail.models import PageLogEntry

    last = (
        PageLogEntry.objects.filter(page_id=page.pk, action__in=("wagtail.publish", "wagtail.unpublish"))
        .order_by("-timestamp", "-pk").values_list("action", flat=True).first()
    )
    return last == "wagtail.unpublish"


def on_moved(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before == url_path_after or not is_public(instance):
        return
    before = Page(url_path=url_path_before)
    enqueue("page.moved", page_payload(instance, title=instance.title, path_before=path_below_root(before)))


def on_pre_delete(sender, instance, **kwargs):
    # is_public reads the row, which is still live here even after Wagtail's own
    # pre_delete receiver has unpublished the instance in memory.
    if instance.first_published_at is not None and is_public(instance):
        _deleting[instance.pk] = page_payload(instance)


def on_post_delete(sender, instance, **kwargs):
    payload = _deleting.pop(instance.pk, None)
    if payload is not None:
        enqueue("page.deleted", payload)


def _in_private_section(page):
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.filter(page__path__in=[page.path[:n] for n in range(4, len(page.path) + 1, 4)]).exists()


def connect():
    page_published.connect(on_published, dispatch_uid="api.webhooks.published")
    page_unpublished.connect(on_unpublished, dispatch_uid="api.webhooks.unpublished")
    post_page_move.connect(on_moved, dispatch_uid="api.webhooks.moved")
    pre_delete.connect(on_pre_delete, sender=Page, dispatch_uid="api.webhooks.pre_delete")
    post_delete.connect(on_post_delete, sender=Page, dispatch_uid="api.webhooks.post_delete")
