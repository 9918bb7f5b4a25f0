"""What the portal needs to know about the repository as a whole, read from the API.

Agencies (as a tree) from ``/api/v1/agencies``; the current ITA framework year
(the newest of ``/api/v1/frameworks`` up to this fiscal year) and its items from
``/api/v1/frameworks/<year>``. Nothing is kept here: the API memoises these answers
until its next public change, and a page asks each URL once (``ApiClient``).
"""

from django.utils import timezone

from repository.fiscal import fiscal_year_of

AGENCY_TYPE = "repository.AgencyPage"


def agencies(client):
    """Every public agency, parents before their sub-agencies: dicts with code, name_th, name_en, kind,
    path, depth, parent (``/api/v1/agencies``)."""
    return client.get("agencies")["results"]


def agency_names(client):
    return {a["code"]: a["name_th"] for a in agencies(client)}


def agency(client, code):
    return next((a for a in agencies(client) if a["code"] == code), None)


def current_framework_year(client):
    """The newest framework year up to this fiscal year (``/api/v1/frameworks``), or None."""

    this_year = fiscal_year_of(timezone.localdate())
    years = [f["year"] for f in client.get("frameworks")["results"] if f["year"] <= this_year]
    return max(years) if years else None


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
    return year, client.get(f"frameworks/{year}")["items"]
