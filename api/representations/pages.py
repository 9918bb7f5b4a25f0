"""The JSON shape of each page type, as plain functions.

A *key function* (``<block>_keys``) takes ``(page, ctx)`` and returns a dict of
the keys it declares with ``@provides``. ``FIELDS[model]`` lists a page type's key
functions in output order (subclasses extend their parent's list); ``fields=``
selects among the keys, ``expand=`` adds the blocks of :mod:`.expansions`. Every
key is documented in ``docs/API.md`` and the OpenAPI schema (:mod:`.schema`).
"""

from django.utils import timezone
from wagtail.models import CollectionViewRestriction, Page
from wagtail.rich_text import expand_db_html

from repository.models import (
    AgencyPage,
    DisclosurePage,
    EmergencyAnnouncementPage,
    GeneralDisclosurePage,
    HomePage,
    ItemGroupPage,
    ItemPage,
    NewsPage,
    OfficialOrderPage,
    PlanReportPage,
    ProcurementAnnouncementPage,
    ProcurementSummaryPage,
)

from .fields import agency_summary, date_pair, iso, item_summary, money


def provides(*keys):
    """Declare the output keys of a key function (used by ``fields=``)."""

    def mark(func):
        func.keys = keys
        return func

    return mark


def page_type(page_or_model):
    meta = page_or_model._meta
    return f"{meta.app_label}.{meta.object_name}"


# --- fields every page has ---------------------------------------------------


@provides("id")
def id_keys(page, ctx):
    return {"id": page.pk}


@provides("type", "type_label")
def type_keys(page, ctx):
    # Listings load the shared DisclosurePage row: name the page's own type.
    model = page.specific_class or type(page)
    return {"type": page_type(model), "type_label": str(model._meta.verbose_name)}


@provides("title", "slug")
def title_keys(page, ctx):
    return {"title": page.title, "slug": page.slug}


@provides("path", "canonical_url", "api_url")
def path_keys(page, ctx):
    path = ctx.path_of(page)
    return {"path": path, "canonical_url": ctx.canonical_url(path), "api_url": ctx.api_url(path)}


@provides("first_published_at", "first_published_at_be", "last_published_at", "last_published_at_be")
def published_keys(page, ctx):
    return {
        **date_pair("first_published_at", page.first_published_at),
        **date_pair("last_published_at", page.last_published_at),
    }


@provides("intro")
def intro_keys(page, ctx):
    return {"intro": page.intro}


@provides("agency")
def agency_of_agency_page_keys(page, ctx):
    return {"agency": agency_summary(page.agency)}


@provides("items")
def item_page_items_keys(page, ctx):
    return {"items": [item_summary(i) for i in ctx.items_of(page)]}


# --- disclosure fields --------------------------------------------------------


@provides("agency")
def agency_keys(page, ctx):
    return {"agency": agency_summary(ctx.agency(page.agency_id))}


@provides("items")
def items_keys(page, ctx):
    return {"items": [item_summary(i) for i in ctx.items_of(page)]}


@provides("summary")
def summary_keys(page, ctx):
    return {"summary": page.summary}


@provides("body")
def body_keys(page, ctx):
    return {"body": expand_db_html(page.body) if page.body else ""}


@provides("document_number", "document_number_normalized", "issue_date", "issue_date_be", "fiscal_year")
def document_keys(page, ctx):
    return {
        "document_number": page.document_number,
        "document_number_normalized": page.document_number_normalized,
        **date_pair("issue_date", page.issue_date),
        "fiscal_year": page.fiscal_year,
    }


@provides("external_link")
def external_link_keys(page, ctx):
    return {"external_link": page.external_link}


@provides("tags")
def tags_keys(page, ctx):
    return {"tags": sorted(tag.name for tag in page.tags.all())}


def attachment_summary(attachment, ctx):
    document = attachment.document
    size = document.file_size
    if size is None:
        try:
            size = document.file.size
        except OSError:
            size = None
    return {
        "title": attachment.display_title(),
        "filename": document.filename,
        "size": size,
        "content_type": document.content_type,
        "url": ctx.absolute(document.url),
    }


@provides("attachments")
def attachments_keys(page, ctx):
    restricted = ctx.restricted_collections()
    rows = page.attachments.select_related("document").order_by("sort_order")
    return {
        "attachments": [
            attachment_summary(a, ctx) for a in rows if a.document.collection_id not in restricted
        ]
    }


# --- type-specific fields -----------------------------------------------------


@provides("kind", "kind_label", "signed_by", "issue_year", "date_note")
def official_order_keys(page, ctx):
    return {
        "kind": page.kind,
        "kind_label": page.get_kind_display(),
        "signed_by": page.signed_by,
        "issue_year": page.issue_year,
        "date_note": page.date_note,
    }


@provides("source_url", "source_category")
def news_keys(page, ctx):
    return {"source_url": page.source_url, "source_category": page.source_category}


@provides("severity", "severity_label", "affected_area", "valid_until", "valid_until_be", "active")
def emergency_keys(page, ctx):
    return {
        "severity": page.severity,
        "severity_label": page.get_severity_display(),
        "affected_area": page.affected_area,
        **date_pair("valid_until", page.valid_until),
        "active": page.is_active(ctx.moment),
    }


@provides("stage", "stage_label", "method", "method_label", "budget", "reference_price", "egp_project_number", "winner", "agreed_price", "outcome")
def procurement_announcement_keys(page, ctx):
    return {
        "stage": page.stage,
        "stage_label": page.get_stage_display(),
        "method": page.method,
        "method_label": page.get_method_display(),
        "budget": money(page.budget),
        "reference_price": money(page.reference_price),
        "egp_project_number": page.egp_project_number,
        "winner": page.winner,
        "agreed_price": money(page.agreed_price),
        "outcome": page.outcome,
    }


def procurement_row(row):
    return {
        "item": row.item,
        "budget": money(row.budget),
        "reference_price": money(row.reference_price),
        "method": row.method,
        "method_label": row.get_method_display(),
        "bidders": [line.strip() for line in row.bidders.splitlines() if line.strip()],
        "selected_vendor": row.selected_vendor,
        "agreed_price": money(row.agreed_price),
        "reason": row.reason,
        "contract_number": row.contract_number,
        **date_pair("contract_date", row.contract_date),
        "egp_project_number": row.egp_project_number,
    }


@provides("month", "month_be", "no_procurement", "procurement_rows")
def procurement_summary_keys(page, ctx):
    return {
        "month": iso(page.month),
        "month_be": page.month_be or None,
        "no_procurement": page.no_procurement,
        "procurement_rows": [procurement_row(r) for r in page.procurement_rows.all().order_by("sort_order")],
    }


@provides("kind", "kind_label", "period", "period_label")
def plan_report_keys(page, ctx):
    return {
        "kind": page.kind,
        "kind_label": page.get_kind_display(),
        "period": page.period,
        "period_label": page.get_period_display(),
    }


PAGE_FIELDS = [id_keys, type_keys, title_keys, path_keys, published_keys]
DISCLOSURE_FIELDS = PAGE_FIELDS + [
    agency_keys, items_keys, summary_keys, body_keys, document_keys, external_link_keys, tags_keys, attachments_keys,
]
# The fields a listing row carries by default (all on the DisclosurePage table).
LISTING_FIELDS = PAGE_FIELDS + [agency_keys, items_keys, summary_keys, document_keys]

FIELDS = {
    Page: PAGE_FIELDS,
    HomePage: PAGE_FIELDS + [intro_keys],
    AgencyPage: PAGE_FIELDS + [agency_of_agency_page_keys, intro_keys],
    ItemGroupPage: PAGE_FIELDS + [intro_keys],
    ItemPage: PAGE_FIELDS + [intro_keys, item_page_items_keys],
    DisclosurePage: DISCLOSURE_FIELDS,
    OfficialOrderPage: DISCLOSURE_FIELDS + [official_order_keys],
    NewsPage: DISCLOSURE_FIELDS + [news_keys],
    EmergencyAnnouncementPage: DISCLOSURE_FIELDS + [emergency_keys],
    ProcurementAnnouncementPage: DISCLOSURE_FIELDS + [procurement_announcement_keys],
    ProcurementSummaryPage: DISCLOSURE_FIELDS + [procurement_summary_keys],
    PlanReportPage: DISCLOSURE_FIELDS + [plan_report_keys],
    GeneralDisclosurePage: DISCLOSURE_FIELDS,
}


def fields_for(model):
    for klass in model.__mro__:
        if klass in FIELDS:
            return FIELDS[klass]
    return PAGE_FIELDS


def restricted_collection_ids():
    return set(CollectionViewRestriction.objects.values_list("collection_id", flat=True))


def now():
    return timezone.now()

