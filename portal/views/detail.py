"""``/p/<path>/``: one public page from ``/api/v1/content/<path>``, and its public history."""

from .. import labels
from ..api_client import ApiError
from .base import client_for, not_found, render_page

DISCLOSURE_KEYS = ("document_number", "issue_date", "fiscal_year", "summary", "body", "attachments")


def page(request, path):
    client = client_for(request)
    path = path.strip("/")
    try:
        data = client.get(f"content/{path}", expand="breadcrumbs,children")
    except ApiError as error:
        if error.status in (400, 404):
            return not_found(request, client)
        raise
    is_disclosure = "issue_date" in data
    history = _history_summary(client, path) if is_disclosure else None
    return render_page(request, client, "portal/page.html", {
        "page": data,
        "type_label": labels.page_type_label(data.get("type"), data.get("type_label")),
        "is_disclosure": is_disclosure,
        "breadcrumbs": [b for b in data.get("breadcrumbs", []) if b.get("path")],
        "children": (data.get("children") or {}).get("items", []),
        "children_truncated": (data.get("children") or {}).get("truncated"),
        "history": history,
    })


def _history_summary(client, path):
    """The public versions of a disclosure, when the API offers ``@history``; ``None`` otherwise."""
    try:
        data = client.get(f"content/{path}/@history")
    except ApiError:
        return None
    versions = data.get("versions") if isinstance(data, dict) else data
    if not versions:
        return None
    return {"versions": versions, "changed": len(versions) > 1}


def _versions_of(data):
    """The list of versions in a ``@history`` answer (a list, or a dict holding one)."""
    if isinstance(data, list):
        return data
    for key in ("versions", "results", "history", "events"):
        if isinstance(data, dict) and isinstance(data.get(key), list):
            return data[key]
    return []


def history(request, path):
    """What the public once saw of a disclosure, version by version, and what changed between two."""
    client = client_for(request)
    path = path.strip("/")
    try:
        page_data = client.get(f"content/{path}", fields="id,title,path,type")
        history_data = client.get(f"content/{path}/@history")
    except ApiError as error:
        if error.status in (400, 404):
            return not_found(request, client)
        raise
    versions = sorted(_versions_of(history_data), key=lambda v: (v.get("time") or "", v.get("version") or 0))
    ids = [v["version"] for v in versions]
    diff = None
    error = None
    if len(ids) >= 2:
        version_from, version_to = request.GET.get("from"), request.GET.get("to")
        if not version_from and not version_to:
            version_from, version_to = ids[-2], ids[-1]
        try:
            diff = client.get(f"content/{path}/@diff", **{"from": version_from, "to": version_to})
        except ApiError as exc:
            if exc.status in (400, 404):
                error = "เลือกฉบับที่จะเปรียบเทียบไม่ถูกต้อง"
            else:
                raise
    pairs = []
    for index in range(1, len(versions)):
        pairs.append({
            "before": versions[index - 1], "after": versions[index],
            "url": f"?from={versions[index - 1]['version']}&to={versions[index]['version']}",
        })
    selected = (str(diff["from"]), str(diff["to"])) if diff else None
    return render_page(request, client, "portal/history.html", {
        "page": page_data,
        "versions": list(reversed(versions)),
        "pairs": list(reversed(pairs)),
        "diff": diff,
        "selected": selected,
        "error": error,
    }, status=400 if error else 200)
