"""Expiry is a moment, not an event: expired disclosures leave search results when they expire.

Wagtail unpublishes expired pages only when ``publish_scheduled`` runs (which
then writes the usual outbox rows). Until then a page past its ``expire_at``, or
below a section past its own, is already not public (``repository.visibility``),
so before each search the engine is told to drop such disclosures: results,
``total``, facets and suggestions never count them. Each process withdraws a page
once; ``search sync``/``check`` agree, since neither counts an expired page public.
"""

import threading

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from repository.models import DisclosurePage

_lock = threading.Lock()
# Each backend object keeps the (page id, expiry) pairs this process has withdrawn from it.
_WITHDRAWN = "_expired_withdrawn"


def expired_disclosures(now=None):
    """``{page id: expiry}`` of disclosures still live in the database but past their own or a section's
    expiry (the latest such expiry above them, so a page that expires again after a new publication is
    withdrawn again)."""
    now = now or timezone.now()
    # No ordering: Page's default (by path) made SQLite walk every page in path order instead of
    # reading the expire_at index (repository migration 0004), on every search.
    expired = dict(Page.objects.filter(live=True, expire_at__lte=now).order_by().values_list("path", "expire_at"))
    if not expired:
        return {}
    below = Q()
    for path in expired:
        below |= Q(path__startswith=path)
    found = {}
    for pk, path in DisclosurePage.objects.filter(below).values_list("pk", "path"):
        found[pk] = max(moment for prefix, moment in expired.items() if path.startswith(prefix))
    return found


def withdraw_expired(backend):
    """Drop from ``backend`` the expired disclosures this process has not dropped yet."""
    found = expired_disclosures()
    if not found:
        return
    with _lock:
        done = backend.__dict__.setdefault(_WITHDRAWN, set())
        new = {(pk, moment) for pk, moment in found.items()} - done
        done.update(new)
    if new:
        backend.delete(sorted(pk for pk, _moment in new))
