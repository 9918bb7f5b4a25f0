"""Import corpus news items as published NewsPage pages under an item page.

Idempotent by source URL; each batch is one transaction (``batches.py``), so an
interruption or a database error never leaves a half-written page; bad lines are
skipped and reported with their line number.
"""

import datetime

from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from ..models import NewsPage
from .batches import ImportReport, PlannedPage, write_pages
from .corpus import BadLine, read_records

TITLE_MAX = 255
SUMMARY_CHARS = 400


def body_to_rich_text(body):
    """Plain text with ``\\n`` between paragraphs → Wagtail rich text HTML."""
    paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)


def summary_of(body):
    first = next((line.strip() for line in body.split("\n") if line.strip()), "")
    return Truncator(first).chars(SUMMARY_CHARS)


def news_page_from(record):
    published_at = timezone.make_aware(datetime.datetime.combine(record.date, datetime.time(9, 0)))
    page = NewsPage(
        title=Truncator(record.title).chars(TITLE_MAX),
        slug=f"news-{record.id}",
        summary=summary_of(record.body),
        body=body_to_rich_text(record.body),
        issue_date=record.date,
        source_url=record.source_url,
        source_category=record.category,
        first_published_at=published_at,
        live=False,  # a draft until the publication gate puts it live
    )
    if record.category:
        page.tags.add(record.category)
    return page


def deleted_source_urls():
    """Source URLs of news pages deleted on purpose: re-importing must not bring them back.

    The audit trail (django-reversion) keeps deleted pages; without it registered
    there is nothing to consult.
    """
    import reversion
    from reversion.models import Version

    if not reversion.is_registered(NewsPage):
        return set()
    return {version.field_dict.get("source_url") for version in Version.objects.get_deleted(NewsPage)} - {None, ""}


def import_news(path, parent, *, publish, limit=None, batch_size=100, user=None, progress=None, bulk=True):
    """Import up to ``limit`` new items from ``path`` under ``parent`` (an ItemPage).

    ``publish(page, user)`` puts each saved page live through the publication gate:
    callers pass the approvals app's administrator override
    (``approvals.imports.override_publisher``), so every imported item carries its
    reason and a form record; there is no default that could skip it. ``progress`` is
    called with the number of lines handled after each batch. Pages are written by the
    general importer's batch writer (``batches.write_pages``): one transaction per
    batch, Wagtail's per-save index work once per batch.
    """
    report = ImportReport()
    known = set(NewsPage.objects.values_list("source_url", flat=True)) | deleted_source_urls()

    def planned():
        count = 0
        for entry in read_records(path):
            if isinstance(entry, BadLine):
                report.errors.append((entry.line_number, entry.message))
                continue
            if entry.source_url in known:
                report.existing += 1
                continue
            if limit is not None and count >= limit:
                return
            known.add(entry.source_url)
            count += 1
            yield PlannedPage(line_number=entry.line_number, source_id="", parent=parent,
                              build=lambda record=entry: news_page_from(record))

    write_pages(planned(), user=user, publish=publish, report=report, batch_size=batch_size, bulk=bulk,
                progress=progress)
    return report


def disclosure_line(record, agency="secretariat-pm", item_page="news"):
    """A corpus record as a line of the general importer (``import_disclosures``), source id from its URL."""
    fields = {
        "title": record.title, "slug": f"news-{record.id}", "summary": summary_of(record.body),
        "body": record.body, "issue_date": record.date.isoformat(), "source_url": record.source_url,
        "source_category": record.category,
    }
    if record.category:
        fields["tags"] = [record.category]
    return {"source_id": record.source_url, "agency": agency, "type": "news", "item_page": item_page,
            "fields": fields}
