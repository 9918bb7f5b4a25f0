"""Bulk-load the full news corpus (62,345 items) as published NewsPages, for the API benchmark.

    VAR_DIR=var/bench SHARED_DIR=/work/shared .venv/bin/python -m bench.api_corpus [--limit N]

``manage.py import_news`` publishes each page through Wagtail (revisions, log
entries, signals, search outbox) at a few pages a second: right for real
imports, hours for 62k. This loader writes the same rows Wagtail's publish
leaves behind for a live page with no revision history — wagtailcore_page
(tree path, url_path, live, first/last_published_at), the DisclosurePage and
NewsPage rows (agency, fiscal year, OIT items from the item page) — in bulk,
spread round-robin over every agency's "news" item page of the demo tree.
It is a benchmark fixture, never a production path. Run ``manage.py migrate``
and ``manage.py load_demo --news 0`` first (``bench.api_serve --prepare`` does).
"""

import argparse
import datetime
import json
import lzma
import os
import sys
import time


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def records(path, limit=None):
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)


def load(path, limit=None, batch=2000, stdout=sys.stdout, exclude=()):
    """Load the corpus at ``path``; ``exclude``: source URLs left out (e.g. lines a benchmark imports later)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.html import escape
    from wagtail.models import Locale, Page

    from repository.fiscal import fiscal_year_of
    from repository.models import AgencyPage, DisclosurePage, ItemPage, NewsPage

    parents = []
    for item_page in ItemPage.objects.filter(slug="news").order_by("path"):
        agency_page = AgencyPage.objects.ancestor_of(item_page).order_by("-depth").first()
        parents.append({
            "page": item_page,
            "agency_id": agency_page.agency_id if agency_page else None,
            "items": list(item_page.items.values_list("pk", flat=True)),
            "next": item_page.numchild + 1,
            "slugs": set(item_page.get_children().values_list("slug", flat=True)),
        })
    if not parents:
        raise SystemExit("No 'news' item pages: run manage.py load_demo --news 0 first.")
    known = set(NewsPage.objects.values_list("source_url", flat=True)) | set(exclude)
    content_type = ContentType.objects.get_for_model(NewsPage)
    locale = Locale.get_default()
    tz = timezone.get_current_timezone()
    disclosure_fields = DisclosurePage._meta.local_concrete_fields
    news_fields = NewsPage._meta.local_concrete_fields

    def insert(model_fields, table, rows):
        columns = [f.column for f in model_fields]
        sql = f'INSERT INTO {connection.ops.quote_name(table)} ({", ".join(connection.ops.quote_name(c) for c in columns)}) ' \
              f'VALUES ({", ".join(["%s"] * len(columns))})'
        values = []
        for row in rows:
            values.append([
                f.get_db_prep_save(row[f.attname] if f.attname in row else f.get_default(), connection)
                for f in model_fields
            ])
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)

    created, started, chunk = 0, time.monotonic(), []

    def flush():
        nonlocal created
        if not chunk:
            return
        with transaction.atomic():
            pages = Page.objects.bulk_create([c[0] for c in chunk], batch_size=batch)
            saved = {p.path: p.pk for p in Page.objects.filter(path__in=[p.path for p in pages]).only("pk", "path")}
            disclosure_rows, news_rows, item_rows = [], [], []
            for page, extra in chunk:
                pk = saved[page.path]
                disclosure_rows.append({"page_ptr_id": pk, **extra["disclosure"]})
                news_rows.append({"disclosurepage_ptr_id": pk, **extra["news"]})
                item_rows.extend((pk, item) for item in extra["items"])
            insert(disclosure_fields, DisclosurePage._meta.db_table, disclosure_rows)
            insert(news_fields, NewsPage._meta.db_table, news_rows)
            through = DisclosurePage.items.through
            through.objects.bulk_create(
                [through(disclosurepage_id=pk, frameworkitem_id=item) for pk, item in item_rows], batch_size=batch
            )
            for parent in parents:
                Page.objects.filter(pk=parent["page"].pk).update(numchild=parent["next"] - 1)
        created += len(chunk)
        chunk.clear()
        rate = created / max(time.monotonic() - started, 1e-6)
        stdout.write(f"\r{created} pages ({rate:.0f}/s)")
        stdout.flush()

    for n, record in enumerate(records(path, limit)):
        if record["source_url"] in known:
            continue
        parent = parents[n % len(parents)]
        parent_page = parent["page"]
        slug = f"news-{record['id']}"
        if slug in parent["slugs"]:
            continue
        try:
            day = datetime.date.fromisoformat(record["date"])
        except ValueError:  # the corpus has a few untidy dates; the importer skips them too
            continue
        published = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=tz)
        title = record["title"][:250]
        path = Page._get_path(parent_page.path, parent_page.depth + 1, parent["next"])
        parent["next"] += 1
        page = Page(
            title=title, draft_title=title, slug=slug, content_type=content_type, live=True,
            has_unpublished_changes=False, url_path=f"{parent_page.url_path}{slug}/", path=path,
            depth=parent_page.depth + 1, numchild=0, first_published_at=published, last_published_at=published,
            latest_revision_created_at=published, locale=locale, show_in_menus=False,
        )
        paragraphs = [p.strip() for p in record["body"].split("\n") if p.strip()]
        chunk.append((page, {
            "disclosure": {
                "summary": (paragraphs[0] if paragraphs else "")[:300],
                "body": "".join(f"<p>{escape(p)}</p>" for p in paragraphs),
                "agency_id": parent["agency_id"],
                "document_number": "",
                "document_number_normalized": "",
                "issue_date": day,
                "fiscal_year": fiscal_year_of(day),
                "external_link": "",
            },
            "news": {"source_url": record["source_url"][:500], "source_category": record["category"][:255]},
            "items": parent["items"],
        }))
        if len(chunk) >= batch:
            flush()
    flush()
    stdout.write(f"\nloaded {created} news pages in {time.monotonic() - started:.0f}s\n")
    return created


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--exclude", default=None,
                        help="a file of import_disclosures lines whose news (by source_id, the source URL) to leave out")
    args = parser.parse_args(argv)
    setup()
    from django.conf import settings

    exclude = set()
    if args.exclude:
        with open(args.exclude, encoding="utf-8") as handle:
            exclude = {json.loads(line)["source_id"] for line in handle if line.strip()}
    load(args.path or settings.NEWS_FULL_PATH, args.limit, exclude=exclude)


if __name__ == "__main__":
    main()
