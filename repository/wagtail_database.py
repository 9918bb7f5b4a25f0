"""Wagtail's database search backend (the admin's page search) without its per-save full-table pass.

modelsearch's database index recomputes ``title_norm`` on every ``add``: an
``AVG(LENGTH(title))`` and an ``UPDATE … WHERE title_norm = 1.0`` over the whole
``wagtailsearch_indexentry`` table, so every page save costs time in proportion to
the repository (about 330 ms per call at 60,000 entries, three calls per published
page). Here that incremental refresh is skipped: a new entry keeps the default norm
1.0 (the average title length; it only weighs title matches in the admin's
ranking) until ``manage.py update_index`` (or ``wagtail_update_index``) refreshes
every norm at once, as modelsearch's rebuilder does. The public search is ours
(``search/``) and does not read this index.

``deferred_adds()`` also lets a bulk import collect the objects saved inside it
and index them in one ``add_bulk`` pass per model (``flush_deferred``) instead of
once per save.

The configured backend (``WAGTAILSEARCH_BACKENDS``) is ``search.admin_backend``: this one
with Thai word segmentation added on top (the segmenter lives in ``search``, above this layer).
"""

from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar

from modelsearch.backends import database

_deferred = ContextVar("wagtail_search_deferred", default=None)


class NoIncrementalTitleNorms:
    """Refresh title norms only in full (rebuilds), never per saved object."""

    def _refresh_title_norms(self, full=False):
        if full:
            super()._refresh_title_norms(full=True)


class DeferrableAdds:
    def add(self, obj):
        pending = _deferred.get()
        if pending is not None:
            pending[type(obj)][obj.pk] = obj
            return
        super().add(obj)


def database_backend(params):
    """modelsearch's database backend for this database, with the two changes above."""
    backend = database.SearchBackend(params)
    index_class = backend.index_class
    if hasattr(index_class, "_refresh_title_norms"):
        backend.index_class = type(index_class.__name__, (NoIncrementalTitleNorms, index_class), {})
    backend.__class__ = type(type(backend).__name__, (DeferrableAdds, type(backend)), {})
    return backend


@contextmanager
def deferred_adds():
    """Inside: index additions are collected, not written; call ``flush_deferred()`` before leaving."""
    token = _deferred.set(defaultdict(dict))
    try:
        yield
    finally:
        _deferred.reset(token)


def flush_deferred():
    """Index what was collected since ``deferred_adds()`` began, one bulk pass per model; returns the count."""
    from modelsearch.backends import get_search_backends

    pending = _deferred.get()
    if not pending:
        return 0
    batches = {model: list(objects.values()) for model, objects in pending.items()}
    pending.clear()
    token = _deferred.set(None)  # the backends below must really write
    try:
        for backend in get_search_backends(with_auto_update=True):
            for model, objects in batches.items():
                backend.add_bulk(model, objects)
    finally:
        _deferred.reset(token)
    return sum(len(objects) for objects in batches.values())
