"""Benchmark of both search engines, side by side, on the shared corpus of real Thai news.

    .venv/bin/python bench/search_index.py            # the 5k sample, embedded and Elasticsearch
    .venv/bin/python bench/search_index.py --full     # all 62,345 documents
    .venv/bin/python bench/search_index.py --engines embedded   # one engine only

Elasticsearch is the node at ``ELASTICSEARCH_URL`` (``make elasticsearch`` starts a local one).
Each engine indexes the same documents, runs the same mixed query set and the same known-item set
(titles and body sentences typed without spaces, number phrases in both digit systems: the
document each was taken from is the answer), whose mean reciprocal rank (MRR, first 10 results)
is reported; and phrases found in no document, for which the share answered "all_words" is reported.

Indexes the corpus straight into the embedded engine (documents built from
corpus rows by ``search.documents.document_for_corpus_row``, segmented by the
same ``search.analysis`` code, in a pool of worker processes), then runs a
mixed query set with filters and reports documents/s, index size, peak
memory and query latency percentiles. Prints a JSON line at the end too.

Over HTTP through the API (``--http``), on both engines in one run:

    ELASTICSEARCH_URL=http://127.0.0.1:9200 SHARED_DIR=/work/shared \
        .venv/bin/python bench/search_index.py --http --full [--reuse]

The repository is ``bench.api_serve``'s (``--var``, default ``var/bench``): migrate, the demo tree and
the full corpus loaded as published NewsPages by ``bench.api_corpus`` (a benchmark fixture), once;
``--reuse`` keeps it and the indexes of an earlier run. Each engine's index is built from those pages
by ``manage.py search rebuild`` (documents/s and CPU of the rebuild recorded in
``var/bench/search-<engine>.json``, index size measured), then the API is served by gunicorn
(``bench.api_serve.start_server``: production settings, 2 workers × 2 threads) and driven by
``bench.api_serve.drive``: the same mixed query set as ``/api/v1/search`` requests and the same typed
prefixes as ``/api/v1/search/suggest`` requests, each once from one client (p50/p95/p99, by kind
too), then each from ``--load-clients`` clients for ``--seconds``. CPU per request is the server's
(and the local Elasticsearch node's, whose PID ``tools/elasticsearch.sh`` records) over the run.
"""

import argparse
import gzip
import json
import lzma
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("elastic_transport").setLevel(logging.WARNING)  # one INFO line per request otherwise

from bench.api_serve import Client, drive, environment, free_port, manage, prepare, start_server  # noqa: E402
from search import analysis  # noqa: E402
from search.backends.base import analysed_stream, default_processes  # noqa: E402
from search.backends.elastic import ElasticsearchBackend  # noqa: E402
from search.backends.embedded import EmbeddedBackend  # noqa: E402
from search.documents import document_for_corpus_row  # noqa: E402
from search.query import SearchQuery  # noqa: E402

SHARED = Path("/work/shared/data")
SAMPLE = SHARED / "thaigov-news-5k.jsonl.gz"
FULL = SHARED / "thaigov-news-full.jsonl.xz"


def read_rows(path, limit=None):
    opener = lzma.open if str(path).endswith(".xz") else gzip.open
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def sampled(rows, sample, size=2000):
    """Pass ``rows`` through, keeping a uniform sample of ``size`` of them in ``sample`` (the rows queries
    are made from)."""
    rng = random.Random(20251125)
    for count, row in enumerate(rows, 1):
        if len(sample) < size:
            sample.append(row)
        elif rng.random() < size / count:
            sample[rng.randrange(size)] = row
        yield row


def cpu_seconds():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def peak_memory_mb():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, workers


def make_backend(engine, path):
    if engine == "embedded":
        return EmbeddedBackend({"EMBEDDED_PATH": str(path)})
    return ElasticsearchBackend(
        {
            "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200",
            "ELASTICSEARCH_INDEX_PREFIX": f"bench-{os.getpid()}",
            "ELASTICSEARCH_TIMEOUT": 60,
        }
    )


def index_size_mb(backend, path):
    if isinstance(backend, EmbeddedBackend):
        return path.stat().st_size / 1024 / 1024
    backend._call(backend.client.indices.forcemerge, index=backend.alias, max_num_segments=1)
    return backend.stats()["size_bytes"] / 1024 / 1024


def build_index(path, source, limit, processes, chunk_size, engine="embedded"):
    backend = make_backend(engine, path)
    target = backend.begin_rebuild(resume=False)
    agency_codes = {}
    sample = []  # (row fields needed for queries), bounded
    count = 0

    def documents():
        nonlocal count
        for row in sampled(read_rows(source, limit), sample):
            count += 1
            yield document_for_corpus_row(row, agency_codes)

    started = time.perf_counter()
    cpu_before = cpu_seconds()
    load_before = os.getloadavg()[0]
    for chunk in analysed_stream(documents(), processes=processes, chunk_size=chunk_size):
        target.write(chunk, chunk[-1].document.page_id)
    written = time.perf_counter()
    target.finish()
    finished = time.perf_counter()
    cpu_after = cpu_seconds()
    main_cpu, workers_cpu = (cpu_after[0] - cpu_before[0]), (cpu_after[1] - cpu_before[1])
    return (
        backend,
        {
            "main_cpu": main_cpu,
            "workers_cpu": workers_cpu,
            "load": (load_before, os.getloadavg()[0]),
            "documents": count,
            "index_seconds": written - started,
            "optimize_seconds": finished - written,
            "docs_per_second": count / (finished - started),
            "agencies": agency_codes,
        },
        sample,
    )


def _phrase(body, rng):
    for paragraph in rng.sample(body.split("\n"), k=min(4, len(body.split("\n")))):
        chunks = [c for c in paragraph.split(" ") if len(c) >= 8 and re.fullmatch(r"[\u0e01-\u0e4e]+", c)]
        pairs = [a + b for a, b in zip(chunks, chunks[1:], strict=False) if f"{a} {b}" in paragraph]
        if pairs:
            return rng.choice(pairs)
    return None


def query_set(sample, agencies, size, rng):
    """A mix: known-item phrases, common words, English, digits, filters, browsing, page 2."""
    words = {}
    for row in sample[:800]:
        for word in analysis.segment(analysis.normalise(row["title"])):
            if len(word) >= 4 and analysis.is_thai(word):
                words[word] = words.get(word, 0) + 1
    common = [w for w, _ in sorted(words.items(), key=lambda item: -item[1])[:200]]
    english = ["vaccine", "Prime Minister", "economy", "COVID-19", "tourism", "Government", "investment"]
    digits = ["๒๕๖๔", "2564", "๑๐ ล้าน", "30 บาท", "๓๐ กันยายน"]
    codes = list(agencies.values())
    queries = []
    while len(queries) < size:
        kind = rng.random()
        row = rng.choice(sample)
        if kind < 0.35:
            text = _phrase(row["body"], rng) or row["title"][:30]
            queries.append(("known-item", SearchQuery(text=text)))
        elif kind < 0.55:
            queries.append(("word", SearchQuery(text=rng.choice(common))))
        elif kind < 0.62:
            queries.append(("english", SearchQuery(text=rng.choice(english))))
        elif kind < 0.67:
            queries.append(("digits", SearchQuery(text=rng.choice(digits))))
        elif kind < 0.80:
            year = int(row["date"][:4]) + rng.choice([0, 543])
            queries.append(
                (
                    "word+fiscal_year+agency",
                    SearchQuery(text=rng.choice(common), fiscal_year=[year], agency=[rng.choice(codes)]),
                )
            )
        elif kind < 0.87:
            queries.append(
                (
                    "word+dates, by date",
                    SearchQuery(text=rng.choice(common), date_from="2021-01-01", date_to="2022-12-31", sort="date"),
                )
            )
        elif kind < 0.93:
            queries.append(("browse agency+year", SearchQuery(agency=[rng.choice(codes)], fiscal_year=[2566])))
        else:
            queries.append(("word, page 2", SearchQuery(text=rng.choice(common), page=2)))
    return queries


_NUMBER_PHRASE = re.compile(r"[\u0e01-\u0e4e]{2,} ?[0-9\u0e50-\u0e59][0-9\u0e50-\u0e59,./]*[0-9\u0e50-\u0e59]")


def known_items(sample, texts, rng, size=300):
    """(kind, query text, page id) for the known-item set, and the phrases found in no document.

    ``texts`` holds every indexed document's title and body (spaces removed), so that only
    queries found in exactly one document are kept: the answer is then that document.
    """
    haystack = "\x00".join(texts)

    def unique(text):
        first = haystack.find(text)
        return first >= 0 and haystack.find(text, first + 1) < 0

    items = []
    rows = rng.sample(sample, k=min(len(sample), size))
    for row in rows:
        title = row["title"].replace(" ", "")
        if len(title) >= 12 and unique(title):
            items.append(("title without spaces", row["title"].replace(" ", ""), row["id"]))
        phrase = _phrase(row["body"], rng)
        if phrase and unique(phrase):
            items.append(("body sentence without spaces", phrase, row["id"]))
        for match in _NUMBER_PHRASE.finditer(row["body"]):
            text = match.group(0).replace(" ", "")
            if len(text) >= 8 and unique(text):
                from repository.thai import to_arabic_digits, to_thai_digits

                items.append(("number phrase, Arabic digits", to_arabic_digits(match.group(0)), row["id"]))
                items.append(("number phrase, Thai digits", to_thai_digits(match.group(0)), row["id"]))
                break
    nowhere = []
    for first, second in zip(rows, rows[1:], strict=False):
        a = _phrase(first["body"], rng)
        b = _phrase(second["body"], rng)
        if a and b:
            text = a[: len(a) // 2] + b[len(b) // 2 :]
            if haystack.find(text) < 0:
                nowhere.append(text)
    return items, nowhere[:100]


def run_known_items(backend, items, nowhere):
    reciprocal, by_kind = [], {}
    for kind, text, page_id in items:
        results = backend.search(SearchQuery(text=text, per_page=10))
        ranked = [hit.page_id for hit in results.hits]
        value = 1 / (ranked.index(page_id) + 1) if page_id in ranked else 0.0
        reciprocal.append(value)
        by_kind.setdefault(kind, []).append(value)
    said = sum(1 for text in nowhere if backend.search(SearchQuery(text=text)).match in ("all_words", "any_words", ""))
    return statistics.mean(reciprocal) if reciprocal else 0.0, by_kind, said


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def run_queries(backend, queries):
    for _, query in queries[:20]:  # warm the page cache and the segmenter
        backend.search(query)
    timings, by_kind, totals, cpu = [], {}, [], []
    for kind, query in queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        results = backend.search(query)
        elapsed = (time.perf_counter() - started) * 1000
        cpu.append((time.process_time() - cpu_started) * 1000)
        timings.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
        totals.append(results.total)
    return timings, by_kind, totals, cpu


def typed_prefixes(sample, rng, size):
    """What people type into the search box: the first 3–12 characters of a title."""
    for _ in range(size):
        title = analysis.normalise(rng.choice(sample)["title"])
        yield title[: rng.randint(3, 12)]


def run_suggest(backend, sample, rng, size):
    timings = []
    for typed in typed_prefixes(sample, rng, size):
        started = time.perf_counter()
        backend.suggest(typed)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


# --- over HTTP through the API (--http) -------------------------------------------------------------


def engine_environment(engine, var_dir):
    """What selects ``engine`` for ``manage.py`` and the served API (the settings read ``config.env``)."""
    if engine == "embedded":
        return {"SEARCH_BACKEND": "embedded", "SEARCH_INDEX_PATH": str(var_dir / "search.sqlite3")}
    return {
        "SEARCH_BACKEND": "elasticsearch",
        "ELASTICSEARCH_INDEX_PREFIX": "bench-disclosures",
        "ELASTICSEARCH_URL": os.environ.get("ELASTICSEARCH_URL") or "http://127.0.0.1:9200",
    }


def served_backend(engine, var_dir):
    """The bench process's own handle on the index the server reads (for its size)."""
    env = engine_environment(engine, var_dir)
    if engine == "embedded":
        return EmbeddedBackend({"EMBEDDED_PATH": env["SEARCH_INDEX_PATH"]})
    return ElasticsearchBackend(
        {
            "ELASTICSEARCH_URL": env["ELASTICSEARCH_URL"],
            "ELASTICSEARCH_TIMEOUT": 120,
            "ELASTICSEARCH_INDEX_PREFIX": env["ELASTICSEARCH_INDEX_PREFIX"],
        }
    )


def elasticsearch_pid():
    """The local node's PID (``tools/elasticsearch.sh`` records it), for its CPU time; None if not ours."""
    state = Path(os.environ.get("ES_STATE_DIR") or ROOT / "var" / "elasticsearch")
    try:
        pid = int((state / "run" / "elasticsearch.pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def tree_cpu_seconds(*pids):
    """User + system CPU of these processes and all their descendants now alive (from /proc)."""
    parents, times = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, wanted = 0.0, {pid for pid in pids if pid}
    for pid in times:
        ancestor = pid
        while ancestor and ancestor not in wanted:
            ancestor = parents.get(ancestor)
        if ancestor:
            total += times[pid]
    return total


def http_rebuild(engine, var_dir, reuse):
    """Index the repository's pages into ``engine`` with ``manage.py search rebuild`` (both cores), once:
    its figures are kept in ``var_dir/search-<engine>.json`` and, with ``reuse``, read back instead."""
    record = var_dir / f"search-{engine}.json"
    backend = served_backend(engine, var_dir)
    if reuse and record.exists():
        try:
            if backend.stats()["documents"] == json.loads(record.read_text())["documents"]:
                print(f"index kept from an earlier run ({record}); indexing figures are that run's")
                return backend, json.loads(record.read_text())
        except Exception as error:  # noqa: BLE001 — no usable index: build it
            print(f"kept index not usable ({error}); rebuilding")
    env = {
        **environment(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        **engine_environment(engine, var_dir),
    }
    node = elasticsearch_pid() if engine == "elasticsearch" else None
    node_before, (_, children_before) = tree_cpu_seconds(node), cpu_seconds()
    load_before, started = os.getloadavg()[0], time.perf_counter()
    manage(env, "search", "rebuild", "--restart", "--no-progress")
    seconds = time.perf_counter() - started
    documents = backend.stats()["documents"]
    stats = {
        "documents": documents,
        "seconds": round(seconds, 1),
        "docs_per_second": round(documents / seconds),
        "cpu_ms_per_doc": round((cpu_seconds()[1] - children_before) / documents * 1000, 2),
        "engine_cpu_ms_per_doc": round((tree_cpu_seconds(node) - node_before) / documents * 1000, 2) if node else None,
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    record.write_text(json.dumps(stats))
    return backend, stats


def query_path(query):
    """The API request for a ``SearchQuery`` of the query set."""
    params = {
        "q": query.text,
        "agency": ",".join(query.agency),
        "fiscal_year": ",".join(str(y) for y in query.fiscal_year),
        "from": query.date_from.isoformat() if query.date_from else "",
        "to": query.date_to.isoformat() if query.date_to else "",
        "sort": "" if query.sort == "relevance" else query.sort,
        "page": "" if query.page == 1 else str(query.page),
    }
    return "/api/v1/search?" + urllib.parse.urlencode({k: v for k, v in params.items() if v})


def suggest_paths(sample, rng, size):
    """What people type into the search box: the first 3–12 characters of a title (as ``run_suggest``)."""
    return [f"/api/v1/search/suggest?q={urllib.parse.quote(prefix)}" for prefix in typed_prefixes(sample, rng, size)]


def http_measure(engine, args, var_dir, sample):
    backend, stats = http_rebuild(engine, var_dir, args.reuse)
    size_mb = index_size_mb(backend, Path(engine_environment(engine, var_dir).get("SEARCH_INDEX_PATH", "-")))
    backend.close()
    print(
        f"indexed {stats['documents']:,} pages with `manage.py search rebuild` in {stats['seconds']:.0f} s: "
        f"{stats['docs_per_second']:,} documents/s ({stats['cpu_ms_per_doc']} ms CPU per document in manage.py"
        + (f", {stats['engine_cpu_ms_per_doc']} ms in the node" if stats.get("engine_cpu_ms_per_doc") else "")
        + f"; load {stats['load'][0]}→{stats['load'][1]}, {stats['date']}); index size {size_mb:,.1f} MB"
    )
    port = free_port()
    server = start_server(var_dir, port, args.workers, args.threads, engine_environment(engine, var_dir))
    node = elasticsearch_pid() if engine == "elasticsearch" else None
    try:
        _, _, body = Client(port).get("/api/v1/search?per_page=1")
        agencies = {row["value"]: row["value"] for row in json.loads(body)["facets"]["agency"]}
        rng = random.Random(7)
        queries = query_set(sample, agencies, args.queries, rng)
        searches = [(query_path(query), None) for _, query in queries]
        suggestions = [(path, None) for path in suggest_paths(sample, rng, 300)]
        for client in range(args.workers * args.threads):  # every worker thread: imports, connections, caches
            drive(port, searches[client * 10 : client * 10 + 10], 0, 1, once=True)
        result = {
            "documents": stats["documents"],
            "docs_per_second": stats["docs_per_second"],
            "cpu_ms_per_doc": stats["cpu_ms_per_doc"],
            "index_mb": round(size_mb, 1),
        }
        for name, requests, concurrency in (
            ("queries", searches, 1),
            ("suggest", suggestions, 1),
            ("queries_loaded", searches, args.load_clients),
            ("suggest_loaded", suggestions, args.load_clients),
        ):
            cpu_before, load_before = tree_cpu_seconds(server.pid, node), os.getloadavg()[0]
            run = drive(port, requests, args.seconds, concurrency, once=concurrency == 1)
            cpu = (tree_cpu_seconds(server.pid, node) - cpu_before) / max(1, run["requests"]) * 1000
            label = f"{len(requests) if concurrency == 1 else run['requests']} {name.split('_')[0]}" + (
                f", {concurrency} clients for {args.seconds:.0f} s ({run['rps']:.0f}/s)"
                if concurrency > 1
                else ", one client"
            )
            print(
                f"{label}: p50 {run['p50_ms']:.1f} ms, p95 {run['p95_ms']:.1f} ms, p99 {run['p99_ms']:.1f} ms; "
                f"CPU {cpu:.1f} ms per request (API server{' + node' if node else ''}); errors {run['errors']}; "
                f"load {load_before:.1f}→{os.getloadavg()[0]:.1f}"
            )
            result.update(
                {
                    f"{name}_p50_ms": round(run["p50_ms"], 1),
                    f"{name}_p95_ms": round(run["p95_ms"], 1),
                    f"{name}_p99_ms": round(run["p99_ms"], 1),
                    f"{name}_cpu_ms": round(cpu, 1),
                    f"{name}_errors": run["errors"],
                    f"{name}_load": round(os.getloadavg()[0], 1),
                }
            )
            if name == "queries":
                by_kind = {}
                for index, ms in run["timings"]:
                    by_kind.setdefault(queries[index][0], []).append(ms)
                for kind, values in sorted(by_kind.items()):
                    print(
                        f"  {kind:28} n={len(values):4}  p50 {percentile(values, 0.5):6.1f}  "
                        f"p95 {percentile(values, 0.95):6.1f}  p99 {percentile(values, 0.99):6.1f} ms"
                    )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def http_main(args):
    var_dir = Path(args.var).resolve()
    if not (args.reuse and (var_dir / "db.sqlite3").exists()):
        if (var_dir / "db.sqlite3").exists():
            raise SystemExit(f"{var_dir / 'db.sqlite3'} exists: pass --reuse to keep it, or remove {var_dir}")
        prepare(var_dir, rebuild=False)
    (var_dir / "static").mkdir(exist_ok=True)  # STATIC_ROOT of the served settings
    sample = []
    for _ in sampled(read_rows(FULL), sample):  # the repository holds the full corpus (bench.api_corpus)
        pass
    print(
        f"HTTP through the API: gunicorn {args.workers} workers × {args.threads} threads on {os.cpu_count()} "
        f"cores, repository {var_dir}; load average {os.getloadavg()[0]:.1f}"
    )
    summary = {}
    for engine in args.engines.split(","):
        print(f"== {engine} ==")
        summary[engine] = http_measure(engine, args, var_dir, sample)
    engines = list(summary)
    print("\n| | " + " | ".join(engines) + " |\n|---|" + "---:|" * len(engines))
    for name in ("queries", "suggest", "queries_loaded", "suggest_loaded"):
        print(
            f"| {name.replace('_', ' ')} p50 / p95 / p99 ms (CPU ms per request) | "
            + " | ".join(
                f"{r[name + '_p50_ms']} / {r[name + '_p95_ms']} / {r[name + '_p99_ms']} ({r[name + '_cpu_ms']})"
                for r in summary.values()
            )
            + " |"
        )
    print(
        "| documents/s (rebuild) · index MB | "
        + " | ".join(f"{r['docs_per_second']:,} · {r['index_mb']:,}" for r in summary.values())
        + " |"
    )
    print(json.dumps(summary))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="index all 62,345 documents (default: the 5k sample)")
    parser.add_argument("--limit", type=int, default=None, help="index at most this many documents")
    parser.add_argument("--engines", default="embedded,elasticsearch", help="comma-separated: embedded, elasticsearch")
    parser.add_argument("--processes", type=int, default=default_processes(), help="segmentation workers")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--known-items", type=int, default=300, help="documents the known-item queries come from")
    http = parser.add_argument_group("over HTTP through the API (--http)")
    http.add_argument(
        "--http",
        action="store_true",
        help="measure through /api/v1/search served by gunicorn, on "
        "the corpus loaded as pages (bench.api_corpus) and indexed by `manage.py search rebuild`",
    )
    http.add_argument("--var", default=str(ROOT / "var" / "bench"), help="the benchmark repository (bench.api_serve's)")
    http.add_argument(
        "--reuse", action="store_true", help="keep the repository and the indexes built by an earlier run"
    )
    http.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    http.add_argument("--threads", type=int, default=2, help="gthread threads per worker")
    http.add_argument("--load-clients", type=int, default=4, help="clients at once for the runs under load")
    http.add_argument("--seconds", type=float, default=30.0, help="length of each run under load")
    args = parser.parse_args()
    if args.http:
        return http_main(args)

    source = FULL if args.full else SAMPLE
    print(
        f"corpus {source.name}, {args.processes} segmentation workers ({analysis.engine_name()}), "
        f"{os.cpu_count()} cores"
    )
    texts = [(row["title"] + row["body"]).replace(" ", "") for row in read_rows(source, args.limit)]
    summary = {}
    for engine in args.engines.split(","):
        print(f"== {engine} ==")
        tmp = tempfile.TemporaryDirectory(prefix="search-bench-")
        path = Path(tmp.name) / "search.sqlite3"
        backend, stats, sample = build_index(path, source, args.limit, args.processes, args.chunk_size, engine)
        try:
            size_mb = index_size_mb(backend, path)
            own, workers = peak_memory_mb()
            print_indexing(stats, size_mb, own, workers)
            result = _queries(args, backend, stats, sample, size_mb, own, workers)
            items, nowhere = known_items(sample, texts, random.Random(11), size=args.known_items)
            mrr, by_kind, said = run_known_items(backend, items, nowhere)
            print(
                f"known items: MRR {mrr:.3f} over {len(items)} queries ("
                + ", ".join(f"{kind} {statistics.mean(v):.3f} n={len(v)}" for kind, v in sorted(by_kind.items()))
                + f"); phrases in no document answered as such: {said}/{len(nowhere)}"
            )
            result.update({"mrr": round(mrr, 3), "known_items": len(items), "nowhere_said": f"{said}/{len(nowhere)}"})
            summary[engine] = result
        finally:
            if isinstance(backend, ElasticsearchBackend):
                backend.drop_all()
            backend.close()
            tmp.cleanup()
    print(json.dumps(summary))


def print_indexing(stats, size_mb, own, workers):
    print(
        f"indexed {stats['documents']:,} documents in {stats['index_seconds'] + stats['optimize_seconds']:.1f} s "
        f"({stats['index_seconds']:.1f} s writing + {stats['optimize_seconds']:.1f} s FTS optimize): "
        f"{stats['docs_per_second']:,.0f} documents/s"
    )
    per_doc = (stats["main_cpu"] + stats["workers_cpu"]) / max(1, stats["documents"]) * 1000
    print(
        f"CPU: main process {stats['main_cpu']:.1f} s, workers {stats['workers_cpu']:.1f} s = {per_doc:.2f} ms per "
        f"document; load average {stats['load'][0]:.1f} before, {stats['load'][1]:.1f} after "
        f"(other processes share the cores: with {os.cpu_count()} free cores the CPU cost allows "
        f"{os.cpu_count() * 1000 / per_doc:,.0f} documents/s)"
    )
    print(f"index size {size_mb:,.1f} MB; peak memory {own:,.0f} MB main process, {workers:,.0f} MB largest worker")


def _queries(args, backend, stats, sample, size_mb, own, workers, indexed=True):
    rng = random.Random(7)
    queries = query_set(sample, stats["agencies"], args.queries, rng)
    timings, by_kind, totals, cpu = run_queries(backend, queries)
    suggest = run_suggest(backend, sample, rng, 300)
    print(
        f"{len(timings)} queries (search + facets + snippets of 20 hits): "
        f"p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"p99 {percentile(timings, 0.99):.1f} ms, mean {statistics.mean(timings):.1f} ms; "
        f"median hits {int(statistics.median(totals)):,}"
    )
    print(
        f"  CPU time per query: p50 {percentile(cpu, 0.5):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms, "
        f"p99 {percentile(cpu, 0.99):.1f} ms (load average now {os.getloadavg()[0]:.1f})"
    )
    for kind, values in sorted(by_kind.items()):
        print(
            f"  {kind:28} n={len(values):4}  p50 {percentile(values, 0.5):6.1f}  p95 {percentile(values, 0.95):6.1f} "
            f" p99 {percentile(values, 0.99):6.1f} ms"
        )
    print(
        f"{len(suggest)} suggestions: p50 {percentile(suggest, 0.5):.1f} ms, p95 {percentile(suggest, 0.95):.1f} ms, "
        f"p99 {percentile(suggest, 0.99):.1f} ms"
    )
    result = {"documents": stats["documents"]}
    if indexed:
        per_doc = (stats["main_cpu"] + stats["workers_cpu"]) / max(1, stats["documents"]) * 1000
        result.update(
            {
                "docs_per_second": round(stats["docs_per_second"]),
                "cpu_ms_per_doc": round(per_doc, 2),
                "load_average_indexing": round(stats["load"][1], 1),
                "peak_main_mb": round(own),
                "peak_worker_mb": round(workers),
            }
        )
    result.update(
        {
            "index_mb": round(size_mb, 1),
            "load_average_queries": round(os.getloadavg()[0], 1),
            "query_p50_ms": round(percentile(timings, 0.5), 1),
            "query_p95_ms": round(percentile(timings, 0.95), 1),
            "query_p99_ms": round(percentile(timings, 0.99), 1),
            "query_cpu_p95_ms": round(percentile(cpu, 0.95), 1),
            "suggest_p95_ms": round(percentile(suggest, 0.95), 1),
        }
    )
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
