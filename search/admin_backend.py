"""The admin's search in Thai: Wagtail's page search, the page and document choosers, indexed snippets.

Wagtail's admin searches through its own search backend (``WAGTAILSEARCH_BACKENDS``), here the database
one (``repository.wagtail_database``: SQLite FTS5, PostgreSQL full text). Both tokenise at spaces and
punctuation, and Thai is written without spaces: a title such as ``ก่อสร้างถนนคอนกรีตเสริมเหล็ก`` was one
token, so searching ถนนคอนกรีต, หนองสระ or ห้วยคต found nothing.

This backend gives that index and its queries the public search's analysis (``search.analysis``):

* **indexing**: every value an indexed object gives is normalised, cut into words by the project's one
  segmenter, the parts of its compounds added (จัดซื้อจัดจ้าง → จัดซื้อ, จัดจ้าง), Thai digits folded to
  Arabic and lower-cased, the words joined by spaces — which both databases split at (``index_text``);
* **querying**: each whitespace-separated chunk a person types is cut the same way, and the words of one
  chunk are all required (``หนองสระ`` = หนอง AND สระ, the last word a prefix where Wagtail autocompletes),
  while chunks combine with the operator the caller asked for (``thai_query``).

Nothing about *which* objects are searched changes: Wagtail's views still search the querysets they are
given — the pages a user may explore (drafts and unpublished pages included, as in Wagtail's own search),
the documents of the collections a user may choose from — so no role sees more than it did.

modelsearch builds each vendor's index rows with a module-level ``ObjectIndexer`` class and offers no
setting for it; ``_with_indexer`` gives the vendor's own ``add_items`` a namespace in which that name is our
subclass, so the rest of the vendor's code runs unchanged (tests/search/test_admin_search.py pins it on
SQLite and PostgreSQL). On a database without full-text support (modelsearch's fallback backend, which
matches substrings) nothing is changed.

After an upgrade that changes this analysis, ``manage.py update_index`` rebuilds the admin index.
"""

import types

from modelsearch.backends.base import EmptySearchResults
from modelsearch.query import Not, Or, Phrase, PlainText

from repository.wagtail_database import database_backend
from search import analysis


def index_text(text):
    """What the admin index stores for one value: its words and compound parts, spaced, folded."""
    analysed = analysis.analyse(text)
    if not analysed.display:
        return ""
    words = analysed.display.replace(analysis.WORD_SEPARATOR, " ")
    return analysis.fold(" ".join([words, *analysed.parts]))


def chunk_words(chunk):
    """The folded words of one typed chunk (no whitespace inside), punctuation dropped."""
    return [analysis.fold(word) for word in analysis.query_terms(chunk)]


def thai_query(query, operator=None):
    """``query`` (a string or a modelsearch query) with its text cut into words; None if no word is left."""
    if isinstance(query, str):
        query = PlainText(query, operator=operator or "or")
    return _rewrite(query)


def _rewrite(query):
    if isinstance(query, PlainText):
        groups = [words for words in map(chunk_words, query.query_string.split()) if words]
        if not groups:
            return None
        if query.operator == "and" or len(groups) == 1:
            return PlainText(" ".join(w for words in groups for w in words), operator="and", boost=query.boost)
        return Or([PlainText(" ".join(words), operator="and", boost=query.boost) for words in groups])
    if isinstance(query, Phrase):
        words = chunk_words(query.query_string.replace(" ", ""))
        return Phrase(" ".join(words)) if words else None
    if isinstance(query, Not):
        inner = _rewrite(query.subquery)
        return Not(inner) if inner is not None else None
    subqueries = getattr(query, "subqueries", None)
    if subqueries is not None:  # And, Or
        rewritten = [q for q in map(_rewrite, subqueries) if q is not None]
        if not rewritten:
            return None
        return rewritten[0] if len(rewritten) == 1 else type(query)(rewritten)
    return query  # MatchAll, Fuzzy, Boost: left as they are


class ThaiValues:
    """An ``ObjectIndexer`` whose indexed values are ``index_text``."""

    def prepare_value(self, value):
        if isinstance(value, (list, dict)):
            return super().prepare_value(value)  # each item comes back through here
        return index_text(super().prepare_value(value))


class ThaiQueries:
    """A backend whose ``search`` and ``autocomplete`` queries are ``thai_query``."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if query == "" or query is None:
            return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)
        rewritten = thai_query(query, kwargs.get("operator"))
        if rewritten is None:  # only punctuation was typed
            return EmptySearchResults()
        return super()._search(query_compiler_class, rewritten, model_or_queryset, **kwargs)


def _with_indexer(add_items, indexer_class):
    """The vendor's ``add_items`` reading ``ObjectIndexer`` as ``indexer_class`` (its other names unchanged)."""
    namespace = {**add_items.__globals__, "ObjectIndexer": indexer_class}
    return types.FunctionType(add_items.__code__, namespace, add_items.__name__, add_items.__defaults__,
                              add_items.__closure__)


def SearchBackend(params):  # noqa: N802 - the name Wagtail's backend loader looks up
    backend = database_backend(params)
    add_items = backend.index_class.add_items
    vendor_indexer = add_items.__globals__.get("ObjectIndexer")
    if vendor_indexer is None:  # the fallback backend: substring matching, which Thai needs no help with
        return backend
    indexer = type("ThaiObjectIndexer", (ThaiValues, vendor_indexer), {})
    backend.index_class = type(backend.index_class.__name__, (backend.index_class,),
                               {"add_items": _with_indexer(add_items, indexer)})
    backend.__class__ = type(type(backend).__name__, (ThaiQueries, type(backend)), {})
    return backend
