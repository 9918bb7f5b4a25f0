"""The Elasticsearch backend without a server: exact index definition and request
bodies, and real failure paths against a closed local port (no mocked client).

The behavioural suite in ``test_behaviour.py`` runs against a real server when
``ELASTICSEARCH_URL`` is set.
"""

import io
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

import search
from search import documents as docs
from search.backends.elastic import ElasticsearchBackend, build_search, build_suggest, source_of
from search.errors import SearchUnavailable
from search.models import IndexTask
from search.query import SearchQuery

from .helpers import build_site, corpus_rows, publish_news

CLOSED_PORT = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused at once

EXPECTED_INDEX = {'mappings': {'properties': {'agency': {'type': 'keyword'},
                             'body': {'analyzer': 'thai_text',
                                      'fields': {'english': {'analyzer': 'english_text', 'type': 'text'}},
                                      'type': 'text'},
                             'extra': {'analyzer': 'thai_text',
                                       'fields': {'english': {'analyzer': 'english_text', 'type': 'text'}},
                                       'type': 'text'},
                             'fiscal_year': {'type': 'integer'},
                             'issue_date': {'type': 'date'},
                             'items': {'type': 'keyword'},
                             'page_id': {'type': 'integer'},
                             'page_type': {'type': 'keyword'},
                             'parts': {'analyzer': 'parts_text', 'type': 'text'},
                             'summary': {'analyzer': 'thai_text',
                                         'fields': {'english': {'analyzer': 'english_text', 'type': 'text'}},
                                         'type': 'text'},
                             'title': {'analyzer': 'thai_text',
                                       'fields': {'english': {'analyzer': 'english_text', 'type': 'text'}},
                                       'type': 'text'},
                             'title_suggest': {'analyzer': 'thai_text', 'type': 'search_as_you_type'},
                             'url_path': {'index': False, 'type': 'keyword'},
                             'version': {'index': False, 'type': 'keyword'}}},
 'settings': {'analysis': {'analyzer': {'english_text': {'char_filter': ['thai_digits'],
                                                         'filter': ['english_possessive',
                                                                    'lowercase',
                                                                    'english_stemmer'],
                                                         'tokenizer': 'standard',
                                                         'type': 'custom'},
                                        'parts_text': {'filter': ['lowercase'],
                                                       'tokenizer': 'whitespace',
                                                       'type': 'custom'},
                                        'thai_text': {'char_filter': ['thai_digits'],
                                                      'filter': ['lowercase', 'decimal_digit'],
                                                      'tokenizer': 'thai',
                                                      'type': 'custom'}},
                           'char_filter': {'thai_digits': {'mappings': ['๐=>0',
                                                                        '๑=>1',
                                                                        '๒=>2',
                                                                        '๓=>3',
                                                                        '๔=>4',
                                                                        '๕=>5',
                                                                        '๖=>6',
                                                                        '๗=>7',
                                                                        '๘=>8',
                                                                        '๙=>9'],
                                                           'type': 'mapping'}},
                           'filter': {'english_possessive': {'language': 'possessive_english',
                                                             'type': 'stemmer'},
                                      'english_stemmer': {'language': 'english', 'type': 'stemmer'}}},
              'max_result_window': 10000,
              'number_of_replicas': 0,
              'number_of_shards': 1}}
EXPECTED_QUERY = {'_source': ['page_id', 'title', 'url_path', 'page_type', 'agency', 'fiscal_year', 'issue_date'],
 'aggs': {'agency': {'terms': {'field': 'agency', 'size': 100}},
          'fiscal_year': {'terms': {'field': 'fiscal_year', 'size': 100}},
          'item': {'terms': {'field': 'items', 'size': 100}},
          'page_type': {'terms': {'field': 'page_type', 'size': 100}}},
 'from': 10,
 'highlight': {'boundary_scanner': 'word',
               'boundary_scanner_locale': 'th-TH',
               'encoder': 'html',
               'fields': {'body': {'fragment_size': 160, 'number_of_fragments': 2},
                          'summary': {'fragment_size': 160, 'number_of_fragments': 2},
                          'title': {'number_of_fragments': 0}},
               'post_tags': ['</mark>'],
               'pre_tags': ['<mark>'],
               'type': 'unified'},
 'query': {'bool': {'filter': [{'terms': {'agency': ['uthai-thani']}},
                               {'terms': {'items': ['O22']}},
                               {'terms': {'page_type': ['newspage']}},
                               {'terms': {'fiscal_year': [2568]}},
                               {'range': {'issue_date': {'gte': '2024-10-01', 'lte': '2025-09-30'}}}],
                    'minimum_should_match': 0,
                    'must': [{'multi_match': {'fields': ['title^10',
                                                         'title.english^5',
                                                         'summary^4',
                                                         'summary.english^2',
                                                         'body',
                                                         'body.english^0.5',
                                                         'extra^2',
                                                         'extra.english',
                                                         'parts'],
                                              'operator': 'and',
                                              'query': 'จัดซื้อ',
                                              'type': 'best_fields'}},
                             {'multi_match': {'fields': ['title^10',
                                                         'title.english^5',
                                                         'summary^4',
                                                         'summary.english^2',
                                                         'body',
                                                         'body.english^0.5',
                                                         'extra^2',
                                                         'extra.english',
                                                         'parts'],
                                              'operator': 'and',
                                              'query': '๒๒๔/๒๕๖๑',
                                              'type': 'best_fields'}}],
                    'should': [{'multi_match': {'boost': 5,
                                                'fields': ['title^10', 'summary^4', 'body^2'],
                                                'query': 'จัดซื้อ ๒๒๔/๒๕๖๑',
                                                'type': 'phrase'}}]}},
 'size': 10,
 'sort': ['_score', {'page_id': {'order': 'asc'}}],
 'track_total_hits': True}
EXPECTED_BROWSE = {'_source': ['page_id', 'title', 'url_path', 'page_type', 'agency', 'fiscal_year', 'issue_date'],
 'aggs': {'agency': {'terms': {'field': 'agency', 'size': 100}},
          'fiscal_year': {'terms': {'field': 'fiscal_year', 'size': 100}},
          'item': {'terms': {'field': 'items', 'size': 100}},
          'page_type': {'terms': {'field': 'page_type', 'size': 100}}},
 'from': 0,
 'query': {'bool': {'filter': [{'terms': {'fiscal_year': [2568]}}]}},
 'size': 20,
 'sort': [{'issue_date': {'missing': '_last', 'order': 'desc'}}, {'page_id': {'order': 'desc'}}],
 'track_total_hits': True}
EXPECTED_SUGGEST = {'_source': ['page_id', 'title'],
 'query': {'multi_match': {'fields': ['title_suggest', 'title_suggest._2gram', 'title_suggest._3gram'],
                           'query': 'จัดซื้',
                           'type': 'bool_prefix'}},
 'size': 5}


def closed_backend(**extra):
    return ElasticsearchBackend({"ELASTICSEARCH_URL": CLOSED_PORT, "ELASTICSEARCH_INDEX_PREFIX": "disclosures",
                                 "ELASTICSEARCH_TIMEOUT": 2, **extra})


def test_index_definition_is_exact():
    assert closed_backend().index_body("disclosures-20250101000000000000") == EXPECTED_INDEX


def test_icu_tokenizer_is_a_setting():
    body = closed_backend(ELASTICSEARCH_TOKENIZER="icu_tokenizer").index_body("x")
    assert body["settings"]["analysis"]["analyzer"]["thai_text"]["tokenizer"] == "icu_tokenizer"
    assert body["mappings"] == EXPECTED_INDEX["mappings"]


def test_query_body_is_exact():
    query = SearchQuery(
        text="จัดซื้อ ๒๒๔/๒๕๖๑", agency=["uthai-thani"], item=["o22"], page_type=["newspage"], fiscal_year=[2025],
        date_from="2024-10-01", date_to="2025-09-30", sort="relevance", page=2, per_page=10,
    )
    assert build_search(query).to_dict() == EXPECTED_QUERY


def test_browse_body_sorts_by_date_without_highlight():
    assert build_search(SearchQuery(fiscal_year=[2568])).to_dict() == EXPECTED_BROWSE


def test_suggest_body_is_exact():
    assert build_suggest("จัดซื้", 5).to_dict() == EXPECTED_SUGGEST


def test_query_syntax_in_user_text_stays_text():
    body = build_search(SearchQuery(text='title:"x" AND (y OR z)*')).to_dict()
    queries = [clause["multi_match"]["query"] for clause in body["query"]["bool"]["must"]]
    assert all(clause["multi_match"]["type"] == "best_fields" for clause in body["query"]["bool"]["must"])
    assert "query_string" not in str(body) and "simple_query_string" not in str(body)
    assert queries  # sent as match text, which Elasticsearch never parses as syntax


def test_document_source_unsegments_text():
    row = corpus_rows(1)[0]
    analysed = docs.analyse_document(docs.document_for_corpus_row(row))
    source = source_of(analysed)
    assert "\u200b" not in source["body"]
    assert source["page_id"] == row["id"] and source["page_type"] == "newspage"
    assert source["issue_date"] == row["date"]


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
