"""Elasticsearch faults and the API on a live node (``make elasticsearch``; CI starts it).

Refused connections, timeouts and a server answering 5xx each give the API's 503 problem and a
log line, never a 500; a full rebuild swaps the alias while queries run, none failing; the node
killed while pages are published loses nothing (the outbox waits, ``search sync`` catches up).
"""

import http.server
import io
import logging
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

import search
from search.models import IndexTask
from search.query import SearchQuery
from tests.api.builders import Tree

from .conftest import ELASTICSEARCH_REQUIRED, ELASTICSEARCH_URL, live_marks

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


def test_an_index_from_before_title_grams_gets_the_field_and_check_fix_fills_it(live):
    """Indices built before suggestions read ``title_grams`` have a strict mapping without it: the field is
    added to the live index on first use, and ``search check --fix`` rewrites the entries written before
    (stale by their document format), after which their titles are suggested again."""
    from search import analysis
    from search.outbox import drain

    tree = Tree()
    page = tree.news()
    name = live.new_index_name()
    body = live.index_body(name)
    body["mappings"]["properties"].pop("title_grams")
    live.client.indices.create(index=name, settings=body["settings"], mappings=body["mappings"],
                               aliases={live.alias: {}})
    old = live.client.index(index=name, id=page.pk, refresh=True, document={
        "page_id": page.pk, "title_folded": page.title.lower(), "display": {"title": page.title},
        "version": "old"})
    assert old["result"] == "created"
    search.reset_backends()
    backend = search.get_backend()
    typed = analysis.fold(analysis.normalise(page.title))[2:9]
    assert backend.suggest(typed) == []  # the entry of before holds no trigrams
    call_command("search", "check", "--fix", stdout=io.StringIO())
    assert drain()["error"] is None
    backend.refresh()
    assert page.pk in [s["page_id"] for s in backend.suggest(typed)]
    assert "title_grams" in backend.client.indices.get_mapping(index=name)[name]["mappings"]["properties"]


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


def _our_node_pid():
    """The PID of the node tools/elasticsearch.sh started (None when the node is someone else's)."""
    found = subprocess.run(["bash", str(TOOL), "pid"], capture_output=True, text=True)
    return int(found.stdout) if found.returncode == 0 and found.stdout.strip().isdigit() else None


TOOL = Path(__file__).resolve().parents[2] / "tools" / "elasticsearch.sh"


def test_node_killed_while_publishing_then_sync_catches_up(settings, django_capture_on_commit_callbacks):
    """Kill -9 the node, publish, restart it: tasks waited in the outbox; sync applies them once; no drift.

    Needs the node `make elasticsearch` started (its PID is recorded); against another node it cannot run.
    """
    pid = _our_node_pid()
    if pid is None and ELASTICSEARCH_REQUIRED:
        pytest.fail("the live node was not started by tools/elasticsearch.sh: cannot kill it")
    if pid is None:
        pytest.skip("the node at ELASTICSEARCH_URL was not started by tools/elasticsearch.sh")
    settings.SEARCH = {**es_config("kill", timeout=30), "SYNC_ON_COMMIT": True}
    search.reset_backends()
    backend = search.get_backend()
    tree = Tree()
    with django_capture_on_commit_callbacks(execute=True):
        before = tree.news()
    assert not IndexTask.objects.filter(page_id=before.pk).exists()  # applied at once while the node was up
    try:
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if _our_node_pid() is None:
                break
            time.sleep(0.1)
        with django_capture_on_commit_callbacks(execute=True):
            published = [tree.news() for _ in range(3)]
        assert all(page.live for page in published)  # publishing does not depend on search
        waiting = set(IndexTask.objects.values_list("page_id", flat=True))
        assert {page.pk for page in published} <= waiting
        assert all(task.attempts >= 1 for task in IndexTask.objects.all())
    finally:
        subprocess.run(["bash", str(TOOL), "up"], check=True, capture_output=True, timeout=300)
    search.reset_backends()
    backend = search.get_backend()
    out = io.StringIO()
    call_command("search", "sync", stdout=out)
    assert "tasks applied" in out.getvalue()
    assert not IndexTask.objects.exists()
    backend.refresh()
    report = backend.check()
    assert report["ok"], report
    assert report["indexed"] == report["public"]
    call_command("search", "check", stdout=io.StringIO())  # raises on drift
    for page in [before, *published]:  # each once
        assert [hit.page_id for hit in backend.search(SearchQuery(text=page.title, per_page=50)).hits].count(page.pk) == 1
    backend.drop_all()
    search.reset_backends()
