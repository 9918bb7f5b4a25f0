"""Benchmark the audit trail on generated history (not a test; prints figures).

    DATABASE_URL=sqlite:///var/bench_audit.sqlite3 .venv/bin/python bench/audit_history.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/audit_history.py

Without DATABASE_URL it uses var/bench_audit.sqlite3. The database must be a
scratch one: it is migrated, and generated history is appended only if it holds
no audit entries yet (``--reuse`` measures an existing generated history again).

Generation: 10,000 news pages (real Thai text from the 5k corpus) with 10 audit
entries each — create, edits, publishes, an occasional unpublish or delete — in
time order over fiscal years 2567–2568: 100,000 sealed entries of 3 reversion
versions each (page, disclosure, news rows), each entry's ``extra`` as the
recorder writes it (the log entry's facts, and on create and edit entries the
draft's content). Rows are bulk-inserted, sealed
with the application's own payload builder and seal function. Every read
below goes through the real public functions:

* ``replay.object_timeline`` of one page;
* ``diff.diff_versions`` between two published versions of one page (Thai word diff);
* ``replay.live_pages_as_of`` for the whole repository, with content;
* ``chain.verify_chain`` (every seal, link, the Merkle tree and the stored checkpoints), in one
  process and in one per core, with the CPU time of all processes (the machine is shared: wall
  time depends on load);
* inclusion and consistency proofs from the stored tree, and ``verification.verify_appended``
  over the last 1,000 entries from a checkpoint signed before them.

Aims: timeline and diff < 50 ms, as-of < 2 s (issue 4); full verification of 100,000 entries
< 5 s with both cores, 1,000 appended entries < 1 s (issue 13).
"""

import argparse
import datetime
import gzip
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_audit.sqlite3'}")
os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
(ROOT / "var").mkdir(exist_ok=True)

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from reversion.models import Revision, Version  # noqa: E402

from repository.audit.canonical import GENESIS_SEAL, canonical_json, data_digest  # noqa: E402
from repository.audit.chain import VERSION_FIELDS, build_payload, verify_chain  # noqa: E402
from repository.audit.diff import diff_versions  # noqa: E402
from repository.audit.merkle import leaf_hash, position  # noqa: E402
from repository.audit.models import AuditRecord, ChainHead, TreeNode  # noqa: E402
from repository.audit.replay import live_pages_as_of, object_timeline, published_versions  # noqa: E402
from repository.audit.stored_tree import StoredTree  # noqa: E402
from repository.audit.verification import default_workers  # noqa: E402
from repository.models import NewsPage  # noqa: E402

BKK = ZoneInfo("Asia/Bangkok")
CORPUS = Path(os.environ.get("SHARED_DIR", "/work/shared")) / "data" / "thaigov-news-5k.jsonl.gz"
AGENCIES = ["uthai-thani", "uthai-health", "uthai-education", "uthai-agriculture", "uthai-interior"]
START = datetime.datetime(2023, 10, 1, 8, 0, tzinfo=BKK)
SPAN_SECONDS = 2 * 365 * 24 * 3600


def corpus(limit=5000):
    items = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            if item.get("body"):
                items.append(item)
            if len(items) >= limit:
                break
    return items


def page_rows(page_id, step, title, body, live, agency_id, at):
    """The three rows of a NewsPage as Django's JSON serializer writes them (as reversion stores them)."""
    iso = at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    path = f"00010001{page_id // 1000:04d}{page_id % 1000 + 1:04d}"
    page = {
        "path": path, "depth": 4, "numchild": 0, "translation_key": f"00000000-0000-4000-8000-{page_id:012d}",
        "locale": 1, "latest_revision": None, "live": live, "has_unpublished_changes": not live,
        "first_published_at": iso if live else None, "last_published_at": iso if live else None,
        "live_revision": None, "go_live_at": None, "expire_at": None, "expired": False, "locked": False,
        "locked_at": None, "locked_by": None, "title": title, "draft_title": title, "slug": f"news-{page_id}",
        "content_type": 0, "url_path": f"/home/agency/news/news-{page_id}/", "owner": 1, "seo_title": "",
        "show_in_menus": False, "search_description": "", "latest_revision_created_at": iso, "alias_of": None,
    }
    disclosure = {
        "summary": body[:200], "body": f"<p>{body}</p>", "agency": agency_id, "items": [], "document_number": "",
        "document_number_normalized": "", "issue_date": at.date().isoformat(), "fiscal_year": None,
        "external_link": "",
    }
    news = {"source_url": f"https://www.thaigov.go.th/news/contents/details/{page_id}", "source_category": "ข่าว"}
    return [
        ("wagtailcore.page", page_id, page),
        ("repository.disclosurepage", page_id, disclosure),
        ("repository.newspage", page_id, news),
    ]


ACTIONS = ["wagtail.create", "wagtail.edit", "wagtail.publish", "wagtail.edit", "wagtail.publish",
           "wagtail.edit", "wagtail.publish", "wagtail.edit", "wagtail.publish"]


# Entries whose Wagtail revision is not live: the recorder keeps the revision's content in ``extra.draft``.
DRAFT_ACTIONS = ("wagtail.create", "wagtail.edit")


def log_extra(rng, log_entry_id, action, title, draft):
    """``extra`` as the recorder writes it for a page's log entry (recording._log_entry_extra)."""
    extra = {
        "log": {"uuid": f"{rng.getrandbits(128):032x}", "label": title, "data": {},
                "content_changed": action != "wagtail.unpublish", "deleted": action == "wagtail.delete",
                "wagtail_revision_id": log_entry_id},
        "parent_id": 4,
        "view_restrictions": [],
    }
    if draft is not None:
        extra["draft"] = draft
    return extra


def plan(pages, per_page, rng):
    """(time, page_id, step, action) for every entry, in time order."""
    events = []
    for page_id in range(1, pages + 1):
        times = sorted(rng.randrange(SPAN_SECONDS) for _ in range(per_page))
        actions = ACTIONS[: per_page - 1] + [rng.choice(["wagtail.publish", "wagtail.unpublish", "wagtail.delete",
                                                         "wagtail.edit"])]
        for step, (offset, action) in enumerate(zip(times, actions, strict=True)):
            events.append((START + datetime.timedelta(seconds=offset, microseconds=rng.randrange(10**6)), page_id,
                           step, action))
    events.sort()
    return events


def generate(pages, per_page, seed=2568, batch=2000):
    rng = random.Random(seed)
    texts = corpus()
    labels = {f"{ct.app_label}.{ct.model}": ct.pk for ct in ContentType.objects.all()}
    labels_by_id = {pk: label for label, pk in labels.items()}
    events = plan(pages, per_page, rng)
    live = {}
    # Append after whatever the migrations recorded (e.g. the role groups' permissions).
    current = ChainHead.objects.filter(pk=1).values("sequence", "seal").first()
    sequence, head = (current["sequence"], current["seal"]) if current else (0, GENESIS_SEAL)
    tree = StoredTree().compact_range(sequence)
    started = time.perf_counter()
    for start in range(0, len(events), batch):
        chunk = events[start:start + batch]
        with transaction.atomic():
            revisions = Revision.objects.bulk_create([
                Revision(date_created=at, user=None, comment="" if action != "wagtail.unpublish" else "หมดอายุประกาศ")
                for at, _page, _step, action in chunk
            ])
            versions, facts, drafts = [], [], {}
            for revision, (at, page_id, step, action) in zip(revisions, chunk, strict=True):
                if action == "wagtail.publish":
                    live[page_id] = True
                elif action in ("wagtail.unpublish", "wagtail.delete"):
                    live[page_id] = False
                is_live = live.get(page_id, False)
                item = texts[(page_id * 7 + step // 2) % len(texts)]
                body = item["body"][:700]
                agency_id = page_id % len(AGENCIES) + 1
                rows = page_rows(page_id, step, item["title"][:250], body, is_live, agency_id, at)
                if action in DRAFT_ACTIONS:  # the page row holds the live content: the entry keeps the draft's
                    drafts[revision.pk] = {name: value for _, _, fields in rows for name, value in fields.items()}
                for label, pk, fields in rows:
                    data = json.dumps([{"model": label, "pk": pk, "fields": fields}], ensure_ascii=False)
                    versions.append(Version(revision=revision, content_type_id=labels[label], object_id=str(pk),
                                            db="default", format="json", serialized_data=data,
                                            object_repr=item["title"][:100]))
                facts.append((revision, at, page_id, action, is_live, agency_id, item["title"][:100]))
            Version.objects.bulk_create(versions, batch_size=1000)
            by_revision = {}
            for version in versions:
                by_revision.setdefault(version.revision_id, []).append(
                    {**{name: getattr(version, name) for name in VERSION_FIELDS},
                     "data_sha256": data_digest(version.serialized_data)})
            records, nodes = [], []
            for revision, at, page_id, action, is_live, agency_id, title in facts:
                sequence += 1
                own = [v for v in by_revision[revision.pk] if v["content_type_id"] == labels["repository.newspage"]]
                record = {
                    "sequence": sequence, "previous_seal": head, "at": at, "action": action,
                    "object_model": "repository.newspage", "object_id": str(page_id), "object_repr": title,
                    "page_id": page_id, "live": is_live and action != "wagtail.delete", "version_id": own[0]["id"],
                    "agency_id": agency_id, "agency_code": AGENCIES[agency_id - 1], "item_codes": " O4 ",
                    "user_id_snapshot": None, "user_name": "", "log_model": "wagtailcore.pagelogentry",
                    "log_entry_id": sequence, "extra": log_extra(rng, sequence, action, title, drafts.get(revision.pk)),
                }
                payload = build_payload(record, {"id": revision.pk, "date_created": at, "comment": revision.comment},
                                        by_revision[revision.pk], labels_by_id)
                entry = canonical_json(payload)
                head = hashlib.sha256(entry).hexdigest()
                records.append(AuditRecord(revision=revision, seal=head, **record))
                leaf = leaf_hash(entry)
                nodes.append(TreeNode(position=position(0, tree.size), hash=leaf.hex()))
                nodes.extend(TreeNode(position=position(level, index), hash=digest.hex())
                             for level, index, digest in tree.append(leaf))
            AuditRecord.objects.bulk_create(records, batch_size=1000)
            TreeNode.objects.bulk_create(nodes, batch_size=2000)
            ChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "seal": head, "at": chunk[-1][0]})
        if start // batch % 10 == 0:
            print(f"  generated {sequence:,} entries ({time.perf_counter() - started:.0f} s)", flush=True)
    return sequence


def timed(function, *args, repeat=1, **kwargs):
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        durations.append(time.perf_counter() - started)
    return result, durations


def ms(values):
    values = sorted(values)
    return (f"median {statistics.median(values) * 1000:.1f} ms, p95 {values[int(len(values) * 0.95) - 1] * 1000:.1f} ms,"
            f" max {values[-1] * 1000:.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--per-page", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="measure an existing generated history")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--verify-only", action="store_true", help="only time verify_chain (in this process)")
    parser.add_argument("--workers", type=int, default=0, help="with --verify-only: worker processes (0: default)")
    args = parser.parse_args()
    if args.verify_only:
        measure_verify(args.workers or None)
        return

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    existing = AuditRecord.objects.filter(object_model="repository.newspage").count()
    if existing and not args.reuse:
        sys.exit(f"the database already holds {existing:,} generated audit entries; use a scratch database or --reuse")
    if not existing:
        from repository.audit.triggers import create_triggers

        print(f"generating {args.pages:,} pages × {args.per_page} entries ...")
        _, took = timed(generate, args.pages, args.per_page)
        print(f"  done in {took[0]:.0f} s")
        create_triggers(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    entries = AuditRecord.objects.count()
    versions = Version.objects.count()
    pages = AuditRecord.objects.filter(page_id__isnull=False).values("page_id").distinct().count()
    print(f"history: {entries:,} entries, {versions:,} reversion versions, {pages:,} pages")

    rng = random.Random(1)
    sample = rng.sample(range(1, pages + 1), min(args.samples, pages))
    _, durations = timed(lambda: [object_timeline(NewsPage, page_id) for page_id in sample])
    per_call = [durations[0] / len(sample)]
    timeline_durations = []
    for page_id in sample:
        _, took = timed(object_timeline, NewsPage, page_id)
        timeline_durations.extend(took)
    print(f"object_timeline (one page, ~{args.per_page} events): {ms(timeline_durations)}  (mean {per_call[0] * 1000:.1f} ms)")

    pairs = []
    for page_id in sample:
        published = published_versions(page_id)
        if len(published) >= 2:
            pairs.append((published[0]["version_id"], published[-1]["version_id"]))
    diff_versions(*pairs[0])  # PyThaiNLP loads its dictionary once per process
    diff_durations = []
    changed = 0
    for a, b in pairs[:100]:
        changes, took = timed(diff_versions, a, b)
        diff_durations.extend(took)
        changed += bool(changes)
    print(f"diff_versions (two published versions, Thai word diff of ~700-char bodies): {ms(diff_durations)} "
          f"over {len(diff_durations)} pairs ({changed} with changes)")

    moments = [START + datetime.timedelta(days=days) for days in (120, 400, 700)]
    for moment in moments:
        cpu_before = time.process_time()
        result, took = timed(live_pages_as_of, moment, repeat=3)
        cpu = (time.process_time() - cpu_before) / 3
        print(f"live_pages_as_of({moment:%Y-%m-%d %H:%M} +07, whole repository, with content): "
              f"{len(result):,} live pages, best {min(took):.2f} s, worst {max(took):.2f} s wall, "
              f"{cpu:.2f} s CPU each (load average {os.getloadavg()[0]:.1f})")
    result, took = timed(live_pages_as_of, moments[1], agency=None, with_content=False)
    print(f"live_pages_as_of without content: {len(result):,} pages in {took[0]:.2f} s")

    # Verification runs in a fresh process, as `manage.py audit verify` does: after the measurements above
    # this process holds a large heap, which its forked workers would copy page by page as they write.
    for workers in (1, None):
        subprocess.run([sys.executable, __file__, "--verify-only", "--workers", str(workers or 0)], check=True)
    measure_log(entries)


def measure_log(entries):
    """Proofs from the stored tree, and verifying the last 1,000 entries from a checkpoint before them."""
    from repository.audit import checkpoints as signing
    from repository.audit.verification import verify_appended

    tree, rng = StoredTree(), random.Random(9)
    durations = []
    for _ in range(200):
        size = rng.randint(2, entries)
        _, took = timed(tree.inclusion_proof, rng.randrange(size), size)
        durations.extend(took)
    print(f"inclusion proof (any entry, any size up to {entries:,}): {ms(durations)}")
    durations = []
    for _ in range(200):
        second = rng.randint(2, entries)
        _, took = timed(tree.consistency_proof, rng.randint(1, second - 1), second)
        durations.extend(took)
    print(f"consistency proof (any two sizes up to {entries:,}): {ms(durations)}")
    key = signing.SigningKey.generate("bench.example")
    size = entries - 1000
    note = signing.sign_note(signing.checkpoint_text("bench.example/audit", size, tree.root(size)), key)
    checkpoint = signing.parse_checkpoint_text(signing.open_note(note, key.verifier))
    (checked, problem), took = timed(verify_appended, checkpoint)
    print(f"verify_appended (entries since a checkpoint): {checked:,} entries, ok={problem is None}, "
          f"in {took[0]:.2f} s wall")


def measure_verify(workers):
    """Time ``verify_chain`` in this process, with the CPU time of its worker processes."""
    with connection.cursor() as cursor:
        length = "octet_length(serialized_data)" if connection.vendor == "postgresql" else \
            "length(CAST(serialized_data AS BLOB))"
        cursor.execute(f"SELECT SUM({length}) FROM reversion_version")
        (data_bytes,) = cursor.fetchone()
    connection.close()  # the workers open their own
    cpu_before, load_before = cpu_seconds(), os.getloadavg()[0]
    verified, took = timed(verify_chain, workers=workers)
    cpu = cpu_seconds() - cpu_before
    label = workers or f"{default_workers()} (default)"
    print(f"verify_chain(workers={label}): ok={verified.ok} {verified.count:,} entries in {took[0]:.2f} s wall "
          f"= {verified.count / took[0]:,.0f} entries/s; {cpu:.2f} s CPU in all processes "
          f"= {verified.count / cpu:,.0f} entries per CPU-second (hashing {data_bytes / 1e6:,.0f} MB of version "
          f"data; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)", flush=True)


def cpu_seconds():
    """CPU time of this process and of its finished children (verify's worker processes)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system

if __name__ == "__main__":
    main()
