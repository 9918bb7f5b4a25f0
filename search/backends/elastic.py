"""The Elasticsearch engine, through ``elasticsearch.dsl`` on the 8.19 client.

* Analysis: the ``thai`` tokenizer (or the ICU plugin's ``icu_tokenizer`` when
  ``SEARCH["ELASTICSEARCH_TOKENIZER"] = "icu_tokenizer"``), a char filter
  mapping Thai digits to Arabic, lower-casing; every text field has an
  ``english`` subfield with English stemming. The ``parts`` field receives the
  sub-word parts of compounds computed by ``search.analysis`` (the same ones
  the embedded engine indexes), so จัดซื้อ finds จัดซื้อจัดจ้าง here too.
* Zero-downtime rebuild: documents live in versioned indices
  ``<prefix>-<timestamp>``; the alias ``<prefix>`` points at the live one and
  is swapped atomically when a rebuild completes.
* Every request has a timeout and no retries: an unreachable server raises
  ``SearchUnavailable`` at once, and the outbox keeps the work for later.
"""

import datetime
import time

from elastic_transport import TransportError
from elasticsearch import Elasticsearch
from elasticsearch import exceptions as es_exceptions
from elasticsearch.dsl import Document, Index, Q, Search, analyzer, char_filter, field, token_filter
from elasticsearch.helpers import BulkIndexError, bulk, scan

from repository.thai import ARABIC_DIGITS, THAI_DIGITS

from .. import analysis
from ..errors import SearchUnavailable
from ..query import FACETS, SearchHit, SearchResults
from .base import SearchBackend

DEFAULT_TIMEOUT = 5  # seconds per request
FACET_SIZE = 100
# (field, boost) searched for every word of the query; the title weighs most.
SEARCH_FIELDS = [
    "title^10", "title.english^5", "summary^4", "summary.english^2",
    "body", "body.english^0.5", "extra^2", "extra.english", "parts",
]
PHRASE_FIELDS = ["title^10", "summary^4", "body^2"]
HIGHLIGHT = {
    "title": {"number_of_fragments": 0},
    "summary": {"fragment_size": 160, "number_of_fragments": 2},
    "body": {"fragment_size": 160, "number_of_fragments": 2},
}

THAI_DIGITS_FILTER = char_filter(
    "thai_digits", type="mapping", mappings=[f"{t}=>{a}" for t, a in zip(THAI_DIGITS, ARABIC_DIGITS, strict=True)]
)
ENGLISH_STEMMER = token_filter("english_stemmer", type="stemmer", language="english")
ENGLISH_POSSESSIVE = token_filter("english_possessive", type="stemmer", language="possessive_english")


def thai_analyzer(tokenizer="thai"):
    return analyzer(
        "thai_text", tokenizer=tokenizer, char_filter=[THAI_DIGITS_FILTER], filter=["lowercase", "decimal_digit"]
    )


ENGLISH_ANALYZER = analyzer(
    "english_text",
    tokenizer="standard",
    char_filter=[THAI_DIGITS_FILTER],
    filter=[ENGLISH_POSSESSIVE, "lowercase", ENGLISH_STEMMER],
)
PARTS_ANALYZER = analyzer("parts_text", tokenizer="whitespace", filter=["lowercase"])


def disclosure_document(tokenizer="thai"):
    """The Document class for one tokenizer choice (analyzers are bound at class creation)."""
    thai = thai_analyzer(tokenizer)

    def text():
        return field.Text(analyzer=thai, fields={"english": field.Text(analyzer=ENGLISH_ANALYZER)})

    class DisclosureDocument(Document):
        page_id = field.Integer()
        title = text()
        title_suggest = field.SearchAsYouType(analyzer=thai)
        summary = text()
        body = text()
        extra = text()
        parts = field.Text(analyzer=PARTS_ANALYZER)
        url_path = field.Keyword(index=False)
        page_type = field.Keyword()
        agency = field.Keyword()
        items = field.Keyword()
        fiscal_year = field.Integer()
        issue_date = field.Date()
        version = field.Keyword(index=False)

    return DisclosureDocument


def index_definition(name, tokenizer="thai"):
    """The ``Index`` (settings, analysis, mappings) of one versioned index."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0, max_result_window=10_000)
    index.document(disclosure_document(tokenizer))
    return index


def source_of(analysed):
    """The JSON body indexed for one analysed document."""
    d = analysed.document
    unsegment = str.maketrans({analysis.WORD_SEPARATOR: None})
    return {
        "page_id": d.page_id,
        "title": d.title,
        "title_suggest": analysis.normalise(d.title),
        "summary": analysed.summary.translate(unsegment),
        "body": analysed.body.translate(unsegment),
        "extra": analysed.extra.translate(unsegment),
        "parts": analysed.parts,
        "url_path": d.url_path,
        "page_type": d.page_type,
        "agency": d.agency,
        "items": list(d.items),
        "fiscal_year": d.fiscal_year,
        "issue_date": d.issue_date.isoformat() if d.issue_date else None,
        "version": d.version,
    }


def build_search(query, index="disclosures"):
    """The ``Search`` for a ``SearchQuery``: its ``to_dict()`` is the request body."""
    search = Search(index=index).extra(track_total_hits=True)
    terms = analysis.query_terms(query.text)
    if terms:
        must = [
            Q("multi_match", query=term, fields=SEARCH_FIELDS, type="best_fields", operator="and") for term in terms
        ]
        should = []
        if len(terms) > 1:
            should.append(Q("multi_match", query=" ".join(terms), fields=PHRASE_FIELDS, type="phrase", boost=5))
        search = search.query(Q("bool", must=must, should=should))
    elif query.text:
        search = search.query(Q("match_none"))
    filters = []
    if query.agency:
        filters.append(Q("terms", agency=query.agency))
    if query.item:
        filters.append(Q("terms", items=query.item))
    if query.page_type:
        filters.append(Q("terms", page_type=query.page_type))
    if query.fiscal_year:
        filters.append(Q("terms", fiscal_year=query.fiscal_year))
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        filters.append(Q("range", issue_date=bounds))
    for condition in filters:
        search = search.filter(condition)
    if query.sort == "date" or not terms:
        search = search.sort({"issue_date": {"order": "desc", "missing": "_last"}}, {"page_id": {"order": "desc"}})
    else:
        search = search.sort("_score", {"page_id": {"order": "asc"}})
    for name, source_field in (("agency", "agency"), ("item", "items"), ("page_type", "page_type"),
                               ("fiscal_year", "fiscal_year")):
        search.aggs.bucket(name, "terms", field=source_field, size=FACET_SIZE)
    if terms:
        search = search.highlight_options(
            type="unified", encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"],
            boundary_scanner="word", boundary_scanner_locale="th-TH",
        )
        for name, options in HIGHLIGHT.items():
            search = search.highlight(name, **options)
    search = search.source(["page_id", "title", "url_path", "page_type", "agency", "fiscal_year", "issue_date"])
    return search[query.offset : query.offset + query.per_page]


def build_suggest(prefix, limit=10, index="disclosures"):
    search = Search(index=index).query(
        "multi_match",
        query=prefix,
        type="bool_prefix",
        fields=["title_suggest", "title_suggest._2gram", "title_suggest._3gram"],
    )
    return search.source(["page_id", "title"])[:limit]


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, config):
        super().__init__(config)
        self.url = config.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200"
        self.alias = config.get("ELASTICSEARCH_INDEX_PREFIX") or "disclosures"
        self.tokenizer = config.get("ELASTICSEARCH_TOKENIZER") or "thai"
        self.timeout = float(config.get("ELASTICSEARCH_TIMEOUT") or DEFAULT_TIMEOUT)
        self._client = None

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
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error

    # --- indices ----------------------------------------------------------

    def new_index_name(self):
        return f"{self.alias}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S%f}"

    def index_body(self, name):
        return index_definition(name, self.tokenizer).to_dict()

    def ensure_index(self):
        """Create a first versioned index behind the alias if there is none."""
        if self._call(self.client.indices.exists_alias, name=self.alias):
            return
        name = self.new_index_name()
        body = self.index_body(name)
        self._call(self.client.indices.create, index=name, settings=body["settings"], mappings=body["mappings"],
                   aliases={self.alias: {}})

    def ping(self):
        self._call(self.client.info)

    def refresh(self):
        self._call(self.client.indices.refresh, index=self.alias)

    def drop_all(self):
        """Delete every index of this prefix (tests)."""
        self._call(self.client.indices.delete, index=f"{self.alias}-*", ignore_unavailable=True)

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
            raise SearchUnavailable(f"Elasticsearch at {self.url}: {error}") from error

    def begin_rebuild(self, resume=True):
        return _RebuildTarget(self, resume)

    # --- reading ----------------------------------------------------------

    def search(self, query):
        search = build_search(query, index=self.alias)
        if query.text and not analysis.query_terms(query.text):
            return SearchResults(0, [], {name: [] for name in FACETS}, query.page, query.per_page)
        response = self._call(self.client.search, index=self.alias, body=search.to_dict())
        hits = []
        for raw in response["hits"]["hits"]:
            source = raw["_source"]
            hits.append(SearchHit(
                page_id=source["page_id"],
                title=source["title"],
                url_path=source.get("url_path", ""),
                page_type=source.get("page_type", ""),
                agency=source.get("agency", ""),
                issue_date=datetime.date.fromisoformat(source["issue_date"]) if source.get("issue_date") else None,
                fiscal_year=source.get("fiscal_year"),
                score=float(raw.get("_score") or 0.0),
                highlights={name: list(values) for name, values in raw.get("highlight", {}).items()},
            ))
        facets = {
            name: [(bucket["key"], bucket["doc_count"]) for bucket in response["aggregations"][name]["buckets"]]
            for name in FACETS
        }
        total = response["hits"]["total"]["value"]
        return SearchResults(total=total, hits=hits, facets=facets, page=query.page, per_page=query.per_page)

    def suggest(self, prefix, limit=10):
        if not isinstance(prefix, str) or "\x00" in prefix:
            return []
        prefix = analysis.normalise(prefix[:200])
        if not prefix:
            return []
        limit = max(1, min(int(limit), 50))
        body = build_suggest(prefix, limit, index=self.alias).to_dict()
        response = self._call(self.client.search, index=self.alias, body=body)
        return [{"page_id": h["_source"]["page_id"], "title": h["_source"]["title"]} for h in response["hits"]["hits"]]


class _RebuildTarget:
    """A new versioned index; ``finish`` swaps the alias onto it and drops the old ones.

    Progress is kept in the index's ``_meta`` so an interrupted rebuild resumes.
    """

    def __init__(self, backend, resume):
        self.backend = backend
        client = backend.client
        self.name = None
        live = set(backend._call(client.indices.get_alias, name=backend.alias, ignore_unavailable=True) or {})
        if resume:
            existing = backend._call(client.indices.get, index=f"{backend.alias}-*", ignore_unavailable=True) or {}
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
        old = list(self.backend._call(client.indices.get_alias, name=alias, ignore_unavailable=True) or {})
        actions = [{"remove": {"index": name, "alias": alias}} for name in old]
        actions.append({"add": {"index": self.name, "alias": alias}})
        self.backend._call(client.indices.update_aliases, actions=actions)
        for name in old:
            self.backend._call(client.indices.delete, index=name, ignore_unavailable=True)

    def abandon(self):
        pass
