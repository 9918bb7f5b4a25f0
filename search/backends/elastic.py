"""The Elasticsearch engine, on the 8.19 client, with nothing but Elasticsearch's core.

* Analysis needs no plugin or optional module. ``search.analysis`` segments Thai
  with nlpo3 and joins the words with ``WORD_SEPARATOR`` (U+200B), which the core
  ``standard`` tokenizer splits on while it keeps a run of Thai letters whole; the
  indexed text has its Thai digits folded and is lower-cased
  (``analysis.index_form``); English words' Porter stems go to a ``stems`` field and
  compounds' parts to ``parts`` (the same parts the embedded engine indexes). Query
  words get the same treatment, so both engines index and query the same words.
  On a cluster with ``analysis-common``/``analysis-icu`` the ``thai`` or
  ``icu_tokenizer`` may be chosen (``SEARCH["ELASTICSEARCH_TOKENIZER"]``); the
  default is ``standard``, which every Elasticsearch has.
* The indexed fields are left out of ``_source``; it keeps the text as written
  (segmented), from which snippets are cut by ``search.highlight`` exactly as on
  the embedded engine. Suggestions use the folded title's trigrams (``title_grams``,
  cut in Python and split by the core ``whitespace`` analyzer: no
  ``search_as_you_type``, no n-gram filter), a typed word being the phrase of its
  trigrams, as in the embedded engine's trigram table, and a shorter word a
  trigram's first characters (the field's ``index_prefixes``); a keyword field of
  the folded title gives the boost of titles starting with the first word.
* Ranking: BM25 (title weighted most) under tiers that make a document holding
  the query as a phrase in its title, then the phrase anywhere, then every word
  in its title, rank above documents holding the words apart, at every result
  count. ``SearchResults.match`` says whether anything held the phrase.
* Zero-downtime rebuild: documents live in versioned indices
  ``<prefix>-<timestamp>``; the alias ``<prefix>`` points at the live one and
  is swapped atomically when a rebuild completes.
* Every request has a timeout and no retries: an unreachable server, a timeout or
  a 5xx raises ``SearchUnavailable`` at once, and the outbox keeps the work.
"""

import datetime
import logging
import time

from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.helpers import BulkIndexError, bulk, scan

from .. import analysis, highlight
from ..errors import SearchUnavailable
from ..query import FACETS, SearchHit, SearchResults
from .base import SearchBackend

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5  # seconds per request
FACET_SIZE = 100
# BM25 weight of each text field (the embedded engine's bm25 weights).
FIELD_WEIGHTS = {"title": 10, "summary": 4, "body": 1, "extra": 2}
TEXT_FIELDS = [f"{name}^{weight}" for name, weight in FIELD_WEIGHTS.items()]
# Constant scores added above any BM25 score (which stays far below 10^5 here): the tiers.
TIER_TITLE_PHRASE = 300_000
TIER_PHRASE = 200_000
TIER_TITLE_WORDS = 100_000
INDEXED_ONLY = ["title", "summary", "body", "extra", "parts", "stems", "title_folded", "title_grams"]
SOURCE_FIELDS = ["page_id", "display.title", "url_path", "page_type", "agency", "fiscal_year", "issue_date"]
SNIPPET_FIELDS = ["display.title_words", "display.summary", "display.body"]
# Tokenizers that need no plugin: the default. Others are allowed as a setting, for clusters that have them.
CORE_TOKENIZERS = ("standard",)


def index_definition(tokenizer="standard"):
    """Settings and mappings of one versioned index (only core analysis components by default)."""
    text = {"type": "text", "analyzer": "folded_text"}
    return {
        "settings": {
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "max_result_window": 10_000,
            "analysis": {"analyzer": {"folded_text": {"type": "custom", "tokenizer": tokenizer,
                                                      "filter": ["lowercase"]}}},
        },
        "mappings": {
            "dynamic": "strict",
            "_source": {"excludes": INDEXED_ONLY},
            "properties": {
                "page_id": {"type": "integer"},
                "title": text, "summary": text, "body": text, "extra": text, "parts": text,
                "stems": {"type": "text", "analyzer": "folded_text"},
                "title_folded": {"type": "keyword"},
                # the folded title's trigrams, in order (``title_grams``): a word is the phrase of its own
                # (and their first one or two characters: a word that short is a prefix of a trigram)
                "title_grams": {"type": "text", "analyzer": "whitespace", "norms": False,
                                "index_prefixes": {"min_chars": 1, "max_chars": GRAM - 1}},
                "display": {"type": "object", "enabled": False},
                "url_path": {"type": "keyword", "index": False},
                "page_type": {"type": "keyword"},
                "agency": {"type": "keyword"},
                "items": {"type": "keyword"},
                "fiscal_year": {"type": "integer"},
                "issue_date": {"type": "date"},
                "version": {"type": "keyword"},
            },
        },
    }


def source_of(analysed):
    """The JSON body indexed for one analysed document."""
    d = analysed.document
    fields = {name: getattr(analysed, name) for name in ("title", "summary", "body", "extra")}
    return {
        "page_id": d.page_id,
        **{name: analysis.index_form(value) for name, value in fields.items()},
        "parts": analysis.index_form(analysed.parts),
        "stems": analysis.english_stems(" ".join(fields.values())),
        "title_folded": analysis.fold(analysis.normalise(d.title)),
        "title_grams": " ".join(trigrams(analysis.fold(analysis.normalise(d.title)), padded=True)),
        "display": {
            "title": d.title,
            "title_words": analysed.title,
            "summary": analysed.summary[: highlight.MAX_SNIPPET_SOURCE],
            "body": analysed.body[: highlight.MAX_SNIPPET_SOURCE],
        },
        "url_path": d.url_path,
        "page_type": d.page_type,
        "agency": d.agency,
        "items": list(d.items),
        "fiscal_year": d.fiscal_year,
        "issue_date": d.issue_date.isoformat() if d.issue_date else None,
        "version": d.version,
    }


# --- queries ---------------------------------------------------------------


def _phrase(text, fields=TEXT_FIELDS):
    return {"multi_match": {"query": text, "type": "phrase", "fields": fields}}


def term_clause(term):
    """One query word: as a phrase of its tokens in the text fields, as a compound's part, by its English stem."""
    folded = analysis.fold(term)
    should = [_phrase(folded), {"match_phrase": {"parts": folded}}]
    parts = analysis.word_parts(term)
    if len(parts) > 1:  # a compound typed whole also finds a text where the segmenter cut it in two
        should.append(_phrase(analysis.fold(analysis.WORD_SEPARATOR.join(parts))))
    pieces = analysis.identifier_pieces(term)
    if pieces:  # ITA2569 also finds "ITA 2569"
        should.append(_phrase(analysis.fold(" ".join(pieces))))
    stem = analysis.english_stem(term)
    if stem:
        should.append({"match": {"stems": stem}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def phrase_of(terms):
    """The query's words as typed, one after another."""
    return analysis.fold(analysis.WORD_SEPARATOR.join(terms))


def filters_of(query):
    filters = []
    if query.agency:
        filters.append({"terms": {"agency": query.agency}})
    if query.item:
        # "2565:O22" keys as they are; a bare code (any framework year) as the keys ending in ":<code>"
        # (a leading wildcard over a field of a few hundred distinct terms)
        either = [{"terms": {"items": query.item_keys}}] if query.item_keys else []
        either += [{"wildcard": {"items": {"value": "*:" + _wildcard_literal(code)}}} for code in query.item_codes]
        filters.append({"bool": {"should": either, "minimum_should_match": 1}})
    if query.page_type:
        filters.append({"terms": {"page_type": query.page_type}})
    if query.fiscal_year:
        filters.append({"terms": {"fiscal_year": query.fiscal_year}})
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        filters.append({"range": {"issue_date": bounds}})
    return filters


def build_search(query, terms, all_words=True):
    """The request body of a ``SearchQuery`` whose words are ``terms``.

    ``all_words``: every word must match (else any one of them).
    """
    body = {"track_total_hits": True, "_source": SOURCE_FIELDS + (SNIPPET_FIELDS if terms else [])}
    boolean = {"filter": filters_of(query)}
    if terms:
        clauses = [term_clause(term) for term in terms]
        phrase = phrase_of(terms)
        tiers = [
            {"constant_score": {"filter": _phrase(phrase, ["title"]), "boost": TIER_TITLE_PHRASE}},
            {"constant_score": {"filter": _phrase(phrase), "boost": TIER_PHRASE}},
        ]
        if len(terms) > 1:
            tiers.append({"constant_score": {
                "filter": {"bool": {"must": [_phrase(analysis.fold(t), ["title"]) for t in terms]}},
                "boost": TIER_TITLE_WORDS,
            }})
        boolean["must"] = clauses if all_words else [{"bool": {"should": clauses, "minimum_should_match": 1}}]
        boolean["should"] = [{"dis_max": {"queries": tiers}}]
        body["aggs"] = {"phrase": {"filter": _phrase(phrase)}}
    body["query"] = {"bool": boolean}
    if query.sort == "date" or not terms:
        body["sort"] = [{"issue_date": {"order": "desc", "missing": "_last"}}, {"page_id": {"order": "desc"}}]
    else:
        body["sort"] = ["_score", {"page_id": {"order": "asc"}}]
    aggs = body.setdefault("aggs", {})
    for name, source_field in (("agency", "agency"), ("item", "items"), ("page_type", "page_type"),
                               ("fiscal_year", "fiscal_year")):
        aggs[name] = {"terms": {"field": source_field, "size": FACET_SIZE}}
    body["from"] = query.offset
    body["size"] = query.per_page
    return body


def _wildcard_literal(text):
    return "".join("\\" + c if c in "*?\\" else c for c in text)


GRAM = 3
_SPACE_IN_GRAM = "\u2423"  # ␣: a trigram across a space stays one token for the whitespace analyzer


def trigrams(text, padded=False):
    """The trigrams of ``text`` in order, spaces in them shown as ␣ (typed words hold no space).
    ``padded``: two ␣ added at the end, so that every character starts a trigram."""
    text = "".join(_SPACE_IN_GRAM if c.isspace() else c for c in text)
    text += _SPACE_IN_GRAM * (GRAM - 1) if padded else ""
    return [text[i : i + GRAM] for i in range(len(text) - GRAM + 1)]


def _title_holds(word):
    """A title holding ``word``: the phrase of its trigrams (positions one after another, so the word
    itself), or for a word under three characters a trigram starting with it (one term of the field's
    indexed prefixes). A wildcard ``*word*`` over the folded titles read every title of the index."""
    if len(word) >= GRAM:
        return {"match_phrase": {"title_grams": " ".join(trigrams(word))}}
    return {"prefix": {"title_grams": word}}


def build_suggest(prefix, limit=10):
    """Titles holding every typed word (as on the embedded engine), those starting with the first one first."""
    words = analysis.fold(analysis.normalise(prefix)).split()
    return {
        "_source": ["page_id", "display.title"],
        "query": {"bool": {
            "filter": [_title_holds(w) for w in words],
            "should": [{"prefix": {"title_folded": {"value": words[0], "boost": 10}}}],
        }},
        "sort": ["_score", {"issue_date": {"order": "desc", "missing": "_last"}}, {"page_id": {"order": "desc"}}],
        "size": limit,
    }


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, config):
        super().__init__(config)
        self.url = config.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200"
        self.alias = config.get("ELASTICSEARCH_INDEX_PREFIX") or "disclosures"
        self.tokenizer = config.get("ELASTICSEARCH_TOKENIZER") or "standard"
        self.timeout = float(config.get("ELASTICSEARCH_TIMEOUT") or DEFAULT_TIMEOUT)
        self._client = None
        self._mapping_current = False

    @property
    def client(self):
        if self._client is None:
            self._client = Elasticsearch(
                self.url, request_timeout=self.timeout, max_retries=0, retry_on_timeout=False
            )
        return self._client

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (TransportError, es_exceptions.ApiError, BulkIndexError) as error:
            logger.warning("Elasticsearch at %s failed: %s", self.url, str(error)[:500])
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error

    # --- indices ----------------------------------------------------------

    def new_index_name(self):
        return f"{self.alias}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"

    def index_body(self, name=None):
        return index_definition(self.tokenizer)

    def ensure_index(self):
        """Create a first versioned index behind the alias if there is none.

        Once per process, fields of this version's mapping that the live index lacks are added to it
        (``title_grams`` came after the first indices): the pages written from then on carry them, and
        ``search check --fix`` rewrites the older entries (stale by their ``DOCUMENT_FORMAT``)."""
        if self._call(self.client.indices.exists_alias, name=self.alias):
            if not self._mapping_current:
                properties = self.index_body()["mappings"]["properties"]
                try:
                    self.client.indices.put_mapping(index=self.alias, properties=properties)
                except es_exceptions.BadRequestError as error:  # a field that changed shape: rebuild
                    logger.warning("The index %s needs `manage.py search rebuild`: %s", self.alias, str(error)[:300])
                except (TransportError, es_exceptions.ApiError) as error:
                    logger.warning("Elasticsearch at %s failed: %s", self.url, str(error)[:500])
                    raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error
                self._mapping_current = True
            return
        name = self.new_index_name()
        body = self.index_body(name)
        self._call(self.client.indices.create, index=name, settings=body["settings"], mappings=body["mappings"],
                   aliases={self.alias: {}})

    def ping(self):
        # (GET / is the rest-root module's, which a minimal node may lack; health is core)
        self._call(self.client.cluster.health)

    def refresh(self):
        self._call(self.client.indices.refresh, index=self.alias)

    def aliased(self):
        """Names of the indices the alias points at (none before the first index exists)."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias, ignore_unavailable=True))
        except es_exceptions.NotFoundError:
            return []
        except (TransportError, es_exceptions.ApiError) as error:
            logger.warning("Elasticsearch at %s failed: %s", self.url, str(error)[:500])
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error

    def index_names(self):
        found = self._call(self.client.indices.get, index=f"{self.alias}-*", ignore_unavailable=True,
                           allow_no_indices=True, expand_wildcards="all")
        return sorted(found or {})

    def drop_all(self):
        """Delete every index of this prefix, by name (clusters refuse wildcard deletes by default)."""
        names = self.index_names()
        if names:
            self._call(self.client.indices.delete, index=",".join(names), ignore_unavailable=True)

    # --- writing ----------------------------------------------------------

    def write(self, analysed_documents, index=None):
        if index is None:
            self.ensure_index()
        actions = [
            {"_op_type": "index", "_index": index or self.alias, "_id": a.document.page_id, "_source": source_of(a)}
            for a in analysed_documents
        ]
        if actions:
            self._call(bulk, self.client, actions, refresh=False)

    def delete(self, page_ids):
        self.ensure_index()
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": pk} for pk in page_ids]
        if not actions:
            return
        _, errors = self._call(bulk, self.client, actions, raise_on_error=False)
        real = [e for e in errors if e.get("delete", {}).get("status") != 404]
        if real:
            raise SearchUnavailable(f"Elasticsearch refused deletions: {real[:3]}")

    def clear(self):
        self.ensure_index()
        self._call(self.client.delete_by_query, index=self.alias, query={"match_all": {}}, refresh=True)

    def indexed_versions(self):
        self.ensure_index()
        try:
            return {
                int(hit["_id"]): hit["_source"].get("version", "")
                for hit in scan(self.client, index=self.alias, query={"query": {"match_all": {}}}, _source=["version"])
            }
        except (TransportError, es_exceptions.ApiError) as error:
            logger.warning("Elasticsearch at %s failed: %s", self.url, str(error)[:500])
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error

    def begin_rebuild(self, resume=True):
        return _RebuildTarget(self, resume)

    def stats(self):
        found = self._call(self.client.indices.stats, index=self.alias, metric="docs,store")
        total = found["_all"]["primaries"]
        return {"documents": total["docs"]["count"], "size_bytes": total["store"]["size_in_bytes"]}

    # --- reading ----------------------------------------------------------

    def search(self, query):
        terms = analysis.query_terms(query.text)
        if query.text and not terms:
            return SearchResults(0, [], {name: [] for name in FACETS}, query.page, query.per_page)
        response = self._call(self.client.search, index=self.alias, body=build_search(query, terms))
        match = ""
        if terms:
            match = "phrase" if response["aggregations"]["phrase"]["doc_count"] else "all_words"
            if response["hits"]["total"]["value"] == 0 and len(terms) > 1:
                response = self._call(self.client.search, index=self.alias,
                                      body=build_search(query, terms, all_words=False))
                match = "any_words" if response["hits"]["total"]["value"] else ""
        hits = []
        for raw in response["hits"]["hits"]:
            source = raw["_source"]
            display = source.get("display", {})
            hit = SearchHit(
                page_id=source["page_id"],
                title=display.get("title", ""),
                url_path=source.get("url_path", ""),
                page_type=source.get("page_type", ""),
                agency=source.get("agency", ""),
                issue_date=datetime.date.fromisoformat(source["issue_date"]) if source.get("issue_date") else None,
                fiscal_year=source.get("fiscal_year"),
                score=float(raw.get("_score") or 0.0),
            )
            if terms:
                fields = {"title": display.get("title_words", ""), "summary": display.get("summary", ""),
                          "body": display.get("body", "")}
                hit.highlights = highlight.highlights_for(fields, terms)
            hits.append(hit)
        facets = {
            name: [(bucket["key"], bucket["doc_count"]) for bucket in response["aggregations"][name]["buckets"]]
            for name in FACETS
        }
        total = response["hits"]["total"]["value"]
        return SearchResults(total=total, hits=hits, facets=facets, page=query.page, per_page=query.per_page,
                             match=match)

    def suggest(self, prefix, limit=10):
        if not isinstance(prefix, str) or "\x00" in prefix:
            return []
        if not analysis.fold(analysis.normalise(prefix[:200])).split():
            return []
        limit = max(1, min(int(limit), 50))
        response = self._call(self.client.search, index=self.alias, body=build_suggest(prefix[:200], limit))
        return [{"page_id": h["_source"]["page_id"], "title": h["_source"]["display"]["title"]}
                for h in response["hits"]["hits"]]


class _RebuildTarget:
    """A new versioned index; ``finish`` swaps the alias onto it and drops the old ones.

    Progress is kept in the index's ``_meta`` so an interrupted rebuild resumes.
    """

    def __init__(self, backend, resume):
        self.backend = backend
        client = backend.client
        self.name = None
        live = set(backend.aliased())
        if resume:
            existing = backend._call(client.indices.get, index=f"{backend.alias}-*", ignore_unavailable=True,
                                     allow_no_indices=True) or {}
            candidates = sorted(
                name for name, info in existing.items()
                if name not in live and info.get("mappings", {}).get("_meta", {}).get("rebuilding")
            )
            if candidates:
                self.name = candidates[-1]
        if self.name is None:
            self.name = backend.new_index_name()
            body = backend.index_body(self.name)
            mappings = dict(body["mappings"], _meta={"rebuilding": True, "last_page_id": 0})
            backend._call(client.indices.create, index=self.name, settings=body["settings"], mappings=mappings)

    def last_page_id(self):
        mapping = self.backend._call(self.backend.client.indices.get_mapping, index=self.name)
        return mapping[self.name]["mappings"].get("_meta", {}).get("last_page_id") or None

    def write(self, analysed_documents, last_page_id):
        self.backend.write(analysed_documents, index=self.name)
        self.backend._call(
            self.backend.client.indices.put_mapping, index=self.name,
            meta={"rebuilding": True, "last_page_id": last_page_id},
        )

    def finish(self):
        client, alias = self.backend.client, self.backend.alias
        self.backend._call(client.indices.refresh, index=self.name)
        self.backend._call(client.indices.put_mapping, index=self.name, meta={"built_at": time.time()})
        old = self.backend.aliased()
        actions = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": self.name, "alias": alias}})
        self.backend._call(client.indices.update_aliases, actions=actions)
        for name in old:
            self.backend._call(client.indices.delete, index=name, ignore_unavailable=True)

    def abandon(self):
        pass
