"""Benchmark bulk import against today's page-by-page path (not a test; prints a table).

    .venv/bin/python bench/import.py                      # SQLite in var/bench_import/
    .venv/bin/python bench/import.py --grow 3600 --measure 1000
    .venv/bin/python bench/import.py --postgres postgres://postgres:postgres@127.0.0.1:5432/

Lines: the shared 5k sample of real Thai government news, as ``import_disclosures``
lines (``repository.importers.news.disclosure_line``). A template database is
migrated and given the demo's agencies, item pages and users once (no news); each
case then runs in a fresh process on its own copy of it:

* ``today``: page by page, one transaction per page, Wagtail's stock database search
  backend (its per-save title-norm pass over the whole index table) — the path before
  this change;
* ``bulk``: ``import_disclosures`` as the command runs it (batches of 100, one
  transaction each, Wagtail's per-save index work once per batch, title norms not
  refreshed per save).

Both publish every page by the administrator override with a reason, with approval
form, sealed audit entries, search and webhook outbox rows. Each is measured into
an empty repository and into one grown by ``--grow`` pages of the same sample
(imported by the bulk path first), on the same ``--measure`` lines. Figures: pages/s
(wall and CPU), SQL queries per page, bytes stored per page (database and search
index files; on PostgreSQL ``pg_database_size``), peak memory of the process. The
run ends with ``audit verify`` and ``search check`` on the grown bulk copy.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
WORK = ROOT / "var" / "bench_import"
REASON = "นำเข้าข่าวที่หน่วยงานต้นทางเผยแพร่แล้ว (ทดสอบความเร็ว)"


def django_setup(stock_wagtail_search=False):
    import django
    from django.conf import settings

    if stock_wagtail_search:
        settings.WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
    settings.LOGGING_CONFIG = None  # Wagtail's INFO line per page is not part of the work measured
    django.setup()
    import logging

    logging.disable(logging.INFO)


# --- the worker: one case in one process ----------------------------------------------------


def db_bytes(url, files):
    if url.startswith("postgres"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        return size + sum(p.stat().st_size for p in files if p.exists())
    return sum(p.stat().st_size for p in files if p.exists())


def measure_case(work):
    """Run ``work()`` (it returns (pages created, errors)) counting its SQL queries, CPU and wall time, the bytes
    the database and search index files grew by, and the process's peak memory; print them as one JSON line."""
    import resource

    from django.db import connection

    index_path = Path(os.environ["SEARCH_INDEX_PATH"])
    files = [index_path, Path(str(index_path) + "-wal")]
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        db = Path(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
        files += [db, Path(str(db) + "-wal")]
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    before = db_bytes(os.environ["DATABASE_URL"], files)
    cpu, wall = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(count):
        created, errors = work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    connection.close()
    after = db_bytes(os.environ["DATABASE_URL"], files)
    pages = max(1, created)
    print(json.dumps({
        "created": created, "errors": errors, "wall_s": wall, "cpu_s": cpu,
        "pages_per_s": created / wall, "pages_per_cpu_s": created / cpu,
        "queries_per_page": queries[0] / pages, "bytes_per_page": (after - before) / pages,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def anchor_worker(args):
    """The bare Wagtail project (``bench/anchor``): each line's title, body (a paragraph a line) and date as an
    ``AnchorPage`` under the site's root, by Wagtail's own add + revision + publish (as its create view and
    publish button do), batches of ``--batch-size`` per transaction, Wagtail's default search backend and
    immediate tasks. Nothing of the product runs."""
    from datetime import date
    from html import escape

    django_setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from wagtail.models import Page

    from bench.anchor.models import AnchorPage

    user = get_user_model().objects.get(username="admin")
    parent = Page.objects.get(depth=2)
    with open(args.lines, encoding="utf-8") as source:
        lines = [json.loads(line)["fields"] for line in source]

    def work():
        for start in range(0, len(lines), args.batch_size):
            with transaction.atomic():
                for f in lines[start:start + args.batch_size]:
                    page = AnchorPage(title=f["title"], slug=f["slug"], date=date.fromisoformat(f["issue_date"]),
                                      body="".join(f"<p>{escape(p)}</p>" for p in f["body"].splitlines() if p.strip()))
                    parent.add_child(instance=page)
                    page.save_revision(user=user, log_action=True, clean=False).publish(user=user)
        return len(lines), 0

    measure_case(work)


def worker(args):
    if args.mode == "anchor":
        return anchor_worker(args)
    if args.tree:  # another checkout (the code before this change): its code, its own import_news
        sys.path.remove(str(ROOT))
        sys.path.insert(0, args.tree)
    django_setup(stock_wagtail_search=args.mode == "today")
    from django.contrib.auth import get_user_model

    from repository.approvals.imports import override_publisher

    user = get_user_model().objects.get(username="admin")

    def work():
        if args.tree:
            from repository.demo import item_page
            from repository.importers.news import import_news

            report = import_news(args.lines, item_page("secretariat-pm", "news"), user=user,
                                 publish=override_publisher(REASON), batch_size=args.batch_size)
        else:
            from repository.importers.disclosures import import_disclosures

            report = import_disclosures(args.lines, user=user, publish=override_publisher(REASON),
                                        batch_size=args.batch_size, bulk=args.mode != "today")
        return report.created, len(report.errors)

    measure_case(work)


# --- the orchestrator ------------------------------------------------------------------------


class Store:
    """Copies of a template database: SQLite files, or PostgreSQL databases named bulk_bench_*."""

    def __init__(self, postgres):
        self.postgres = postgres.rstrip("/") + "/" if postgres else None

    def url(self, name):
        if self.postgres:
            return f"{self.postgres}bulk_bench_{name}"
        return f"sqlite:///{WORK / (name + '.sqlite3')}"

    def env(self, name):
        settings = "bench.anchor.settings" if name.startswith("anchor") else os.environ["DJANGO_SETTINGS_MODULE"]
        return {**os.environ, "DATABASE_URL": self.url(name), "SEARCH_INDEX_PATH": str(WORK / f"{name}-search.sqlite3"),
                "DJANGO_SETTINGS_MODULE": settings}

    def _psql(self, sql):
        subprocess.run(["psql", self.postgres + "postgres", "-q", "-c", sql], check=True,
                       env={**os.environ, "PGPASSWORD": os.environ.get("PGPASSWORD", "postgres")})

    def drop(self, name):
        if self.postgres:
            self._psql(f"DROP DATABASE IF EXISTS bulk_bench_{name} WITH (FORCE)")
        for suffix in (".sqlite3", ".sqlite3-wal", ".sqlite3-shm", "-search.sqlite3", "-search.sqlite3-wal",
                       "-search.sqlite3-shm"):
            (WORK / (name + suffix)).unlink(missing_ok=True)

    def create_empty(self, name):
        self.drop(name)
        if self.postgres:
            self._psql(f"CREATE DATABASE bulk_bench_{name}")

    def copy(self, source, name):
        self.drop(name)
        if self.postgres:
            self._psql(f"CREATE DATABASE bulk_bench_{name} TEMPLATE bulk_bench_{source}")
        else:
            shutil.copy(WORK / f"{source}.sqlite3", WORK / f"{name}.sqlite3")
        if (WORK / f"{source}-search.sqlite3").exists():
            shutil.copy(WORK / f"{source}-search.sqlite3", WORK / f"{name}-search.sqlite3")


def manage(store, name, *args, tree=None):
    """``manage.py`` of this checkout, or of ``tree`` (another checkout: its own code and migrations)."""
    subprocess.run([sys.executable, str(Path(tree or ROOT) / "manage.py"), *args], env=store.env(name),
                   check=True, stdout=subprocess.DEVNULL)


def write_corpus_lines(path, start, count):
    """The same records as ``write_lines``, in the corpus's own format (for today's ``import_news``)."""
    import gzip

    from django.conf import settings

    from repository.importers.corpus import NewsRecord, parse_line

    written = index = 0
    with gzip.open(settings.NEWS_SAMPLE_PATH, "rt", encoding="utf-8") as source, \
            open(path, "w", encoding="utf-8") as out:
        for number, line in enumerate(source, start=1):
            try:
                parsed = parse_line(number, line)
            except ValueError:
                continue
            if not isinstance(parsed, NewsRecord):
                continue
            if index >= start:
                if written >= count:
                    break
                out.write(line if line.endswith("\n") else line + "\n")
                written += 1
            index += 1
    return written


def write_lines(path, start, count):
    django_setup()
    from django.conf import settings

    from repository.importers.corpus import NewsRecord, read_records
    from repository.importers.news import disclosure_line

    written = 0
    with open(path, "w", encoding="utf-8") as out:
        for index, record in enumerate(r for r in read_records(settings.NEWS_SAMPLE_PATH) if isinstance(r, NewsRecord)):
            if index < start:
                continue
            if written >= count:
                break
            out.write(json.dumps(disclosure_line(record), ensure_ascii=False) + "\n")
            written += 1
    return written


def grow_from_corpus(store, measure_lines):
    """The grown repository at full size: the whole corpus (62,305 news pages but the measured lines) written
    by the API benchmark's bulk loader (``bench.api_corpus``: live pages, no history — importing them would
    take hours here), then both search indexes built over them: Wagtail's admin index (``update_index``)
    and the public one (``search rebuild``)."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bench.api_corpus", "--exclude", str(measure_lines)], cwd=ROOT,
                   env=store.env("grown"), check=True, stdout=subprocess.DEVNULL)
    manage(store, "grown", "update_index")
    manage(store, "grown", "search", "rebuild", "--no-progress")
    print(f"grown from the full corpus (bench.api_corpus, update_index, search rebuild) in "
          f"{time.perf_counter() - started:.0f} s", flush=True)


def run_case(store, name, mode, lines, batch_size, tree=None):
    command = [sys.executable, __file__, "--worker", mode, "--lines", str(lines), "--batch-size", str(batch_size)]
    if tree:
        command += ["--tree", tree]
    out = subprocess.run(command, env=store.env(name), capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grow", type=int, default=3600, help="pages in the grown repository (default 3600)")
    parser.add_argument("--measure", type=int, default=1000, help="pages imported in each case (default 1000)")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--postgres", default=None, help="a postgres:// URL prefix; databases bulk_bench_* are used")
    parser.add_argument("--grow-from-corpus", action="store_true",
                        help="grow to the full corpus with bench.api_corpus instead of importing --grow lines")
    parser.add_argument("--skip-today-grown", action="store_true", help="leave out today's path into the grown copy")
    parser.add_argument("--reuse", action="store_true", help="keep the template and grown databases of a former run")
    parser.add_argument("--reuse-template", action="store_true", help="keep the template of a former run, grow anew")
    parser.add_argument("--today-tree", default=None,
                        help="a checkout of the code before this change (git worktree add /tmp/today eadba03): "
                             "a case 'before' runs its import_news (batches of 100, per-save work as it comes) on the "
                             "same records, into a template that checkout migrated and loaded itself (empty only), "
                             "beside today's case (this tree's page-by-page path with Wagtail's stock search "
                             "backend)")
    parser.add_argument("--anchor", action="store_true",
                        help="also the issue's anchor: a bare Wagtail project (bench/anchor: one page model, title, "
                             "rich text, date) adding, revising and publishing the same lines in a scratch database")
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--lines", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.mode = args.worker
        return worker(args)

    WORK.mkdir(parents=True, exist_ok=True)
    store = Store(args.postgres)
    grow_lines, measure_lines = WORK / "grow.jsonl", WORK / "measure.jsonl"
    corpus_lines = WORK / "measure-corpus.jsonl"
    if not (args.reuse and grow_lines.exists()):
        write_lines(grow_lines, 0, args.grow)
        measured = write_lines(measure_lines, args.grow, args.measure)
        write_corpus_lines(corpus_lines, args.grow, args.measure)
        if measured < args.measure:
            print(f"note: the sample holds only {measured} lines after the first {args.grow}")
    started = time.perf_counter()
    if not args.reuse:
        if not args.reuse_template:
            store.create_empty("template")
            manage(store, "template", "migrate", "--noinput")
            manage(store, "template", "load_demo", "--news", "0")
            print(f"template migrated and loaded in {time.perf_counter() - started:.0f} s", flush=True)
            if args.today_tree:  # today's code on a schema and demo base of its own making
                store.create_empty("template_today")
                manage(store, "template_today", "migrate", "--noinput", tree=args.today_tree)
                manage(store, "template_today", "load_demo", "--news", "0", tree=args.today_tree)
        store.copy("template", "grown")
        if args.grow_from_corpus:
            grow_from_corpus(store, measure_lines)
        else:
            grown = run_case(store, "grown", "bulk", grow_lines, args.batch_size)
            print(f"grown by {grown['created']} pages (bulk) in {grown['wall_s']:.0f} s", flush=True)
    cases = [("today", "empty"), ("bulk", "empty"), ("bulk", "grown")]
    if not args.skip_today_grown:
        cases.append(("today", "grown"))
    if args.today_tree:
        cases.insert(0, ("before", "empty"))
    if args.anchor:
        if args.postgres:
            raise SystemExit("--anchor runs on SQLite only")
        store.create_empty("anchor_empty")
        manage(store, "anchor_empty", "migrate", "--noinput")
        manage(store, "anchor_empty", "shell", "-c",
               "from django.contrib.auth import get_user_model; "
               "get_user_model().objects.create_superuser('admin', 'admin@example.invalid', None)")
        cases.append(("anchor", "empty"))
    results = {}
    for mode, base in cases:
        name = f"{mode}_{base}"
        if mode == "before":  # the other checkout's import_news, on its own template
            store.copy("template_today", name)
            results[name] = run_case(store, name, "today", corpus_lines, args.batch_size, tree=args.today_tree)
        elif mode == "anchor":
            results[name] = run_case(store, name, mode, measure_lines, args.batch_size)
        else:
            store.copy("template" if base == "empty" else "grown", name)
            results[name] = run_case(store, name, mode, measure_lines, args.batch_size)
        r = results[name]
        print(f"{name:12} {r['created']:5} pages  {r['pages_per_s']:6.1f} pages/s wall  "
              f"{r['pages_per_cpu_s']:6.1f} pages/CPU-s  {r['queries_per_page']:6.1f} queries/page  "
              f"{r['bytes_per_page'] / 1024:6.1f} KB/page  peak {r['peak_mb']:5.0f} MB", flush=True)
    manage(store, "bulk_grown", "audit", "verify")
    check = subprocess.run([sys.executable, str(ROOT / "manage.py"), "search", "check"], env=store.env("bulk_grown"),
                           capture_output=True, text=True)
    print("bulk_grown:", check.stdout.strip().splitlines()[-1] if check.stdout.strip() else check.stderr[-300:])
    def ratio(case, other):  # of the CPU rates
        return results[case]["pages_per_cpu_s"] / results[other]["pages_per_cpu_s"]

    print(f"grown/empty (bulk, CPU rate): {ratio('bulk_grown', 'bulk_empty'):.2f}   "
          f"bulk/today (empty, CPU rate): {ratio('bulk_empty', 'today_empty'):.2f}x")
    if "before_empty" in results:
        print(f"bulk/before (empty, CPU rate): {ratio('bulk_empty', 'before_empty'):.2f}x")
    if "anchor_empty" in results:
        print(f"bulk/anchor (empty, CPU rate): {ratio('bulk_empty', 'anchor_empty'):.2f}")
    if "today_grown" in results:
        print(f"today grown/empty (CPU rate): {ratio('today_grown', 'today_empty'):.2f}")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
