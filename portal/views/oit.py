"""``/oit/<agency>/`` and ``/oit/<agency>/<year>/``: an agency's OIT answer sheet (``/api/v1/oit/...``)."""

from .. import directory
from ..api_client import ApiError
from .base import client_for, not_found, render_page


def answer_sheet(request, code, year=None):
    client = client_for(request)
    agency = directory.agency(client, code)
    if agency is None:
        return not_found(request, client, "ไม่พบหน่วยงานนี้")
    if year is None:
        year, sheet = directory.current_framework(client, code)
    else:
        try:
            sheet = client.get(f"oit/{year}/{code}")
        except ApiError as error:
            if error.status == 404:
                return not_found(request, client, "ไม่พบแบบตอบ OIT ของปีนี้")
            raise
    if sheet is None:
        return not_found(request, client, "ยังไม่มีกรอบการประเมิน ITA ในระบบ")
    groups = []
    for item in sheet["items"]:
        if not groups or groups[-1]["name"] != item["group"]:
            groups.append({"name": item["group"], "items": []})
        groups[-1]["items"].append(item)
    return render_page(request, client, "portal/oit.html", {
        "agency": agency, "sheet": sheet, "groups": groups, "year": year,
        "csv_url": f"/api/v1/oit/{year}/{code}?format=csv",
    })
