"""How a page is represented in the API's JSON (not DRF serializers: plain key functions).

``serialize_page(page, ctx, fields=None)`` gives a page's shape for its type
(see :mod:`.pages`); ``allowed_fields(model)`` the keys ``fields=`` may name;
:mod:`.expansions` the optional ``expand=`` blocks.
"""

from repository.models import AgencyPage

from .context import SerializerContext, items_prefetch
from .fields import agency_summary
from .pages import DISCLOSURE_FIELDS, FIELDS, LISTING_FIELDS, PAGE_FIELDS, fields_for, page_type

ALWAYS = ("id", "type")


def keys_of(field_functions):
    keys = []
    for func in field_functions:
        keys.extend(k for k in func.keys if k not in keys)
    return keys


def allowed_fields(model):
    return keys_of(fields_for(model))


def serialize_with(field_functions, page, ctx, fields=None):
    data = {}
    for func in field_functions:
        if fields is None or any(k in fields or k in ALWAYS for k in func.keys):
            data.update(func(page, ctx))
    if fields is not None:
        data = {k: v for k, v in data.items() if k in fields or k in ALWAYS}
    return data


def serialize_page(page, ctx, fields=None):
    return serialize_with(fields_for(type(page)), page, ctx, fields)


def serialize_listing_row(page, ctx, fields=None):
    """A disclosure in a listing: ``LISTING_FIELDS`` unless ``fields`` asks for more."""
    functions = DISCLOSURE_FIELDS if fields is not None else LISTING_FIELDS
    return serialize_with(functions, page, ctx, fields)


def navigation_rows(pages, ctx):
    """``{id: row}`` of non-disclosure pages: the summary keys (with the specific ``type``, which
    comes from the page row's content type) plus ``agency`` for agency pages, in one query."""
    agency_ids = dict(
        AgencyPage.objects.filter(pk__in=[p.pk for p in pages if p.specific_class is AgencyPage])
        .values_list("pk", "agency_id")
    )
    ctx.preload_agencies(set(agency_ids.values()))
    rows = {}
    for page in pages:
        row = serialize_with(PAGE_FIELDS, page, ctx)
        if page.pk in agency_ids:
            row["agency"] = agency_summary(ctx.agency(agency_ids[page.pk]))
        rows[page.pk] = row
    return rows


__all__ = [
    "FIELDS",
    "LISTING_FIELDS",
    "SerializerContext",
    "allowed_fields",
    "items_prefetch",
    "keys_of",
    "navigation_rows",
    "page_type",
    "serialize_listing_row",
    "serialize_page",
]
