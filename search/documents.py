"""What the index holds for a page: one plain ``SearchDocument`` per public disclosure.

Both engines are fed the same documents, built either from a live page
(``document_for_page``) or, for benchmarks, from a row of the shared news
corpus (``document_for_corpus_row``) through the same fields and the same
analysis. ``is_public`` decides what the public may see; nothing else is
indexed.
"""

import dataclasses
import datetime
import io
import logging

from django.utils import timezone
from wagtail.rich_text import get_text_for_indexing

from repository.fiscal import fiscal_year_of

from . import analysis

logger = logging.getLogger(__name__)

MAX_ATTACHMENT_CHARS = 200_000  # per document: enough to find a PDF, bounded memory
MAX_ATTACHMENT_PAGES = 100


@dataclasses.dataclass
class SearchDocument:
    page_id: int
    title: str
    url_path: str = ""
    page_type: str = ""
    agency: str = ""
    agency_name: str = ""
    items: list = dataclasses.field(default_factory=list)  # codes, e.g. ["O7", "O4"]
    item_names: list = dataclasses.field(default_factory=list)
    fiscal_year: int | None = None
    issue_date: datetime.date | None = None
    summary: str = ""
    body: str = ""
    document_number: str = ""
    document_number_normalized: str = ""
    tags: list = dataclasses.field(default_factory=list)
    attachments_text: str = ""
    version: str = ""  # changes whenever the page is published again or moved

    def extra_text(self):
        """Fields searched together with a lower weight than title and body."""
        values = [
            self.document_number,
            self.document_number_normalized if self.document_number_normalized != self.document_number else "",
            self.agency_name,
            " ".join(self.items),
            " ".join(self.item_names),
            " ".join(self.tags),
            self.attachments_text,
        ]
        return "\n".join(value for value in values if value)


@dataclasses.dataclass
class AnalysedDocument:
    """A document with its text fields segmented (see ``search.analysis``)."""

    document: SearchDocument
    title: str
    summary: str
    body: str
    extra: str
    parts: str


def analyse_document(document):
    """Segment every text field once; runs in worker processes during rebuild."""
    title = analysis.analyse(document.title)
    summary = analysis.analyse(document.summary)
    body = analysis.analyse(document.body)
    extra = analysis.analyse(document.extra_text())
    parts = []
    seen = set()
    for value in (title.parts, summary.parts, body.parts, extra.parts):
        for part in value:
            if part not in seen:
                seen.add(part)
                parts.append(part)
    return AnalysedDocument(
        document=document,
        title=title.display,
        summary=summary.display,
        body=body.display,
        extra=extra.display,
        parts=" ".join(parts),
    )


# --- what the public may see ---------------------------------------------


def public_pages():
    """Every disclosure page the public may see, as a queryset of ``DisclosurePage``."""
    from repository.models import DisclosurePage

    now = timezone.now()
    queryset = DisclosurePage.objects.live().public().exclude(expire_at__lte=now)
    return queryset.exclude(go_live_at__gt=now)


def is_public(page):
    """True when ``page`` (any Page) is a disclosure the public may see now."""
    if page is None or page.pk is None:
        return False
    return public_pages().filter(pk=page.pk).exists()


# --- building documents ---------------------------------------------------


def document_for_page(page):
    """The ``SearchDocument`` of a disclosure page (its live, saved content)."""
    page = page.specific
    # The owner of the part of the tree the page is in now (a move does not
    # re-save the specific page, so the stored ``agency`` can lag behind).
    agency = page.nearest_agency() or page.agency
    items = list(page.items.all()) or page.inherited_items()
    body = get_text_for_indexing(page.body or "")
    return SearchDocument(
        page_id=page.pk,
        title=page.title,
        url_path=page.url_path,
        page_type=page._meta.model_name,
        agency=agency.code if agency else "",
        agency_name=agency.name_th if agency else "",
        items=sorted({item.code for item in items}),
        item_names=sorted({item.name_th for item in items}),
        fiscal_year=page.fiscal_year,
        issue_date=page.issue_date,
        summary=page.summary or "",
        body=body,
        document_number=page.document_number or "",
        document_number_normalized=page.document_number_normalized or "",
        tags=sorted(tag.name for tag in page.tags.all()),
        attachments_text=attachments_text(page),
        version=version_of(page.last_published_at, page.url_path),
    )


def version_of(last_published_at, url_path):
    """What tells an up-to-date index entry from a stale one."""
    return f"{last_published_at.isoformat() if last_published_at else ''}|{url_path or ''}"


def attachments_text(page):
    """Text of the page's PDF attachments, where it can be extracted."""
    texts = []
    budget = MAX_ATTACHMENT_CHARS
    for attachment in page.attachments.select_related("document"):
        document = attachment.document
        title = attachment.title or document.title
        texts.append(title)
        if budget <= 0 or not document.file.name.lower().endswith(".pdf"):
            continue
        text = pdf_text(document.file, budget)
        budget -= len(text)
        if text:
            texts.append(text)
    return "\n".join(texts)


def pdf_text(file, limit=MAX_ATTACHMENT_CHARS):
    """Extractable text of a PDF file field, or "" when it has none or is broken."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        file.open("rb")
        try:
            data = file.read()
        finally:
            file.close()
        reader = PdfReader(io.BytesIO(data))
        chunks, size = [], 0
        for number, pdf_page in enumerate(reader.pages):
            if number >= MAX_ATTACHMENT_PAGES or size >= limit:
                break
            text = pdf_page.extract_text() or ""
            chunks.append(text)
            size += len(text)
        return "\n".join(chunks)[:limit]
    except (PyPdfError, OSError, ValueError, KeyError) as error:
        logger.warning("Cannot read text of %s: %s", getattr(file, "name", file), error)
        return ""


def document_for_corpus_row(row, agency_codes=None):
    """A ``SearchDocument`` from a line of the shared news corpus (benchmarks).

    The corpus has no agency: its ``category`` (the source site's section)
    stands in for one, so agency filters and facets have realistic spread.
    News is OIT item O7 in the 2563–2565 frameworks and O4 from 2568.
    """
    try:  # the corpus is untidy: a few dates carry a suffix ("2025-09-07-1")
        issue_date = datetime.date.fromisoformat(str(row.get("date", ""))[:10])
    except ValueError:
        issue_date = None
    fiscal_year = fiscal_year_of(issue_date) if issue_date else None
    category = row.get("category") or ""
    if agency_codes is not None:
        agency = agency_codes.setdefault(category, f"agency-{len(agency_codes) + 1}")
    else:
        agency = category
    item = "O4" if fiscal_year and fiscal_year >= 2568 else "O7"
    return SearchDocument(
        page_id=int(row["id"]),
        title=row["title"],
        url_path=row.get("source_url", ""),
        page_type="newspage",
        agency=agency,
        agency_name=category,
        items=[item],
        item_names=["ข่าวประชาสัมพันธ์"],
        fiscal_year=fiscal_year,
        issue_date=issue_date,
        body=row.get("body", ""),
    )
