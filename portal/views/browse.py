"""Browsing: agencies (``/agencies``, ``/disclosures?agency=``) and ITA items (``/frameworks``, ``/disclosures?item=``)."""

from django.http import Http404

from .. import directory, labels
from ..api_client import ApiError
from ..searching import PER_PAGE
from .base import client_for, not_found, render_page


def _page_number(request):
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _listing(client, page, **filters):
    """One page of ``/disclosures`` and a simple page navigation."""
    try:
        data = client.get("disclosures", page=page, per_page=PER_PAGE, ordering="-issue_date", **filters)
    except ApiError as error:
        if error.status == 404 and page > 1:  # past the last page
            raise Http404 from None
        raise
    pages = max(1, (data["count"] + PER_PAGE - 1) // PER_PAGE)
    for row in data["results"]:
        row["type_label"] = labels.page_type_label(row.get("type"))
    return {
        "rows": data["results"],
        "count": data["count"],
        "page": page,
        "pages": pages,
        "previous": f"?page={page - 1}" if page > 1 else None,
        "next": f"?page={page + 1}" if page < pages else None,
    }


def agencies(request):
    client = client_for(request)
    rows = directory.agencies(client)
    year = directory.current_framework_year(client)
    return render_page(request, client, "portal/agencies.html", {"agencies": rows, "framework_year": year})


def agency(request, code):
    client = client_for(request)
    found = directory.agency(client, code)
    if found is None:
        return not_found(request, client, "ไม่พบหน่วยงานนี้")
    try:
        listing = _listing(client, _page_number(request), agency=code)
    except Http404:
        return not_found(request, client)
    detail = client.get(f"content/{found['path']}", expand="children", fields="id,title,path,intro")
    sections = [c for c in detail["children"]["items"] if c["type"] != directory.AGENCY_TYPE]
    subagencies = [a for a in directory.agencies(client) if a["parent"] == code]
    return render_page(request, client, "portal/agency.html", {
        "agency": {**found, "intro": detail.get("intro") or ""}, "listing": listing, "sections": sections,
        "subagencies": subagencies,
    })


def items(request):
    client = client_for(request)
    year, rows = directory.framework_items(client)
    groups = []
    for row in rows:
        row = {**row, "count": row.get("disclosures")}
        if not groups or groups[-1]["name"] != row["group"]:
            groups.append({"name": row["group"], "items": []})
        groups[-1]["items"].append(row)
    return render_page(request, client, "portal/items.html", {"framework_year": year, "groups": groups})


def item(request, code):
    client = client_for(request)
    year, rows = directory.framework_items(client)
    found = next((r for r in rows if r["code"] == code.upper()), None)
    if found is None:
        return not_found(request, client, "ไม่พบรายการข้อมูลนี้ในปีการประเมินปัจจุบัน")
    try:
        listing = _listing(client, _page_number(request), item=found["code"], framework_year=year)
    except Http404:
        return not_found(request, client)
    return render_page(request, client, "portal/item.html", {
        "item": found, "framework_year": year, "listing": listing,
    })
