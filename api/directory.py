"""Agencies and ITA framework years as the public sees them: plain functions.

``agencies(ctx)`` lists the agencies whose ``AgencyPage`` is public, in tree
order (parents before their sub-agencies), with counts of public disclosures;
``frameworks()`` the framework years; ``framework(year)`` one year's items with
how many public disclosures answer each and of which page types.

An agency whose page is a draft, unpublished, expired, private or below such a
page is not listed (nor named as anyone's parent), and only public disclosures
are counted (:mod:`api.visibility`). The counts cost one grouped query each;
they are memoised per process until the next public change
(:func:`api.state.memoized_by_generation`).
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.http import Http404

from repository import answers
from repository.fiscal import normalise_fiscal_year
from repository.models import Agency, AgencyPage, FrameworkItem, FrameworkYear, Recurrence

from .oit import carried_sources
from .representations.pages import page_type
from .state import memoized_by_generation
from .visibility import public_disclosures, public_pages


def _disclosure_counts():
    """``{agency_id: n}`` of public disclosures, every agency."""
    rows = public_disclosures().order_by().values("agency_id").annotate(n=Count("pk"))
    return {row["agency_id"]: row["n"] for row in rows}


def _public_agency_pages():
    """``[(path, url_path, agency_id)]`` of public agency pages, in tree order."""
    return list(
        public_pages().type(AgencyPage).order_by("path")
        .values_list("path", "url_path", "agencypage__agency_id")
    )


def agency_rows(ctx):
    """Every public agency, parents before their sub-agencies."""
    pages = memoized_by_generation("directory:agency_pages", _public_agency_pages)
    counts = memoized_by_generation("directory:disclosure_counts", _disclosure_counts)
    agencies = Agency.objects.in_bulk([agency_id for _, _, agency_id in pages])
    listed = {agencies[agency_id].code: agency_id for _, _, agency_id in pages if agency_id in agencies}
    rows = []
    for _path, url_path, agency_id in pages:
        agency = agencies.get(agency_id)
        if agency is None:
            continue
        parent = agencies.get(agency.parent_id)
        rows.append(_row(agency, url_path, parent.code if parent and parent.code in listed else None,
                         counts.get(agency_id, 0), ctx))
    # Depth and totals over the listed hierarchy (a parent always comes before its children).
    by_code = {row["code"]: row for row in rows}
    for row in rows:
        parent = by_code.get(row["parent"])
        row["depth"] = parent["depth"] + 1 if parent else 0
    for row in reversed(rows):
        parent = by_code.get(row["parent"])
        if parent is not None:
            parent["sub_agencies"].insert(0, row["code"])
            parent["disclosures_total"] += row["disclosures_total"]
    return rows


def _row(agency, url_path, parent_code, count, ctx):
    path = _path_from_url_path(url_path, ctx.root)
    return {
        "code": agency.code,
        "name_th": agency.name_th,
        "name_en": agency.name_en,
        "kind": agency.kind,
        "kind_label": agency.get_kind_display(),
        "parent": parent_code,
        "depth": 0,
        "sub_agencies": [],
        "path": path,
        "canonical_url": ctx.canonical_url(path),
        "api_url": ctx.api_url(path),
        "disclosures": count,
        "disclosures_total": count,
    }


def _path_from_url_path(url_path, root):
    return url_path[len(root.url_path):].strip("/") if url_path.startswith(root.url_path) else ""


def agency_detail(code, ctx):
    for row in agency_rows(ctx):
        if row["code"] == code:
            return row
    raise Http404("No public agency with this code.")


# --- frameworks -----------------------------------------------------------------


def framework_rows():
    years = FrameworkYear.objects.annotate(n=Count("items")).order_by("-year")
    return [{"year": f.year, "name": f.name, "items": f.n} for f in years]


def framework_for_year(year):
    try:
        year = normalise_fiscal_year(year)
    except ValueError:
        raise Http404("No such framework year.") from None
    framework = FrameworkYear.objects.filter(year=year).first()
    if framework is None:
        raise Http404("No such framework year.")
    return framework


def _answering(framework_id):
    """``{item_id: {page_id: content_type_id}}``: public disclosures answering each item of the year.

    A disclosure answers an item when linked to it or placed under an ``ItemPage`` linked to it
    (``repository.answers``), or,
    for the agency that confirmed a carry-over, when it answers so an earlier item carried over to it
    (the answer sheet's rule, :mod:`api.oit`; which earlier items, for which agency, is
    ``oit.carried_sources``). Flat queries (public disclosures, the links, the item pages, one per year
    a confirmation reaches back), joined in Python: no query per item.
    """
    item_ids = list(FrameworkItem.objects.filter(framework_id=framework_id).values_list("pk", flat=True))
    sources = carried_sources(item_ids)
    wanted = set(item_ids).union(*(earlier for by_agency in sources.values() for earlier in by_agency.values()))
    public = {pk: (path, content_type_id, agency_id) for pk, path, content_type_id, agency_id in
              public_disclosures().order_by().values_list("pk", "path", "content_type_id", "agency_id")}
    direct = defaultdict(dict)
    answered = answers.answered_items({pk: path for pk, (path, _, _) in public.items()}, item_ids=wanted)
    for page_id, answered_items in answered.items():
        for item_id in answered_items:
            direct[item_id][page_id] = public[page_id][1]
    answering = defaultdict(dict)
    for item_id in item_ids:
        answering[item_id].update(direct.get(item_id, {}))
        for agency_id, earlier_items in sources[item_id].items():
            for earlier in earlier_items:
                answering[item_id].update((page_id, content_type_id) for page_id, content_type_id
                                          in direct.get(earlier, {}).items() if public[page_id][2] == agency_id)
    return answering


def framework_detail(framework):
    answering = memoized_by_generation(f"directory:answering:{framework.pk}", lambda: _answering(framework.pk))
    content_types = ContentType.objects.get_for_id
    items = []
    for item in FrameworkItem.objects.filter(framework=framework).order_by("sort_order", "pk"):
        pages = answering.get(item.pk, {})
        types = defaultdict(int)
        for content_type_id in pages.values():
            types[content_type_id] += 1
        page_types = []
        for content_type_id, count in types.items():
            model = content_types(content_type_id).model_class()
            if model is not None:
                page_types.append({"type": page_type(model), "type_label": str(model._meta.verbose_name), "count": count})
        page_types.sort(key=lambda t: (-t["count"], t["type"]))
        items.append({
            "code": item.code,
            "name_th": item.name_th,
            "name_en": item.name_en,
            "group": item.group,
            "recurrence": item.recurrence,
            "recurrence_label": Recurrence(item.recurrence).label if item.recurrence in Recurrence.values else item.recurrence,
            "guidance": item.guidance,
            "disclosures": len(pages),
            "page_types": page_types,
        })
    return {"year": framework.year, "name": framework.name, "items": items}

