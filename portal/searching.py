"""The search page's state: the portal's URL is the API's query, facets and pages as links.

The portal's search URL carries exactly the parameters of ``/api/v1/search``
(``q, agency, item, type, fiscal_year, from, to, sort, page``), so a shared
link reproduces the whole search and a front-end developer can read the API
call off the address bar. Plain functions over a ``QueryDict``.
"""

from urllib.parse import urlencode

from . import labels

SEARCH_PARAMS = ("q", "agency", "item", "type", "fiscal_year", "from", "to", "sort", "page")
MULTI_PARAMS = ("agency", "item", "type", "fiscal_year")
FACETS = (
    ("agency", "หน่วยงาน"),
    ("item", "รายการข้อมูล ITA"),
    ("type", "ประเภทเอกสาร"),
    ("fiscal_year", "ปีงบประมาณ"),
)
PER_PAGE = 20
PAGE_WINDOW = 2


def values(query, name):
    """``?agency=a,b&agency=c`` → ``['a', 'b', 'c']``."""
    out = []
    for raw in query.getlist(name):
        out.extend(part.strip() for part in raw.split(",") if part.strip())
    return out


def state_from(query):
    """The search as a dict of lists (multi-valued) and strings, without blanks."""
    state = {}
    for name in SEARCH_PARAMS:
        if name in MULTI_PARAMS:
            found = values(query, name)
            if found:
                state[name] = found
        else:
            value = (query.get(name) or "").strip()
            if value:
                state[name] = value
    return state


def api_params(state):
    params = {k: (",".join(v) if isinstance(v, list) else v) for k, v in state.items()}
    params["per_page"] = PER_PAGE
    return params


def url_for(state, **changes):
    """The portal URL (query string with leading ``?``) for ``state`` with ``changes`` applied.

    Any change but ``page`` sends the visitor back to page 1.
    """
    new = {k: (list(v) if isinstance(v, list) else v) for k, v in state.items()}
    if "page" not in changes:
        new.pop("page", None)
    for key, value in changes.items():
        if value in (None, "", []):
            new.pop(key, None)
        else:
            new[key] = value
    pairs = []
    for name in SEARCH_PARAMS:
        value = new.get(name)
        if not value:
            continue
        pairs.append((name, ",".join(value) if isinstance(value, list) else str(value)))
    return "?" + urlencode(pairs) if pairs else "?"


def toggled(state, name, value):
    current = list(state.get(name, []))
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return url_for(state, **{name: current})


def facet_label(name, value, agency_names, item_names, api_label=None):
    if name == "agency":
        return api_label or agency_names.get(value, value)
    if name == "item":
        # "2565:O22": a code is named by its own framework year (the API's label is that year's name)
        year, _, code = value.rpartition(":")
        title = (api_label if api_label not in (None, value) else None) or item_names.get(value)
        where = f" (ITA {year})" if year else ""
        return f"{code} {title}{where}" if title else f"{code}{where}"
    if name == "type":
        return labels.page_type_label(value, api_label)
    if name == "fiscal_year":
        return f"พ.ศ. {value}"
    return str(value)


def facet_groups(facets, state, agency_names, item_names):
    """Facets as groups of ``{value, label, count, selected, url}`` in a stable order.

    Selected values the API reports no count for still show, so they can be cleared.
    """
    groups = []
    for name, title in FACETS:
        selected = set(state.get(name, []))
        rows = []
        seen = set()
        for entry in facets.get(name, []):
            value = str(entry["value"])
            seen.add(value)
            rows.append({
                "value": value,
                # The API's Thai label (agency, item, type, year); the portal's own wording for types.
                "label": facet_label(name, value, agency_names, item_names, entry.get("label")),
                "count": entry["count"],
                "selected": value in selected,
                "url": toggled(state, name, value),
            })
        for value in sorted(selected - seen):
            rows.append({
                "value": value, "label": facet_label(name, value, agency_names, item_names), "count": 0,
                "selected": True, "url": toggled(state, name, value),
            })
        if name == "fiscal_year":
            rows.sort(key=lambda r: r["value"], reverse=True)
        else:
            rows.sort(key=lambda r: (-r["count"], r["label"]))
        if rows:
            groups.append({"name": name, "title": title, "rows": rows})
    return groups


def pagination(state, page, pages):
    """Links for a page-number navigation: previous, a window around ``page``, first, last, next."""
    if pages <= 1:
        return None
    numbers = sorted({1, pages} | set(range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)))
    items, last = [], 0
    for number in numbers:
        if number - last > 1:
            items.append({"gap": True})
        items.append({"number": number, "url": url_for(state, page=number), "current": number == page})
        last = number
    return {
        "items": items,
        "previous": url_for(state, page=page - 1) if page > 1 else None,
        "next": url_for(state, page=page + 1) if page < pages else None,
        "page": page,
        "pages": pages,
    }


def snippets(highlights):
    """Highlighted body/summary snippets of a hit (the title is shown apart)."""
    out = []
    for field in ("summary", "body", "document_number", "tags", "affected_area"):
        out.extend(highlights.get(field, []))
    for field, parts in highlights.items():
        if field not in ("title", "summary", "body", "document_number", "tags", "affected_area"):
            out.extend(parts)
    return _distinct(out)[:3]


def _plain(snippet):
    return snippet.replace("<mark>", "").replace("</mark>", "").strip("… .")


def _distinct(snippets):
    """Drop snippets whose text another one already shows (summary and body often start alike)."""
    kept = []
    for snippet in snippets:
        text = _plain(snippet)
        if any(text in _plain(k) or _plain(k) in text for k in kept):
            continue
        kept.append(snippet)
    return kept


def chips(state, agency_names, item_names):
    """The active filters as removable chips."""
    out = []
    for name, title in FACETS:
        for value in state.get(name, []):
            out.append({
                "title": title, "label": facet_label(name, value, agency_names, item_names),
                "url": toggled(state, name, value),
            })
    if state.get("from"):
        out.append({"title": "ตั้งแต่", "label": state["from"], "url": url_for(state, **{"from": None})})
    if state.get("to"):
        out.append({"title": "ถึง", "label": state["to"], "url": url_for(state, to=None)})
    return out
