"""Benchmark the delivery API under gunicorn against Wagtail's API v2 and a static file, in one run.

    SHARED_DIR=/work/shared .venv/bin/python -m bench.api_serve --prepare      # build var/bench (≈ 2 min + ≈ 20 min search index)
    SHARED_DIR=/work/shared .venv/bin/python -m bench.api_serve [--workers 4] [--concurrency 8] [--seconds 10]

``--prepare`` builds a repository in ``VAR_DIR`` (default ``var/bench``):
migrate, ``load_demo --news 0``, the full 62k-item corpus through
``bench.api_corpus``, then ``manage.py search rebuild``. The run serves it with
gunicorn (production settings, ``gthread`` workers, keep-alive, no anonymous
rate limit) on 127.0.0.1 and drives it with a small load generator (threads
with keep-alive ``http.client`` connections, a fixed time per scenario). Each
scenario uses the same pages for both APIs. Last, v1 detail and listing run
again on a server with the document memo off (``API_DOCUMENT_MEMO=0``): every
answer built from the database. Results: requests/s, p50, p99, and
errors, printed as a Markdown table and written to ``VAR_DIR/bench-results.json``.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def environment(var_dir):
    return {
        **os.environ,
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'db.sqlite3'}",
        "SEARCH_INDEX_PATH": os.environ.get("SEARCH_INDEX_PATH") or str(var_dir / "search.sqlite3"),
        "STATIC_ROOT": str(var_dir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *args):
    print("+ manage.py", " ".join(args), flush=True)
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(var_dir, rebuild=True):
    """The benchmark repository in ``var_dir``: the demo tree, the full corpus as pages, and (``rebuild``)
    the search index of the engine the environment selects."""
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {**environment(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo", "--news", "0", "-v0")
    subprocess.run([str(BIN / "python"), "-m", "bench.api_corpus"], cwd=ROOT, env=env, check=True)
    if not rebuild:
        return
    try:
        manage(env, "search", "rebuild")
    except subprocess.CalledProcessError:
        print("search index not built: the search scenario will report errors", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection; reconnects when the server closes it."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def get(self, path, headers=None):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.connection.request("GET", path, headers=headers or {})
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response.status, response.getheader("ETag"), body
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def drive(port, requests, seconds, concurrency, expect=(200,), once=False):
    """Send ``requests`` (list of (path, headers)) round-robin from ``concurrency`` threads for ``seconds``
    (with ``once``: each request once, however long it takes). ``timings`` in the result: (index in
    ``requests``, ms) per request sent."""
    latencies, timings, errors, lock = [], [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset):
        client, local, bad, n = Client(port), [], 0, offset
        while (n < len(requests)) if once else (time.monotonic() < deadline):
            path, headers = requests[n % len(requests)]
            started = time.perf_counter()
            try:
                status, _, _ = client.get(path, headers)
            except (http.client.HTTPException, OSError):
                status = None
            local.append((n % len(requests), time.perf_counter() - started))
            n += concurrency
            if status not in expect:
                bad += 1
        with lock:
            latencies.extend(seconds for _, seconds in local)
            timings.extend((index, seconds * 1000) for index, seconds in local)
            errors[0] += bad

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else None

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else None,
        "errors": errors[0],
        "timings": timings,
    }


def sample(port, seed=2568):
    """Pages, agencies, fiscal years and words to ask about, taken from the served repository itself."""
    rng = random.Random(seed)
    client = Client(port)
    _, _, body = client.get("/api/v1/disclosures?per_page=1&fields=id")
    total = json.loads(body)["count"]
    ids, paths, titles, filters = [], [], [], []
    for page in rng.sample(range(1, total // 20), 20):
        _, _, body = client.get(f"/api/v1/disclosures?page={page}&per_page=20&fields=title,path,agency,fiscal_year")
        for row in json.loads(body)["results"]:
            ids.append(row["id"])
            paths.append(row["path"])
            titles.append(row["title"])
            if row.get("agency"):
                filters.append((row["agency"]["code"], row["fiscal_year"]))
    parents = {}
    for path in set(p.rsplit("/", 1)[0] for p in paths):
        _, _, body = client.get(f"/api/v1/content/{path}?fields=id")
        parents[path] = json.loads(body)["id"]
    words = [w for t in titles for w in t.split() if len(w) >= 4][:200]
    return {"ids": ids, "paths": paths, "filters": filters, "parents": list(parents.values()), "words": words}


def start_server(var_dir, port, workers, threads, extra_env=None):
    env = {
        **environment(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_THROTTLE_RATE": "",
        "DATABASE_CONN_MAX_AGE": "600",
        **(extra_env or {}),
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def warm(port, data):
    """Warm every worker a little (imports, connections, the repository-fact memo)."""
    for path in [f"/api/v1/pages/{i}" for i in data["ids"][:20]] + [f"/api/v2/pages/{i}/" for i in data["ids"][:20]]:
        Client(port).get(path)


def scenarios(data, etags):
    ids, filters, parents, words = data["ids"], data["filters"], data["parents"], data["words"]
    q = urllib.parse.quote
    return [
        ("detail", "v1 /api/v1/pages/<id>", [(f"/api/v1/pages/{i}", None) for i in ids], (200,)),
        ("detail", "v2 /api/v2/pages/<id>/", [(f"/api/v2/pages/{i}/", None) for i in ids], (200,)),
        (
            "listing",
            "v1 /api/v1/disclosures?agency=&fiscal_year=&per_page=20",
            [(f"/api/v1/disclosures?agency={a}&fiscal_year={fy}&per_page=20", None) for a, fy in filters],
            (200,),
        ),
        (
            "listing",
            "v2 /api/v2/pages/?type=NewsPage&child_of=&limit=20",
            [
                (f"/api/v2/pages/?type=repository.NewsPage&child_of={p}&limit=20&order=-first_published_at", None)
                for p in parents
            ],
            (200,),
        ),
        ("search", "v1 /api/v1/search?q=", [(f"/api/v1/search?q={q(w)}", None) for w in words], (200,)),
        (
            "search",
            "v2 /api/v2/pages/?search=",
            [(f"/api/v2/pages/?search={q(w)}&limit=20", None) for w in words[:50]],
            (200,),
        ),
        (
            "conditional",
            "v1 detail, If-None-Match → 304",
            [(f"/api/v1/pages/{i}", {"If-None-Match": etags[i]}) for i in ids if etags.get(i)],
            (304,),
        ),
        ("static", "static JSON file (ceiling)", [("/static/bench/page.json", None)], (200,)),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", default=os.environ.get("VAR_DIR") or str(ROOT / "var" / "bench"))
    parser.add_argument("--prepare", action="store_true", help="build the benchmark repository first")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="gthread threads per worker")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--only", default="", help="comma-separated scenario groups (detail,listing,…)")
    args = parser.parse_args(argv)
    var_dir = Path(args.var).resolve()
    if args.prepare:
        prepare(var_dir)
    port = free_port()
    static_dir = var_dir / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    server = start_server(var_dir, port, args.workers, args.threads)
    try:
        data = sample(port)
        client = Client(port)
        etags = {}
        for i in data["ids"]:
            status, etag, body = client.get(f"/api/v1/pages/{i}")
            etags[i] = etag
        (static_dir / "page.json").write_bytes(body)
        server.terminate()
        server.wait(timeout=20)
        server = start_server(var_dir, port, args.workers, args.threads)  # WhiteNoise indexes files at start-up
        warm(port, data)
        only = {s for s in args.only.split(",") if s}
        results = []
        for group, label, requests, expect in scenarios(data, etags):
            if only and group not in only:
                continue
            result = drive(port, requests, args.seconds, args.concurrency, expect)
            del result["timings"]
            result.update(group=group, label=label)
            results.append(result)
            print(
                f"{label:60s} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
                f"p99 {result['p99_ms']:7.1f} ms  errors {result['errors']}",
                flush=True,
            )
        if not only or "nomemo" in only:
            # The same v1 requests with the document memo switched off (API_DOCUMENT_MEMO=0):
            # every answer built from the database (repository-wide facts stay memoised).
            server.terminate()
            server.wait(timeout=20)
            server = start_server(var_dir, port, args.workers, args.threads, {"API_DOCUMENT_MEMO": "0"})
            warm(port, data)
            for group, label, requests, expect in scenarios(data, etags)[:3:2]:
                result = drive(port, requests, args.seconds, args.concurrency, expect)
                del result["timings"]
                result.update(group="nomemo", of=group, label=label + " (memo off)")
                results.append(result)
                print(
                    f"{result['label']:60s} {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
                    f"p99 {result['p99_ms']:7.1f} ms  errors {result['errors']}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=20)
    report = {
        "workers": args.workers,
        "threads": args.threads,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "results": results,
    }
    (var_dir / "bench-results.json").write_text(json.dumps(report, indent=1))
    print("\n| scenario | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['label']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |")
    by = {(r["group"], r["label"].split()[0]): r for r in results}
    for group in ("detail", "listing", "search"):
        if (group, "v1") in by and (group, "v2") in by and by[(group, "v2")]["rps"]:
            print(f"{group}: v1 / v2 = {by[(group, 'v1')]['rps'] / by[(group, 'v2')]['rps']:.2f}×")
    for r in results:
        if r["group"] == "nomemo" and (r["of"], "v2") in by and by[(r["of"], "v2")]["rps"]:
            print(f"{r['of']} with the memo off: v1 / v2 = {r['rps'] / by[(r['of'], 'v2')]['rps']:.2f}×")


if __name__ == "__main__":
    main()
