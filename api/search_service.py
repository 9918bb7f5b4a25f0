"""Public search on the search layer: parameter mapping and result shaping, as plain functions.

The search app (``search.get_backend()``, ``search.query.SearchQuery``) does the
work; this module maps the API's parameter names onto it, turns its errors
into problem details, and re-checks every hit against :mod:`api.visibility`
so that an index that lags behind an unpublish never shows a page the public
may no longer see.
"""

from django.utils import timezone

from repository.fiscal import fiscal_year_of
from repository.models import DISCLOSURE_PAGE_MODELS, Agency, FrameworkItem
from repository.models.frameworks import parse_item_key
from repository.thai import format_be_date
from search import get_backend
from search.errors import InvalidQuery, SearchUnavailable
from search.expiry import withdraw_expired
from search.query import SearchQuery

from .exceptions import ParameterError, ServiceUnavailable
from .filters import page_types
from .params import get_date_range, get_fiscal_years, get_list
from .visibility import path_below_root, public_pages

# The search layer's parameter names → the API's.
PARAM_NAMES = {"text": "q", "page_type": "type", "date_from": "from", "date_to": "to"}
SEARCH_PARAMS = ("q", "agency", "item", "type", "fiscal_year", "from", "to", "sort", "page", "per_page")
MODEL_BY_NAME = {m.__name__.lower(): m for m in DISCLOSURE_PAGE_MODELS}


def build_query(query):
    """The search request, checked once. What a search shares with the listings (``type``,
    ``fiscal_year``, ``from``, ``to``) is read by the listings' own parsers: one meaning, one message."""
    date_from, date_to = get_date_range(query)
    page_types_named = [model.__name__.lower() for model in page_types(query)]
    fiscal_years = get_fiscal_years(query, "fiscal_year")
    try:
        return SearchQuery(
            text=query.get("q", ""),
            agency=get_list(query, "agency"),
            item=get_list(query, "item"),
            page_type=page_types_named,
            fiscal_year=fiscal_years,
            date_from=date_from,
            date_to=date_to,
            sort=query.get("sort") or "relevance",
            page=query.get("page") or 1,
            per_page=query.get("per_page") or 20,
        )
    except InvalidQuery as error:
        param = PARAM_NAMES.get(error.param, error.param) or "q"
        raise ParameterError(param, f"'{param}': {error.message}") from None


def _backend():
    backend = get_backend()
    withdraw_expired(backend)
    return backend


def _unavailable(error):
    return ServiceUnavailable("Search is temporarily unavailable; please retry shortly.")


def _type_label(page_type):
    model = MODEL_BY_NAME.get((page_type or "").rsplit(".", 1)[-1].lower())
    return f"{model._meta.app_label}.{model.__name__}" if model else page_type


def hit_document(hit, page, ctx):
    path = path_below_root(page, ctx.root) or ""
    return {
        "id": hit.page_id,
        "type": _type_label(hit.page_type),
        "title": hit.title,
        "path": path,
        "canonical_url": ctx.canonical_url(path),
        "api_url": ctx.api_url(path),
        "agency": hit.agency,
        "issue_date": hit.issue_date.isoformat() if hit.issue_date else None,
        "issue_date_be": format_be_date(hit.issue_date) or None,
        "fiscal_year": hit.fiscal_year,
        "score": hit.score,
        "highlights": {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in (hit.highlights or {}).items()},
    }


def facet_document(facets):
    """Facets as ``{name: [{value, label, count}]}``; item values are ``"<framework year>:<code>"`` and add
    ``framework_year`` and ``code``.

    Labels are Thai: the agency's name, the item's name, the page type's verbose name,
    ``พ.ศ. <year>``. One query for all agency values and one for all item values.
    """
    out = {}
    for name, values in (facets or {}).items():
        key = "type" if name == "page_type" else name
        rows = []
        for entry in values:
            value, count = (entry["value"], entry["count"]) if isinstance(entry, dict) else entry
            rows.append({"value": _type_label(value) if key == "type" else value, "count": count})
        out[key] = rows
    _label_agencies(out.get("agency", []))
    _label_items(out.get("item", []))
    for row in out.get("type", []):
        model = MODEL_BY_NAME.get(str(row["value"]).rsplit(".", 1)[-1].lower())
        row["label"] = str(model._meta.verbose_name) if model else str(row["value"])
    for row in out.get("fiscal_year", []):
        row["label"] = f"พ.ศ. {row['value']}"
    for rows in out.values():
        for row in rows:
            row.setdefault("label", str(row["value"]))
    return out


def _label_agencies(rows):
    names = dict(Agency.objects.filter(code__in=[r["value"] for r in rows]).values_list("code", "name_th"))
    for row in rows:
        row["label"] = names.get(row["value"], str(row["value"]))


def _label_items(rows):
    """Each item facet value, ``"<framework year>:<code>"``, labelled with the name that year gives the
    code (codes are reused across years with other meanings: O22 is procurement announcements in
    2563–2565, the report of gifts received in 2568); rows add ``framework_year`` and ``code``.

    A bare code (an index entry written before items carried their year, until ``search check --fix``
    rewrites it) takes the name of the newest year up to the current fiscal year that has the code.
    One query for all values.
    """
    parsed = {}
    for row in rows:
        try:
            parsed[id(row)] = parse_item_key(row["value"])
        except ValueError:
            parsed[id(row)] = (None, str(row["value"]))
    this_year = fiscal_year_of(timezone.localdate())
    names, newest = {}, {}
    for code, name, year in (
        FrameworkItem.objects.filter(code__in={code for _, code in parsed.values()})
        .order_by("-framework__year").values_list("code", "name_th", "framework__year")
    ):
        names[(year, code)] = name
        best = newest.get(code)
        if best is None or (best[1] > this_year and year <= this_year):
            newest[code] = (name, year)
    for row in rows:
        year, code = parsed[id(row)]
        if year is None:
            name, year = newest.get(code, (None, None))
        else:
            name = names.get((year, code))
        row["label"] = name or str(row["value"])
        row["framework_year"] = year
        row["code"] = code


def search(query, ctx):
    """Run a public search; returns the response document."""
    search_query = build_query(query)
    try:
        results = _backend().search(search_query)
    except SearchUnavailable as error:
        raise _unavailable(error) from None
    ids = [hit.page_id for hit in results.hits]
    pages = {p.pk: p for p in public_pages(ctx.root).filter(pk__in=ids)}
    hits = [hit_document(hit, pages[hit.page_id], ctx) for hit in results.hits if hit.page_id in pages]
    return {
        "query": search_query.text,
        # "phrase": some result holds the words as typed; "all_words": none does, the results hold
        # every word apart; "any_words": none holds every word; "" for a browse without words
        "match": results.match,
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "pages": results.pages,
        "results": hits,
        "facets": facet_document(results.facets),
    }


def suggest(query, ctx, limit=10):
    prefix = query.get("q", "")
    if len(prefix) > 200:
        raise ParameterError("q", "'q' is at most 200 characters for suggestions.")
    if "\x00" in prefix:
        raise ParameterError("q", "'q' must not contain NUL characters.")
    try:
        found = _backend().suggest(prefix, limit=limit)
    except SearchUnavailable as error:
        raise _unavailable(error) from None
    ids = [s["page_id"] for s in found]
    pages = {p.pk: p for p in public_pages(ctx.root).filter(pk__in=ids)}
    out = []
    for entry in found:
        page = pages.get(entry["page_id"])
        if page is not None:
            path = path_below_root(page, ctx.root) or ""
            out.append({"id": page.pk, "title": entry["title"], "path": path, "api_url": ctx.api_url(path)})
    return {"query": prefix, "suggestions": out}
