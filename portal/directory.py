"""What the portal needs to know about the repository as a whole, read from the API.

Agencies (as a tree), the current ITA framework year and its items. The API
has no endpoint listing agencies or framework years, so the portal finds them
the way any front end could: agencies by walking ``/content/@children`` from
the site root, and the current framework year by asking for an answer sheet of
this fiscal year and stepping back a year at a time. The answers change rarely
and are kept in Django's cache for ``PORTAL_DIRECTORY_TTL`` seconds (default
300: agencies and framework years change rarely).
"""

import datetime

from django.conf import settings
from django.core.cache import cache

from .api_client import ApiError

AGENCY_TYPE = "repository.AgencyPage"
GENERIC_TYPE = "wagtailcore.Page"
CACHE_PREFIX = "portal:directory:"
# How far back to look for a framework year from the current fiscal year.
FRAMEWORK_LOOKBACK = 6


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


def _children(client, path):
    endpoint = f"content/{path}/@children" if path else "content/@children"
    rows, page = [], 1
    while True:
        data = client.get(endpoint, page=page, per_page=100)
        rows.extend(data["results"])
        if not data.get("next"):
            return rows
        page += 1


def _walk_agencies(client, path, depth, parent_code, out):
    for row in _children(client, path):
        # Child rows of non-disclosure pages come typed as the generic ``wagtailcore.Page``
        # (reported to the API's owner); the detail is always the specific type.
        if row.get("type") not in (AGENCY_TYPE, GENERIC_TYPE):
            continue
        detail = client.get(f"content/{row['path']}")
        if detail.get("type") != AGENCY_TYPE:
            continue
        agency = detail.get("agency") or {}
        code = agency.get("code")
        if not code:
            continue
        out.append({
            "code": code,
            "name_th": agency.get("name_th") or detail["title"],
            "name_en": agency.get("name_en") or "",
            "kind": agency.get("kind") or "",
            "path": detail["path"],
            "intro": detail.get("intro") or "",
            "depth": depth,
            "parent": parent_code,
        })
        _walk_agencies(client, detail["path"], depth + 1, code, out)


def agencies(client):
    """Every public agency, parents before their sub-agencies: dicts with code, name_th, path, depth, parent."""

    def compute():
        out = []
        _walk_agencies(client, "", 0, None, out)
        return out

    return _cached("agencies", compute)


def agency_names(client):
    return {a["code"]: a["name_th"] for a in agencies(client)}


def agency(client, code):
    return next((a for a in agencies(client) if a["code"] == code), None)


def current_framework(client, agency_code=None):
    """``(year, answer_sheet)`` of the newest framework year up to this fiscal year, or ``(None, None)``.

    The sheet is that of ``agency_code``, or of the first top-level agency.
    """
    if agency_code is None:
        tops = [a for a in agencies(client) if a["depth"] == 0]
        if not tops:
            return None, None
        agency_code = tops[0]["code"]

    def compute():
        this_year = fiscal_year_be()
        for year in range(this_year, this_year - FRAMEWORK_LOOKBACK, -1):
            try:
                return [year, client.get(f"oit/{year}/{agency_code}")]
            except ApiError as error:
                if error.status != 404:
                    raise
        return [None, None]

    year, sheet = _cached(f"framework:{agency_code}", compute)
    return year, sheet


def framework_items(client):
    """The items of the current framework year: ``(year, [{code, name_th, name_en, group, recurrence}])``."""
    year, sheet = current_framework(client)
    if sheet is None:
        return None, []
    keys = ("code", "name_th", "name_en", "group", "recurrence")
    return year, [{k: item.get(k) for k in keys} for item in sheet["items"]]

