"""What the portal needs to know about the repository as a whole, read from the API.

Agencies (as a tree) from ``/api/v1/agencies``; the current ITA framework year
(the newest of ``/api/v1/frameworks`` up to this fiscal year) and its items
from ``/api/v1/frameworks/<year>``. The answers change rarely and are kept in
Django's cache for ``PORTAL_DIRECTORY_TTL`` seconds (default 300).
"""

import datetime

from django.conf import settings
from django.core.cache import cache

AGENCY_TYPE = "repository.AgencyPage"
CACHE_PREFIX = "portal:directory:"


def _ttl():
    return getattr(settings, "PORTAL_DIRECTORY_TTL", 300)


def _cached(key, compute):
    ttl = _ttl()
    if not ttl:
        return compute()
    value = cache.get(CACHE_PREFIX + key)
    if value is None:
        value = compute()
        cache.set(CACHE_PREFIX + key, value, ttl)
    return value


def fiscal_year_be(day=None):
    """The fiscal year (Buddhist Era) ``day`` falls in: 1 Oct – 30 Sep, named by the year it ends."""
    day = day or datetime.date.today()
    return day.year + 543 + (1 if day.month >= 10 else 0)


def agencies(client):
    """Every public agency, parents before their sub-agencies: dicts with code, name_th, name_en, kind,
    path, depth, parent (``/api/v1/agencies``)."""
    return _cached("agencies", lambda: client.get("agencies")["results"])


def agency_names(client):
    return {a["code"]: a["name_th"] for a in agencies(client)}


def agency(client, code):
    return next((a for a in agencies(client) if a["code"] == code), None)


def current_framework_year(client):
    """The newest framework year up to this fiscal year (``/api/v1/frameworks``), or None."""

    def compute():
        this_year = fiscal_year_be()
        years = [f["year"] for f in client.get("frameworks")["results"] if f["year"] <= this_year]
        return [max(years) if years else None]

    return _cached("framework_year", compute)[0]


def current_framework(client, agency_code):
    """``(year, answer_sheet)`` of ``agency_code`` for the current framework year, or ``(None, None)``."""
    year = current_framework_year(client)
    if year is None:
        return None, None
    return year, client.get(f"oit/{year}/{agency_code}")


def framework_items(client):
    """The items of the current framework year: ``(year, [{code, name_th, name_en, group, recurrence,
    disclosures, page_types}])`` (``/api/v1/frameworks/<year>``)."""
    year = current_framework_year(client)
    if year is None:
        return None, []
    return year, _cached(f"framework:{year}", lambda: client.get(f"frameworks/{year}")["items"])
