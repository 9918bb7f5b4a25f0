"""The ITA OIT answer sheet, computed from the repository: plain functions.

For framework year *Y* (e.g. ITA 2568) and one agency, every item of that
year gets a status:

``published``
    a public disclosure of the agency answers the item and belongs to the
    period the assessment looks at:

    * ``once`` (structure, contacts, laws, manuals…): any answering page —
      such content stays valid until replaced;
    * ``annual``: an answering page of fiscal year *Y*, or, for a report
      (``PlanReportPage`` of kind ``report``/``monitoring``), of *Y − 1* —
      annual reports look back one fiscal year;
    * ``semi_annual``, ``monthly``, ``per_event``: an answering page of fiscal
      year *Y* (the model already requires a 6-month report to be issued after
      March).
``stale``
    answering pages exist, but none for that period;
``missing``
    no public page of the agency answers the item.

A page *answers* an item when it is linked to that ``FrameworkItem`` or sits
under an ``ItemPage`` linked to it, or answers an item of an earlier year that the
agency confirmed carries over to it (``carried_over``: a new year started from the
previous one proposes the old items' pages for their successors until the agency's
approver confirms or declines, ``repository.frameworks_rollover``). Only public pages count (live, not
expired, not private), and only the agency's own (not sub-agencies', which
file their own sheets). Evidence is the approval form of the revision the
public sees, when the approvals app has one.
"""

from collections import defaultdict

from repository import answers
from repository.models import (
    AgencyPage,
    CarryOverDecision,
    FrameworkItemSuccession,
    FrameworkYear,
    ItemPage,
    PlanReportPage,
    Recurrence,
)
from repository.thai import format_be_date

from .representations.expansions import approval_form_for
from .visibility import path_below_root, public_disclosures, public_pages

PUBLISHED, STALE, MISSING = "published", "stale", "missing"
URL_LIMIT = 20


CARRY_DEPTH = 10  # years a confirmed carry-over may reach back through


def carried_sources(item_ids, agency_id=None):
    """``{item_id: {agency_id: {earlier item ids}}}``: the earlier items whose pages answer each item for
    an agency — the predecessors the agency confirmed carry over to it (``CarryOverDecision``), and
    theirs, up to ``CARRY_DEPTH`` years back. ``agency_id`` limits it to one agency. The one rule of what
    a confirmation counts for: the answer sheet (``_answered_items``) and the public framework directory
    (``api.directory``) both read it. One query per year reached back, none per item or agency."""
    sources = {item_id: defaultdict(set) for item_id in item_ids}
    frontier = {(item_id, agency_id, item_id) for item_id in item_ids}  # (counted for, agency, reached)
    for _year in range(CARRY_DEPTH):
        if not frontier:
            break
        decisions = CarryOverDecision.objects.filter(
            confirmed=True, succession__successor_id__in={reached for _, _, reached in frontier})
        agencies = {agency for _, agency, _ in frontier}
        if None not in agencies:
            decisions = decisions.filter(agency_id__in=agencies)
        previous = defaultdict(list)
        for successor, agency, earlier in decisions.values_list(
                "succession__successor_id", "agency_id", "succession__previous_id"):
            previous[successor].append((agency, earlier))
        next_frontier = set()
        for item_id, agency, reached in frontier:
            for decided_by, earlier in previous.get(reached, ()):
                if agency in (None, decided_by) and earlier not in sources[item_id][decided_by]:
                    sources[item_id][decided_by].add(earlier)
                    next_frontier.add((item_id, decided_by, earlier))
        frontier = next_frontier
    return sources


def _answered_items(item, agency, carried=True):
    """The items whose answering pages answer ``item`` for ``agency``: itself, and the earlier items that
    ``agency`` confirmed carry over to it (``carried_sources``)."""
    items = {item.pk}
    if carried:
        items |= carried_sources([item.pk], agency.pk)[item.pk].get(agency.pk, set())
    return items


def answering_pages(item, agency, root=None, carried=True):
    """Public disclosures of ``agency`` answering ``item`` (``repository.answers``: linked to it or under an
    item page linked to it, or so answering an item carried over to it), newest first (``carried``: False
    when the item's framework year was not started from an earlier one, to spare the lookup)."""
    return (
        answers.answering(public_disclosures(root).filter(agency=agency), _answered_items(item, agency, carried))
        .order_by("-issue_date", "-first_published_at", "-pk")
    )


def carried_over(item, agency, root=None, ctx=None, answering=None):
    """The item's predecessors in the previous framework year (``repository.frameworks_rollover``), each
    with the agency's decision: ``proposed`` (nobody decided yet: its answering pages are offered, not
    counted), ``confirmed`` (they count, through ``answering_pages``) or ``declined``."""
    decisions = {d.succession_id: d for d in CarryOverDecision.objects.filter(
        agency=agency, succession__successor=item).select_related("decided_by")}
    answering = set(answering or ())
    out = []
    for succession in item.predecessions.select_related("previous__framework").order_by("previous__sort_order"):
        previous = succession.previous
        decision = decisions.get(succession.pk)
        pages = [p for p in answering_pages(previous, agency, root)[:200] if p.pk not in answering]
        out.append({
            "succession_id": succession.pk,
            "framework_year": previous.framework.year,
            "code": previous.code,
            "name_th": previous.name_th,
            "decision": "proposed" if decision is None else ("confirmed" if decision.confirmed else "declined"),
            "decided_by": _full_name(decision.decided_by) if decision else None,
            "decided_at": _iso(decision.decided_at) if decision else None,
            "pages": len(pages),
            "urls": [(ctx.canonical_url(path_below_root(p, root)) if ctx else path_below_root(p, root))
                     for p in pages[:URL_LIMIT]],
        })
    return out


def _full_name(user):
    return (user.get_full_name() or user.get_username()) if user is not None else None


def counts_for_period(page, item, year):
    """Does this answering page satisfy the item for fiscal year ``year``?"""
    if item.recurrence == Recurrence.ONCE:
        return True
    if page.fiscal_year == year:
        return True
    if item.recurrence == Recurrence.ANNUAL and page.fiscal_year == year - 1:
        specific = page.specific
        return isinstance(specific, PlanReportPage) and specific.kind in (
            PlanReportPage.Kind.REPORT, PlanReportPage.Kind.MONITORING,
        )
    return False


def item_status(item, agency, root=None, ctx=None, carried=True):
    pages = list(answering_pages(item, agency, root, carried)[:200])
    current = [p for p in pages if counts_for_period(p, item, item.framework.year)]
    status = PUBLISHED if current else (STALE if pages else MISSING)
    shown = (current or pages)[:URL_LIMIT]

    def url(page):
        path = path_below_root(page, root)
        return ctx.canonical_url(path) if ctx else path

    evidence = []
    for page in current[:URL_LIMIT]:
        form = approval_form_for(page)
        if form is not None:
            evidence.append({
                "page_id": page.pk,
                "form_id": form.pk,
                "approver_name": getattr(form, "approver_name", ""),
                "approved_at": _iso(getattr(form, "approved_at", None)),
                "publisher_name": getattr(form, "publisher_name", ""),
                "published_at": _iso(getattr(form, "published_at", None)),
            })
    item_page_urls = [url(p) for p in agency_item_pages(item, agency, root)]
    return {
        "code": item.code,
        "name_th": item.name_th,
        "name_en": item.name_en,
        "group": item.group,
        "recurrence": item.recurrence,
        "status": status,
        "answering_pages": len(pages),
        "current_pages": len(current),
        "latest_issue_date": _iso(pages[0].issue_date) if pages else None,
        "latest_issue_date_be": format_be_date(pages[0].issue_date, style="abbr") if pages else None,
        "urls": [url(p) for p in shown],
        "item_page_urls": item_page_urls,
        "evidence": evidence,
        "carried_over": carried_over(item, agency, root, ctx, answering=[p.pk for p in pages]) if carried else [],
    }


def agency_item_pages(item, agency, root=None):
    """The agency's own listing pages (ItemPage) for the item: the URL a sheet usually gives."""
    agency_page = AgencyPage.objects.filter(agency=agency).first()
    if agency_page is None:
        return []
    pages = public_pages(root).type(ItemPage).filter(itempage__items=item, path__startswith=agency_page.path)
    for sub in AgencyPage.objects.filter(path__startswith=agency_page.path).exclude(pk=agency_page.pk):
        pages = pages.exclude(path__startswith=sub.path)
    return list(pages.order_by("path"))


def _iso(value):
    return value.isoformat() if value is not None else None


def answer_sheet(framework, agency, root=None, ctx=None):
    carried = FrameworkItemSuccession.objects.filter(successor__framework=framework).exists()
    items = [item_status(item, agency, root, ctx, carried)
             for item in framework.items.all().order_by("sort_order", "pk")]
    summary = {s: sum(1 for i in items if i["status"] == s) for s in (PUBLISHED, STALE, MISSING)}
    return {
        "framework_year": framework.year,
        "framework_name": framework.name,
        "fiscal_year": framework.year,
        "agency": {"code": agency.code, "name_th": agency.name_th, "name_en": agency.name_en},
        "summary": summary,
        "items": items,
    }


def framework_for(year):
    return FrameworkYear.objects.filter(year=year).first()
