"""Serialising pages to the API's JSON shapes.

``serialize_page(page, ctx, fields=None)`` gives a page's shape for its type
(see :mod:`.pages`); ``allowed_fields(model)`` the keys ``fields=`` may name;
:mod:`.expansions` the optional ``expand=`` blocks.
"""

from .context import SerializerContext, items_prefetch
from .pages import FIELDS, LISTING_FIELDS, fields_for, page_type

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
    from .pages import DISCLOSURE_FIELDS

    functions = DISCLOSURE_FIELDS if fields is not None else LISTING_FIELDS
    return serialize_with(functions, page, ctx, fields)


__all__ = [
    "FIELDS",
    "LISTING_FIELDS",
    "SerializerContext",
    "allowed_fields",
    "items_prefetch",
    "keys_of",
    "page_type",
    "serialize_listing_row",
    "serialize_page",
]
