"""Value formatters shared by every page shape: dates (ISO + Buddhist Era), money, agencies, items."""

import datetime

from repository.thai import format_be_date


def iso(value):
    if value is None:
        return None
    return value.isoformat()


def be(value):
    return format_be_date(value) or None


def money(value):
    """Baht as a JSON number (two decimals at most), never a string."""
    return None if value is None else float(value)


def agency_summary(agency):
    """An agency as the public sees it: never its e-mail address."""
    if agency is None:
        return None
    return {"code": agency.code, "name_th": agency.name_th, "name_en": agency.name_en, "kind": agency.kind}


def item_summary(item):
    return {
        "code": item.code,
        "name_th": item.name_th,
        "name_en": item.name_en,
        "framework_year": item.framework.year,
    }


def date_pair(name, value):
    """``issue_date`` and ``issue_date_be`` together."""
    if isinstance(value, datetime.datetime) or isinstance(value, datetime.date) or value is None:
        return {name: iso(value), f"{name}_be": be(value)}
    raise TypeError(name)
