"""Elasticsearch faults and the API on a live node (``make elasticsearch``; CI starts it).

Refused connections, timeouts and a server answering 5xx each give the API's 503 problem and a
log line, never a 500; a full rebuild swaps the alias while queries run, none failing.
"""

import http.server
import logging
import os
import threading

import pytest
from rest_framework.test import APIClient

import search
from search.query import SearchQuery
from tests.api.builders import Tree

from .conftest import ELASTICSEARCH_URL, live_marks

pytestmark = [*live_marks(), pytest.mark.django_db]


def es_config(prefix, url=None, timeout=30):
    return {"BACKEND": "elasticsearch", "ELASTICSEARCH_URL": url or ELASTICSEARCH_URL or "http://127.0.0.1:9200",
            "ELASTICSEARCH_INDEX_PREFIX": f"test-live-{os.getpid()}-{prefix}", "ELASTICSEARCH_TIMEOUT": timeout,
            "SYNC_ON_COMMIT": False}


@pytest.fixture
def live(settings):
    settings.SEARCH = es_config("api")
    search.reset_backends()
    backend = search.get_backend()
    yield backend
    backend.drop_all()
    search.reset_backends()


def test_api_search_on_the_live_node_reports_how_words_matched(live):
    from search.outbox import drain

    tree = Tree()
    page = tree.news()
    assert drain()["error"] is None
    live.refresh()
    data = APIClient().get("/api/v1/search", {"q": page.title}).json()
    assert data["results"][0]["id"] == page.pk
    assert data["match"] == "phrase"
    check = live.check()
    assert check["ok"] and check["indexed"] == check["public"] >= 1


class _Answers500(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self._fail()

    do_POST = do_PUT = do_HEAD = do_GET

    def _fail(self):
        body = b'{"error":{"type":"internal","reason":"node failure"},"status":500}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def answers_500():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("fault", ["refused", "timeout", "5xx"])
def test_engine_faults_are_a_503_problem_and_a_log_line(settings, caplog, fault, request):
    if fault == "refused":
        settings.SEARCH = es_config("down", url="http://127.0.0.1:9", timeout=2)
    elif fault == "timeout":  # the live node, asked to answer faster than it can
        settings.SEARCH = es_config("slow", timeout=0.0001)
    else:
        settings.SEARCH = es_config("error", url=request.getfixturevalue("answers_500"), timeout=5)
    search.reset_backends()
    Tree().news()
    with caplog.at_level(logging.WARNING, logger="search.backends.elastic"):
        response = APIClient().get("/api/v1/search", {"q": "ข่าว"})
        suggest = APIClient().get("/api/v1/search/suggest", {"q": "ข่าว"})
    assert response.status_code == 503, response.content
    assert suggest.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert any("Elasticsearch at" in record.getMessage() for record in caplog.records)
    search.reset_backends()


def test_rebuild_swaps_the_alias_while_queries_run(live, django_db_blocker):
    tree = Tree()
    pages = [tree.news() for _ in range(3)]
    live.rebuild(processes=1, resume=False)
    live.refresh()
    before = live.aliased()
    failures, answers = [], []
    stop = threading.Event()
    backend = search.get_backend(es_config("api"))  # its own client, as another web worker would have

    def queries():
        while not stop.is_set() and len(answers) < 5000:
            try:
                answers.append(backend.search(SearchQuery(text=pages[0].title)).total)
            except Exception as error:  # any failure is the finding
                failures.append(error)

    thread = threading.Thread(target=queries)
    thread.start()
    try:
        for _ in range(2):
            live.rebuild(processes=1, resume=False)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures[:3]
    assert len(answers) > 10 and min(answers) >= 1
    after = live.aliased()
    assert after != before and len(after) == 1
    assert live.index_names() == after  # the old indices were dropped
