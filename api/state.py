"""Small per-process memo for repository-wide facts read on every request.

The hidden branches (view restrictions, unpublished or expired parents) and
the last public change are the same for every request in a short window.
They are kept for ``settings.API_STATE_TTL`` seconds (default 1; 0 in tests),
which bounds how long after a change a process may still use the old value —
well under the ``Cache-Control: max-age`` the API already allows clients.
"""

import threading
import time

from django.conf import settings

_lock = threading.Lock()
_memo = {}


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


def clear():
    with _lock:
        _memo.clear()
