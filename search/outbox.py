"""Recording index work with the change, and applying it after commit.

``enqueue`` writes ``IndexTask`` rows in the caller's transaction through the
shared outbox (``repository.outbox``: a failed write fails the change); when that
transaction commits, the embedded default applies them in-process. ``drain`` applies whatever is pending (the
``manage.py search sync`` worker, or a retry after the engine was down): it
re-reads each page, so applying a task twice changes nothing, and deletes the
tasks it applied. If the engine is unreachable the tasks stay, with the error
recorded, and the publish that wrote them is unaffected.
"""

import logging

from django.conf import settings

from repository import outbox

from . import get_backend
from .errors import SearchUnavailable
from .models import IndexTask

logger = logging.getLogger(__name__)

DRAIN_BATCH = 200
ON_COMMIT_BATCHES = 1  # in a web request, apply at most this many batches


def sync_on_commit():
    """Apply tasks in-process after commit? Default: yes for the embedded engine."""
    config = settings.SEARCH
    return config.get("SYNC_ON_COMMIT", config.get("BACKEND", "embedded") == "embedded")


def enqueue(page_ids, reason):
    """Record that these pages' index entries must be brought up to date."""
    page_ids = sorted({int(pk) for pk in page_ids if pk is not None})
    if not page_ids:
        return []
    rows = [IndexTask(page_id=pk, reason=reason) for pk in page_ids]
    return outbox.write(rows, after_commit=_drain_after_commit if sync_on_commit() else None)


def _drain_after_commit():
    drain(max_batches=ON_COMMIT_BATCHES)


def drain(backend=None, batch_size=DRAIN_BATCH, max_batches=None):
    """Apply pending tasks in order; returns ``{"applied": n, "pages": n, "error": str|None}``.

    Stops at the first engine failure, leaving the remaining tasks for later.
    """
    backend = backend or get_backend()
    applied = pages = batches = 0
    while max_batches is None or batches < max_batches:
        tasks = list(IndexTask.objects.order_by("pk").values_list("pk", "page_id")[:batch_size])
        if not tasks:
            break
        batches += 1
        task_ids = [pk for pk, _ in tasks]
        page_ids = sorted({page_id for _, page_id in tasks})
        try:
            backend.reconcile(page_ids)
        except SearchUnavailable as error:
            logger.warning("Search engine unavailable, %d index tasks wait: %s", IndexTask.objects.count(), error)
            from django.db.models import F

            IndexTask.objects.filter(pk__in=task_ids).update(attempts=F("attempts") + 1, last_error=str(error)[:2000])
            return {"applied": applied, "pages": pages, "error": str(error)}
        IndexTask.objects.filter(pk__in=task_ids).delete()
        applied += len(task_ids)
        pages += len(page_ids)
    return {"applied": applied, "pages": pages, "error": None}


def enqueue_drift(report):
    """Queue every page ``check`` found out of line (missing, extra or stale)."""
    page_ids = report["missing"] + report["extra"] + report["stale"]
    return enqueue(page_ids, IndexTask.Reason.REINDEX)
