"""Listing disclosures and children: querysets and rows, as plain functions."""

from repository.models import DisclosurePage

from .params import get_choices
from .representations import navigation_rows, serialize_listing_row, serialize_with
from .representations.context import items_prefetch
from .representations.pages import fields_for
from .visibility import public_disclosures

PAGINATION_MODES = ("pages", "cursor")


def pagination_mode(query):
    return get_choices(query, "pagination", set(PAGINATION_MODES), default="pages")


def disclosure_queryset(listing_filter, root):
    """Public disclosures below ``root`` that a :class:`api.filters.ListingFilter` keeps, in its order."""
    queryset = listing_filter.apply(public_disclosures(root))
    # Page through narrow rows (the ordering columns only); listing_rows fetches
    # the chosen ids whole, so sorting never drags bodies along.
    narrow = ("id", "title", "issue_date", "fiscal_year", "first_published_at", "last_published_at")
    return queryset.only(*narrow).order_by(*listing_filter.order_by)


def listing_rows(pages, ctx, fields=None, model=None):
    """Serialise one page of disclosures with the fewest queries.

    With ``model`` (a listing of one page type) rows are read from that type's table,
    so ``fields=`` may name its own keys (``valid_until``, ``severity``…).
    """
    pages = list(pages)
    ids = [p.pk for p in pages]
    by_id = {
        p.pk: p
        for p in (model or DisclosurePage).objects.filter(pk__in=ids).prefetch_related(items_prefetch())
    }
    ctx.preload_agencies({p.agency_id for p in by_id.values()})
    if model is not None and fields is not None:
        return [serialize_with(fields_for(model), by_id.get(p.pk, p), ctx, fields) for p in pages]
    return [serialize_listing_row(by_id.get(p.pk, p), ctx, fields) for p in pages]


def child_rows(pages, ctx):
    pages = list(pages)
    disclosure_ids = [p.pk for p in pages if p.specific_class and issubclass(p.specific_class, DisclosurePage)]
    disclosures = {
        p.pk: p for p in DisclosurePage.objects.filter(pk__in=disclosure_ids).prefetch_related(items_prefetch())
    }
    ctx.preload_agencies({p.agency_id for p in disclosures.values()})
    rows = []
    navigation = navigation_rows([p for p in pages if p.pk not in disclosures], ctx)
    for page in pages:
        rows.append(serialize_listing_row(disclosures[page.pk], ctx) if page.pk in disclosures else navigation[page.pk])
    return rows
