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
    rng = random.Random(20251125)
    count = 0

    def documents():
        nonlocal count
        for row in read_rows(source, limit):
            count += 1
            if len(sample) < 2000:
                sample.append(row)
            elif rng.random() < 2000 / count:
                sample[rng.randrange(2000)] = row
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


def run_suggest(backend, sample, rng, size):
    timings = []
    for _ in range(size):
        title = analysis.normalise(rng.choice(sample)["title"])
        typed = title[: rng.randint(3, 12)]
        started = time.perf_counter()
        backend.suggest(typed)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="index all 62,345 documents (default: the 5k sample)")
    parser.add_argument("--limit", type=int, default=None, help="index at most this many documents")
    parser.add_argument("--engines", default="embedded,elasticsearch", help="comma-separated: embedded, elasticsearch")
    parser.add_argument("--processes", type=int, default=default_processes(), help="segmentation workers")
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--known-items", type=int, default=300, help="documents the known-item queries come from")
    args = parser.parse_args()

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
