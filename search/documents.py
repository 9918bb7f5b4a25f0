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

from django.contrib.contenttypes.models import ContentType
from wagtail.rich_text import get_text_for_indexing

from repository import answers, visibility
from repository.fiscal import fiscal_year_of
from repository.models import Agency, AgencyPage, DisclosureAttachment, DisclosurePage, DisclosureTag, FrameworkItem
from repository.models.frameworks import item_key, parse_item_key

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
    # OIT items as "<framework year>:<code>" keys, e.g. ["2567:O7", "2568:O4"]: a code alone is
    # ambiguous (O22 is procurement announcements in 2563–2565 and the report of gifts in 2568)
    items: list = dataclasses.field(default_factory=list)
    item_names: list = dataclasses.field(default_factory=list)
    fiscal_year: int | None = None
    issue_date: datetime.date | None = None
    summary: str = ""
    body: str = ""  # plain text
    body_html: str = ""  # rich text, turned into text by ``analyse_document`` (in a worker) when ``body`` is empty
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
            " ".join(self.item_codes()),
            " ".join(self.item_names),
            " ".join(self.tags),
            self.attachments_text,
        ]
        return "\n".join(value for value in values if value)

    def item_codes(self):
        """The items' codes without their years, each once (what a reader may type: O22)."""
        return list(dict.fromkeys(parse_item_key(key)[1] for key in self.items))


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
    """Segment every text field once; runs in worker processes during rebuild.

    The document kept in the result holds only what the engines store besides
    the segmented text (ids, filters, titles): the long text fields are
    dropped, so that workers send back no more than they must.
    """
    body_text = document.body or (get_text_for_indexing(document.body_html) if document.body_html else "")
    title = analysis.analyse(document.title)
    summary = analysis.analyse(document.summary)
    body = analysis.analyse(body_text)
    extra = analysis.analyse(document.extra_text())
    document = dataclasses.replace(document, summary="", body="", body_html="", attachments_text="")
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
    """Every disclosure page the public may see, as a queryset of ``DisclosurePage``.

    The rule is ``repository.visibility`` (live, not expired, every ancestor live and not
    expired, no view restriction above, below the site root), the same the API serves by."""
    return visibility.public_disclosures()


def is_public(page):
    """True when ``page`` (any Page) is a disclosure the public may see now."""
    if page is None or page.pk is None:
        return False
    return public_pages().filter(pk=page.pk).exists()


# --- building documents ---------------------------------------------------


def document_for_page(page):
    """The ``SearchDocument`` of a disclosure page (its live, saved content)."""
    found = build_documents(DisclosurePage.objects.filter(pk=page.pk))
    return found[0] if found else None


_PAGE_FIELDS = (
    "pk", "title", "url_path", "path", "content_type_id", "agency_id", "summary", "body", "document_number",
    "document_number_normalized", "fiscal_year", "issue_date", "last_published_at",
)


def build_documents(queryset):
    """``SearchDocument``s of the disclosure pages of ``queryset``, in its order.

    A fixed number of queries whatever the number of pages (the rebuild reads
    chunks of hundreds): the pages' own columns with ``values()``, then one
    query each for the agencies above them, their items, the items of their
    ItemPage parents, their tags and their attachments. No page objects are
    built. The rich text body is left as HTML (``body_html``): turning it into
    text is done by ``analyse_document``, in the worker processes.
    """
    rows = list(queryset.values(*_PAGE_FIELDS))
    if not rows:
        return []
    ids = [row["pk"] for row in rows]
    step = DisclosurePage.steplen

    ancestor_paths = {row["path"][:end] for row in rows for end in range(step, len(row["path"]), step)}
    agency_at = {  # AgencyPage path -> (code, name) of its agency, or None
        path: (code, name) if code is not None else None
        for path, code, name in AgencyPage.objects.filter(path__in=ancestor_paths).values_list(
            "path", "agency__code", "agency__name_th"
        )
    }
    stored_agency = {
        pk: (code, name)
        for pk, code, name in Agency.objects.filter(
            pk__in={row["agency_id"] for row in rows if row["agency_id"]}
        ).values_list("pk", "code", "name_th")
    }

    answered = answers.answered_items({row["pk"]: row["path"] for row in rows})
    item_facts = {pk: (item_key(year, code), name) for pk, year, code, name in FrameworkItem.objects.filter(
        pk__in=set().union(*answered.values())).values_list("pk", "framework__year", "code", "name_th")}

    tags = {}
    for pk, name in DisclosureTag.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag__name"):
        tags.setdefault(pk, []).append(name)
    attachments = {}
    for attachment in DisclosureAttachment.objects.filter(page_id__in=ids).select_related("document").order_by(
        "page_id", "sort_order", "pk"
    ):
        attachments.setdefault(attachment.page_id, []).append(attachment)

    documents = []
    for row in rows:
        pk, path = row["pk"], row["path"]
        # The owner of the part of the tree the page is in now (a move does not
        # re-save the specific page, so the stored ``agency`` can lag behind).
        nearest = next((path[:end] for end in range(len(path) - step, 0, -step) if path[:end] in agency_at), None)
        agency = (agency_at[nearest] if nearest else None) or stored_agency.get(row["agency_id"])
        items = [item_facts[item_id] for item_id in answered.get(pk, ()) if item_id in item_facts]
        documents.append(SearchDocument(
            page_id=pk,
            title=row["title"],
            url_path=row["url_path"],
            page_type=ContentType.objects.get_for_id(row["content_type_id"]).model,
            agency=agency[0] if agency else "",
            agency_name=agency[1] if agency else "",
            items=sorted({key for key, _ in items}),
            item_names=sorted({name for _, name in items}),
            fiscal_year=row["fiscal_year"],
            issue_date=row["issue_date"],
            summary=row["summary"] or "",
            body_html=row["body"] or "",
            document_number=row["document_number"] or "",
            document_number_normalized=row["document_number_normalized"] or "",
            tags=sorted(tags.get(pk, [])),
            attachments_text=attachments_text(attachments.get(pk, [])),
            version=version_of(row["last_published_at"], row["url_path"]),
        ))
    return documents


# Changed when what a document holds changes shape (2: OIT items as "<year>:<code>" keys; 3: the items
# a page answers by ``repository.answers``, its own links and its item page's, no longer one or the
# other), so that ``search check`` finds every entry written before as stale and ``--fix`` rewrites it.
# 4: Elasticsearch entries carry the title's trigrams (``title_grams``) that suggestions read.
DOCUMENT_FORMAT = "4"


def version_of(last_published_at, url_path):
    """What tells an up-to-date index entry from a stale one."""
    return f"{last_published_at.isoformat() if last_published_at else ''}|{url_path or ''}|{DOCUMENT_FORMAT}"


def attachments_text(attachments):
    """Text of a page's attachments (``DisclosureAttachment``s with their document): titles, and PDF text."""
    texts = []
    budget = MAX_ATTACHMENT_CHARS
    for attachment in attachments:
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
    News is OIT item O7 in the 2563–2567 frameworks and O4 in 2568; like the demo's news item
    page, every corpus document is tagged with all six.
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
    return SearchDocument(
        page_id=int(row["id"]),
        title=row["title"],
        url_path=row.get("source_url", ""),
        page_type="newspage",
        agency=agency,
        agency_name=category,
        items=[item_key(year, "O7") for year in range(2563, 2568)] + [item_key(2568, "O4")],
        item_names=["ข่าวประชาสัมพันธ์"],
        fiscal_year=fiscal_year,
        issue_date=issue_date,
        body=row.get("body", ""),
    )
