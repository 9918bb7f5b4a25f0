"""Listing disclosures and children: querysets and rows, as plain functions."""

from django.utils.dateparse import parse_datetime

from repository.models import DisclosurePage, FrameworkItem

from .exceptions import ParameterError
from .filters import filter_disclosures, get_active, listing_type, ordering_of, type_names
from .params import get_choices, get_date, get_fields, get_fiscal_years, get_list
from .representations import keys_of, navigation_rows, serialize_listing_row, serialize_with
from .representations.context import items_prefetch
from .representations.pages import DISCLOSURE_FIELDS, fields_for
from .visibility import public_disclosures

PAGINATION_MODES = ("pages", "cursor")


def listing_fields(query, model=None):
    """``fields=`` of a listing: any disclosure key, and a type's own keys when the listing has one type."""
    allowed = keys_of(fields_for(model)) if model is not None else keys_of(DISCLOSURE_FIELDS)
    return get_fields(query, allowed, "listing field")


def pagination_mode(query):
    return get_choices(query, "pagination", set(PAGINATION_MODES), default="pages")


def disclosure_queryset(query, root, cursor=False):
    queryset = filter_disclosures(public_disclosures(root), query)
    # Page through narrow rows (the ordering columns only); listing_rows fetches
    # the chosen ids whole, so sorting never drags bodies along.
    narrow = ("id", "title", "issue_date", "fiscal_year", "first_published_at", "last_published_at")
    return queryset.only(*narrow).order_by(*ordering_of(query, cursor=cursor))


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


# ``ordering=`` names → the keys of a point-in-time row they sort on.
AS_OF_ORDER_KEYS = {
    "issue_date": ("issue_date", "id"),
    "published": ("_first_published_at", "id"),
    "modified": ("_last_published_at", "id"),
    "title": ("title", "id"),
    "fiscal_year": ("fiscal_year", "issue_date", "id"),
    "id": ("id",),
}


def filter_as_of_rows(rows, query, moment):
    """The listing filters and ordering applied to the rows of a point-in-time listing (plain dicts).

    The same parameters and meanings as the live listing: ``item``/``framework_year`` on the items the
    page was linked to then, ``tag`` on its tags then, ``active`` on its ``valid_until`` against
    ``moment`` (not now).
    """
    items = {c.upper() for c in get_list(query, "item")}
    framework_years = get_fiscal_years(query, "framework_year")
    year_item_ids = (
        set(FrameworkItem.objects.filter(framework__year__in=framework_years).values_list("pk", flat=True))
        if framework_years else None
    )
    if items:
        known = set(FrameworkItem.objects.filter(code__in=items).values_list("code", flat=True))
        missing = sorted(items - known)
        if missing:
            raise ParameterError("item", f"Unknown OIT item code '{missing[0][:16]}'.")
        if year_item_ids is not None:
            # item and framework_year together: that item of those years.
            year_item_ids = set(
                FrameworkItem.objects.filter(pk__in=year_item_ids, code__in=items).values_list("pk", flat=True)
            )
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
    tags = set(get_list(query, "tag"))
    active = get_active(query)
    if active is not None:
        listing_type(query)  # 400 when 'type' leaves emergency announcements out
        types = {"repository.EmergencyAnnouncementPage"}
    ordering_of(query)  # a 400 for an unknown ordering: the same names as the live listing
    name = (get_list(query, "ordering") or ["-issue_date"])[0]
    kept = []
    for row in rows:
        if items and not items & set(row["item_codes"]):
            continue
        if year_item_ids is not None and not year_item_ids & set(row["_item_ids"]):
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
        if tags and not tags & set(row["_tags"]):
            continue
        if active is not None and _active_then(row["_valid_until"], moment) != active:
            continue
        kept.append(row)
    keys = AS_OF_ORDER_KEYS[name.lstrip("-")]
    kept.sort(key=lambda r: tuple(_sortable(r.get(k)) for k in keys), reverse=name.startswith("-"))
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in kept]


def _sortable(value):
    # None sorts first ascending (last descending), like the database's NULLs in PostgreSQL/SQLite.
    return (value is not None, value if value is not None else 0)


def _active_then(valid_until, moment):
    when = parse_datetime(valid_until) if isinstance(valid_until, str) else valid_until
    return when is not None and moment < when
