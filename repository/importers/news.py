"""Import corpus news items as published NewsPage pages under an item page.

Idempotent by source URL; each batch is one transaction, so an interruption or
a database error never leaves a half-written page; bad lines are skipped and
reported with their line number.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from ..models import NewsPage
from .corpus import BadLine, read_records

TITLE_MAX = 255
SUMMARY_CHARS = 400


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    errors: list = field(default_factory=list)  # [(line_number, message)]


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


def _publish_batch(parent, records, user, publish):
    with transaction.atomic():
        for record in records:
            page = news_page_from(record)
            parent.add_child(instance=page)
            page.save_revision(user=user, log_action=True)
            publish(page, user)


def import_news(path, parent, *, publish, limit=None, batch_size=100, user=None, progress=None):
    """Import up to ``limit`` new items from ``path`` under ``parent`` (an ItemPage).

    ``publish(page, user)`` puts each saved page live through the publication gate:
    callers pass the approvals app's administrator override
    (``approvals.imports.override_publisher``), so every imported item carries its
    reason and a form record; there is no default that could skip it. ``progress`` is called with the number of lines
    handled after each batch.
    """
    report = ImportReport()
    known = set(NewsPage.objects.values_list("source_url", flat=True)) | deleted_source_urls()
    batch = []
    for entry in read_records(path):
        if isinstance(entry, BadLine):
            report.errors.append((entry.line_number, entry.message))
            continue
        if entry.source_url in known:
            report.existing += 1
            continue
        if limit is not None and report.created + len(batch) >= limit:
            break
        known.add(entry.source_url)
        batch.append(entry)
        if len(batch) >= batch_size:
            _publish_batch(parent, batch, user, publish)
            report.created += len(batch)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        _publish_batch(parent, batch, user, publish)
        report.created += len(batch)
        if progress:
            progress(len(batch))
    return report
