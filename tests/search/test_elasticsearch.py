"""The Elasticsearch backend without a server: what the index definition and request
bodies may hold, and real failure paths against a closed local port (no mocked client).

The behavioural suite in ``test_behaviour.py`` runs against a real server when
``ELASTICSEARCH_URL`` is set.
"""

import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import search
from search import analysis
from search import documents as docs
from search.backends.elastic import ElasticsearchBackend, build_search, build_suggest, source_of, trigrams
from search.errors import SearchUnavailable
from search.models import IndexTask
from search.query import SearchQuery

from .helpers import build_site, corpus_rows, publish_news

CLOSED_PORT = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused at once


def closed_backend(**extra):
    return ElasticsearchBackend({"ELASTICSEARCH_URL": CLOSED_PORT, "ELASTICSEARCH_INDEX_PREFIX": "disclosures",
                                 "ELASTICSEARCH_TIMEOUT": 2, **extra})


def _types(mapping):
    for name, spec in mapping.get("properties", {}).items():
        yield name, spec.get("type")
        yield from _types(spec)


def test_index_needs_no_plugin_or_optional_module():
    """Only what every Elasticsearch has: the standard tokenizer, the lowercase filter, core field types
    (no thai tokenizer, mapping char filter or stemmer of analysis-common, no search_as_you_type of mapper-extras)."""
    body = closed_backend().index_body("disclosures-20250101000000000000")
    analysis_settings = body["settings"]["analysis"]
    assert set(analysis_settings) == {"analyzer"}
    for analyzer in analysis_settings["analyzer"].values():
        assert analyzer["tokenizer"] == "standard"
        assert analyzer["filter"] == ["lowercase"]
        assert "char_filter" not in analyzer
    core = {"text", "keyword", "integer", "date", "object"}
    assert {kind for _, kind in _types(body["mappings"])} <= core
    named = {spec["analyzer"] for spec in body["mappings"]["properties"].values() if "analyzer" in spec}
    assert named <= set(analysis_settings["analyzer"]) | {"whitespace"}  # whitespace: a built-in of the core


def test_plugin_tokenizer_is_a_setting():
    body = closed_backend(ELASTICSEARCH_TOKENIZER="icu_tokenizer").index_body("x")
    assert body["settings"]["analysis"]["analyzer"]["folded_text"]["tokenizer"] == "icu_tokenizer"


def test_query_words_get_the_documents_analysis():
    query = SearchQuery(text="จัดซื้อจัดจ้าง ๒๒๔/๒๕๖๑ Vaccines", agency=["uthai-thani"], item=["o22"],
                        fiscal_year=[2025], date_from="2024-10-01", date_to="2025-09-30", page=2, per_page=10)
    terms = analysis.query_terms(query.text)
    body = build_search(query, terms)
    text = json.dumps(body, ensure_ascii=False)
    assert "224/2561" in text and "๒" not in text  # Thai digits folded as in the index
    assert "vaccin" in text and "Vaccines" not in text  # case folded, the Porter stem searched in `stems`
    assert "จัดซื้อ\u200bจัดจ้าง" in text  # the compound's parts, as a phrase
    assert body["from"] == 10 and body["size"] == 10
    filters = body["query"]["bool"]["filter"]
    assert {"terms": {"fiscal_year": [2568]}} in filters
    # a bare code is that code in any framework year: the "<year>:<code>" keys ending in it
    assert {"bool": {"should": [{"wildcard": {"items": {"value": "*:O22"}}}], "minimum_should_match": 1}} in filters
    keyed = build_search(SearchQuery(item=["2022:o22", "o7"]), [])["query"]["bool"]["filter"]
    assert keyed == [{"bool": {"should": [{"terms": {"items": ["2565:O22"]}},
                                          {"wildcard": {"items": {"value": "*:O7"}}}], "minimum_should_match": 1}}]


def test_query_syntax_in_user_text_stays_text():
    query = SearchQuery(text='title:"x" AND (y OR z)*')
    body = build_search(query, analysis.query_terms(query.text))
    assert "query_string" not in str(body) and "simple_query_string" not in str(body)
    suggest = build_suggest("a*b?c\\ x*", 5)
    assert suggest["query"]["bool"]["filter"] == [
        {"match_phrase": {"title_grams": "a*b *b? b?c ?c\\"}},  # the text itself, cut in three
        {"prefix": {"title_grams": "x*"}},  # a prefix query reads no syntax
    ]


def test_suggestions_read_the_title_trigrams_not_every_title():
    """A typed word of three or more characters is the phrase of its trigrams in ``title_grams`` (the
    embedded engine's trigram table), a shorter one a trigram's first characters (padded at the end, every
    character of a title starts a trigram): a leading wildcard over the folded titles read every title of
    the index and took 0.2–0.9 s a suggestion at 62,000 pages."""
    body = build_suggest("กระทรวงสาธารณสุข ๑๐ ab", 10)
    words = body["query"]["bool"]["filter"]
    assert words[0] == {"match_phrase": {"title_grams": " ".join(trigrams("กระทรวงสาธารณสุข"))}}
    assert words[1] == {"prefix": {"title_grams": "10"}}  # Thai digits folded, two characters
    assert words[2] == {"prefix": {"title_grams": "ab"}}
    assert "wildcard" not in json.dumps(body)
    assert body["query"]["bool"]["should"] == [{"prefix": {"title_folded": {"value": "กระทรวงสาธารณสุข", "boost": 10}}}]
    assert trigrams("ab cde") == ["ab\u2423", "b\u2423c", "\u2423cd", "cde"]
    assert trigrams("ab") == []
    assert trigrams("ab", padded=True) == ["ab\u2423", "b\u2423\u2423"]


def test_document_source_folds_indexed_text_and_keeps_the_display():
    row = next(r for r in corpus_rows(200) if any(c in r["body"] for c in "๐๑๒๓๔๕๖๗๘๙"))
    analysed = docs.analyse_document(docs.document_for_corpus_row(row))
    source = source_of(analysed)
    assert not any(c in source["body"] for c in "๐๑๒๓๔๕๖๗๘๙")
    assert any(c in source["display"]["body"] for c in "๐๑๒๓๔๕๖๗๘๙") or len(row["body"]) > 30_000
    assert "\u200b" in source["body"]  # the words stay apart for the standard tokenizer
    assert source["page_id"] == row["id"] and source["page_type"] == "newspage"
    assert source["issue_date"] == row["date"]
    assert source["display"]["title"] == row["title"]
    assert source["title_grams"] == " ".join(trigrams(source["title_folded"], padded=True))


@pytest.mark.parametrize("call", [
    lambda b: b.search(SearchQuery(text="ข่าว")),
    lambda b: b.suggest("ข่าว"),
    lambda b: b.delete([1]),
    lambda b: b.indexed_versions(),
    lambda b: b.ping(),
])
def test_unreachable_server_raises_search_unavailable_quickly(call):
    backend = closed_backend()
    started = time.monotonic()
    with pytest.raises(SearchUnavailable, match="127.0.0.1:9"):
        call(backend)
    assert time.monotonic() - started < 3


def test_write_to_unreachable_server_raises_search_unavailable():
    row = corpus_rows(1)[0]
    analysed = docs.analyse_document(docs.document_for_corpus_row(row))
    with pytest.raises(SearchUnavailable):
        closed_backend().write([analysed])


@pytest.mark.django_db
def test_publish_with_elasticsearch_down_keeps_tasks(settings, django_capture_on_commit_callbacks):
    site = build_site()
    settings.SEARCH = {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": CLOSED_PORT,
                       "ELASTICSEARCH_INDEX_PREFIX": "disclosures", "ELASTICSEARCH_TIMEOUT": 2,
                       "SYNC_ON_COMMIT": True}
    search.reset_backends()
    assert isinstance(search.get_backend(), ElasticsearchBackend)
    with django_capture_on_commit_callbacks(execute=True):
        page = publish_news(site["agencies"]["search-pm"]["news"], corpus_rows(1)[0])
    assert page.live
    task = IndexTask.objects.get(page_id=page.pk)
    assert task.attempts == 1 and "Connection" in task.last_error
    with pytest.raises(CommandError, match="unavailable"):
        call_command("search", "sync", stdout=io.StringIO())
    assert IndexTask.objects.filter(page_id=page.pk).exists()
    with pytest.raises(CommandError, match="unavailable"):
        call_command("search", "check", stdout=io.StringIO())
