"""Listing disclosures and children: querysets and rows, as plain functions."""

from repository.models import DisclosurePage

from .exceptions import ParameterError
from .filters import filter_disclosures, ordering_of
from .params import get_choices, get_fields, get_list
from .serializers import keys_of, serialize_listing_row, serialize_with
from .serializers.context import items_prefetch
from .serializers.pages import DISCLOSURE_FIELDS, PAGE_FIELDS
from .visibility import public_disclosures

PAGINATION_MODES = ("pages", "cursor")


def listing_fields(query):
    return get_fields(query, keys_of(DISCLOSURE_FIELDS), "listing field")


def pagination_mode(query):
    return get_choices(query, "pagination", set(PAGINATION_MODES), default="pages")


def disclosure_queryset(query, root, cursor=False):
    queryset = filter_disclosures(public_disclosures(root), query)
    # Page through narrow rows (the ordering columns only); listing_rows fetches
    # the chosen ids whole, so sorting never drags bodies along.
    narrow = ("id", "title", "issue_date", "fiscal_year", "first_published_at", "last_published_at")
    return queryset.only(*narrow).order_by(*ordering_of(query, cursor=cursor))


def listing_rows(pages, ctx, fields=None):
    """Serialise one page of disclosures with the fewest queries."""
    pages = list(pages)
    ids = [p.pk for p in pages]
    by_id = {
        p.pk: p
        for p in DisclosurePage.objects.filter(pk__in=ids).prefetch_related(items_prefetch())
    }
    ctx.preload_agencies({p.agency_id for p in by_id.values()})
    return [serialize_listing_row(by_id.get(p.pk, p), ctx, fields) for p in pages]


def child_rows(pages, ctx):
    pages = list(pages)
    disclosure_ids = [p.pk for p in pages if p.specific_class and issubclass(p.specific_class, DisclosurePage)]
    disclosures = {
        p.pk: p for p in DisclosurePage.objects.filter(pk__in=disclosure_ids).prefetch_related(items_prefetch())
    }
    ctx.preload_agencies({p.agency_id for p in disclosures.values()})
    rows = []
    for page in pages:
        if page.pk in disclosures:
            rows.append(serialize_listing_row(disclosures[page.pk], ctx))
        else:
            rows.append(serialize_with(PAGE_FIELDS, page, ctx))
    return rows


def filter_as_of_rows(rows, query):
    """The listing filters applied to rows of a point-in-time listing (plain dicts)."""
    from .filters import type_names
    from .params import get_date, get_fiscal_years

    items = {c.upper() for c in get_list(query, "item")}
    names = type_names()
    types = set()
    for name in get_list(query, "type"):
        model = names.get(name) or names.get(name.lower())
        if model is None:
            raise ParameterError("type", f"Unknown page type '{name[:40]}'.")
        types.add(f"{model._meta.app_label}.{model.__name__}")
    years = set(get_fiscal_years(query, "fiscal_year"))
    date_from, date_to = get_date(query, "from"), get_date(query, "to")
    if date_from and date_to and date_from > date_to:
        raise ParameterError("from", "'from' is after 'to'.")
    kept = []
    for row in rows:
        if items and not items & set(row["item_codes"]):
            continue
        if types and row["type"] not in types:
            continue
        if years and row["fiscal_year"] not in years:
            continue
        day = row["issue_date"] or ""
        if date_from and (not day or day < date_from.isoformat()):
            continue
        if date_to and (not day or day > date_to.isoformat()):
            continue
        kept.append(row)
    return kept
