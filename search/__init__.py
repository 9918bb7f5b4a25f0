"""Public full-text search of disclosures, in Thai.

The API other parts of the project use::

    from search import get_backend
    from search.query import SearchQuery
    from search.errors import InvalidQuery, SearchUnavailable

    backend = get_backend()
    results = backend.search(SearchQuery(text="จัดซื้อ", fiscal_year=[2568]))
    backend.suggest("จัดซื้")

Dependencies point one way: ``analysis`` (text) ← ``documents`` (pages →
documents) ← ``backends`` (engines) ← ``outbox`` (index tasks) ← ``signals``
and management commands. Nothing here imports the API app.
"""

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "embedded": "search.backends.embedded.EmbeddedBackend",
    "elasticsearch": "search.backends.elastic.ElasticsearchBackend",
}

_backends = {}


def get_backend(config=None):
    """The engine chosen by ``settings.SEARCH["BACKEND"]`` (``embedded`` or ``elasticsearch``).

    Pass ``config`` (a dict shaped like ``settings.SEARCH``) to get another one.
    Backends are cached per configuration.
    """
    config = dict(config if config is not None else settings.SEARCH)
    name = config.get("BACKEND") or "embedded"
    if name not in BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"SEARCH['BACKEND'] must be one of {', '.join(BACKENDS)}, not {name!r}")
    key = (name, tuple(sorted((k, str(v)) for k, v in config.items())))
    backend = _backends.get(key)
    if backend is None:
        backend = _backends[key] = import_string(BACKENDS[name])(config)
    return backend


def reset_backends():
    """Forget cached backends (tests change settings between cases)."""
    for backend in _backends.values():
        close = getattr(backend, "close", None)
        if close:
            close()
    _backends.clear()
