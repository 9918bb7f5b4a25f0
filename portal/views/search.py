"""``/``: search past announcements (``/api/v1/search``), facets, pages, a shareable URL."""

from .. import directory, labels, searching
from ..api_client import ApiError
from .base import client_for, render_page


def search(request):
    client = client_for(request)
    state = searching.state_from(request.GET)
    error = None
    data = None
    status = 200
    try:
        data = client.get("search", **searching.api_params(state))
    except ApiError as exc:
        if exc.status == 400:
            error = "คำค้นหรือตัวกรองไม่ถูกต้อง: " + (exc.detail or "")
            status = 400
        else:
            status = 503
            error = "ระบบค้นหาไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่อีกครั้ง"
    agency_names = directory.agency_names(client)
    year, items = directory.framework_items(client)
    item_names = {f"{year}:{i['code']}": i["name_th"] for i in items}  # the facets' "<year>:<code>" values
    context = {
        "state": state,
        "q": state.get("q", ""),
        "sort": state.get("sort", "relevance"),
        "sorts": labels.SORTS,
        "date_from": state.get("from", ""),
        "date_to": state.get("to", ""),
        "error": error,
        "chips": searching.chips(state, agency_names, item_names),
        "clear_url": searching.url_for({"q": state["q"]} if state.get("q") else {}),
        "hidden_filters": [(k, ",".join(v)) for k, v in state.items() if k in searching.MULTI_PARAMS],
    }
    if data is not None:
        results = []
        for hit in data["results"]:
            highlights = hit.get("highlights") or {}
            results.append({
                **hit,
                "title_marked": (highlights.get("title") or [None])[0],
                "snippets": searching.snippets(highlights),
                "agency_name": agency_names.get(hit.get("agency"), hit.get("agency")),
                "type_label": labels.page_type_label(hit.get("type")),
            })
        context.update({
            "total": data["total"],
            "match": data.get("match", ""),
            "results": results,
            "facet_groups": searching.facet_groups(data.get("facets") or {}, state, agency_names, item_names),
            "pagination": searching.pagination(state, data["page"], data["pages"]),
            "first_index": (data["page"] - 1) * data["per_page"] + 1,
        })
    return render_page(request, client, "portal/search.html", context, status=status)
