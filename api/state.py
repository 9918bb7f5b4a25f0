"""Small per-process memo for repository-wide facts read on every request.

The hidden branches (view restrictions, unpublished or expired parents) and
the last public change cost table scans, and change rarely. They are kept
until :func:`generation` changes (any publish, unpublish, move, delete or
privacy change) and at most ``settings.API_STATE_TTL`` seconds (default 60,
for expiries, which log nothing; 0 in tests disables the memo).
"""

import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from django.conf import settings

_lock = threading.Lock()
_memo = {}
_local = threading.local()
_UNREAD = object()


def memoized(key, compute):
    ttl = getattr(settings, "API_STATE_TTL", 1.0)
    if not ttl:
        return compute()
    now = time.monotonic()
    with _lock:
        hit = _memo.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    value = compute()
    with _lock:
        _memo[key] = (now, value)
    return value


def _generation_sql(connection):
    from wagtail.models import CollectionViewRestriction, ModelLogEntry, PageLogEntry, PageViewRestriction

    q = connection.ops.quote_name
    parts = []
    for model, aggregates in (
        (PageLogEntry, ("MAX",)),
        (ModelLogEntry, ("MAX",)),
        (PageViewRestriction, ("COUNT", "MAX")),
        (CollectionViewRestriction, ("COUNT", "MAX")),
    ):
        table, pk = q(model._meta.db_table), q(model._meta.pk.column)
        parts.extend(f"(SELECT {aggregate}({pk}) FROM {table})" for aggregate in aggregates)
    return "SELECT " + ", ".join(parts)


def generation():
    """A cheap fingerprint of everything that can change visibility or Last-Modified.

    One statement of index-only look-ups: the newest page and model log entries
    and the page and collection view restrictions. Publish, unpublish, move,
    delete and privacy changes all write one of them, so a memo keyed on this
    is refreshed by the next request after a change, not after a TTL. Expiries
    write nothing, so the memo also turns over every ``settings.API_STATE_TTL``
    seconds. Inside :func:`one_generation` (an API request) it is read once.
    """
    pinned = getattr(_local, "generation", None)
    if pinned is not None and pinned is not _UNREAD:
        return pinned
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_generation_sql(connection))
        current = tuple(cursor.fetchone())
    if pinned is _UNREAD:
        _local.generation = current
    return current


@contextmanager
def one_generation():
    """Within this block (one read-only request) :func:`generation` queries the database once."""
    if getattr(_local, "generation", None) is not None:  # nested (an in-process API call): keep the outer one
        yield
        return
    _local.generation = _UNREAD
    try:
        yield
    finally:
        _local.generation = None


def memoized_by_generation(key, compute):
    """Memoise ``compute()`` until the repository's generation changes or the TTL passes."""
    ttl = getattr(settings, "API_STATE_TTL", 1.0)
    if not ttl:
        return compute()
    current = generation()
    now = time.monotonic()
    with _lock:
        hit = _memo.get(key)
    if hit is not None and hit[2] == current and now - hit[0] < ttl:
        return hit[1]
    value = compute()
    with _lock:
        _memo[key] = (now, value, current)
    return value


def clear():
    with _lock:
        _memo.clear()
        _documents.clear()


_documents = OrderedDict()
DOCUMENT_CACHE_SIZE = 2000


def cached_document(key, build):
    """A rendered-to-dict API document, kept per process until the generation changes.

    Same rule as the other memos: any publish, unpublish, move, delete or
    privacy change (or the TTL, for expiries) makes every entry stale, so a
    cached document never outlives the visibility it was built under.
    """
    ttl = getattr(settings, "API_STATE_TTL", 1.0)
    if not ttl or not getattr(settings, "API_DOCUMENT_MEMO", True):
        return build()
    current = generation()
    now = time.monotonic()
    with _lock:
        hit = _documents.get(key)
        if hit is not None and hit[0] == current and now - hit[1] < ttl:
            _documents.move_to_end(key)
            return hit[2]
    value = build()
    with _lock:
        _documents[key] = (current, now, value)
        while len(_documents) > DOCUMENT_CACHE_SIZE:
            _documents.popitem(last=False)
    return value
