"""One per-process memo for answers that depend only on the repository's public state.

An entry (a small table, the hidden branches, the last public change, a built
document) is kept while :func:`generation` is unchanged and for at most
``settings.API_STATE_TTL`` seconds (expiries log nothing); the least recently
used entries go first once there are ``MEMO_SIZE``. ``API_STATE_TTL = 0`` turns
the memo off; ``API_DOCUMENT_MEMO = False`` leaves built documents out of it.
"""

import itertools
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from wagtail.models import CollectionViewRestriction, ModelLogEntry, Page, PageLogEntry, PageViewRestriction

MEMO_SIZE = 4000

_lock = threading.Lock()
_memo = OrderedDict()
_local = threading.local()
_UNREAD = object()
# Bumped by every save or delete in this process: a write that logs nothing (or is rolled
# back, letting the database hand out the same ids again) still drops what was built before it.
_writes = itertools.count()
_last_write = 0


def _written(**kwargs):
    global _last_write
    _last_write = next(_writes)


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_written, dispatch_uid=f"api.state.{signal!r}")


def _generation_sql():
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
    # Expiry is a moment, not an event (nothing is logged until publish_scheduled runs): the number of
    # live pages already past their expiry changes the generation the moment one expires (indexed by
    # repository migration 0004).
    page, expire_at, live = q(Page._meta.db_table), q("expire_at"), q("live")
    parts.append(f"(SELECT COUNT(*) FROM {page} WHERE {expire_at} <= %s AND {live})")
    return "SELECT " + ", ".join(parts)


def generation():
    """A cheap fingerprint of everything that can change what the public sees.

    One statement of index-only look-ups (the newest page and model log entries, the
    view restrictions: every publish, unpublish, move, delete or privacy change writes
    one) plus this process's own write counter. Inside :func:`one_generation` it is read once.
    """
    pinned = getattr(_local, "generation", None)
    if pinned is not None and pinned is not _UNREAD:
        return pinned
    with connection.cursor() as cursor:
        cursor.execute(_generation_sql(), [timezone.now()])
        current = (*cursor.fetchone(), _last_write)
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
    """``compute()``, or what it returned for ``key`` in this generation, within the TTL."""
    ttl = settings.API_STATE_TTL
    if not ttl:
        return compute()
    current = generation()
    now = time.monotonic()
    with _lock:
        hit = _memo.get(key)
        if hit is not None and hit[0] == current and now - hit[1] < ttl:
            _memo.move_to_end(key)
            return hit[2]
    value = compute()
    with _lock:
        _memo[key] = (current, now, value)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def memoized_document(key, build):
    """A built API answer through the same memo, unless ``settings.API_DOCUMENT_MEMO`` is off."""
    if not settings.API_DOCUMENT_MEMO:
        return build()
    return memoized_by_generation(("document", *key), build)


def clear():
    with _lock:
        _memo.clear()
