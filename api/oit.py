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
under an ``ItemPage`` linked to it. Only public pages count (live, not
expired, not private), and only the agency's own (not sub-agencies', which
file their own sheets). Evidence is the approval form of the revision the
public sees, when the approvals app has one.
"""

from django.db.models import Q

from repository.models import AgencyPage, FrameworkYear, ItemPage, PlanReportPage, Recurrence
from repository.thai import format_be_date

from .representations.expansions import approval_form_for
from .visibility import path_below_root, public_disclosures, public_pages

PUBLISHED, STALE, MISSING = "published", "stale", "missing"
URL_LIMIT = 20


def answering_pages(item, agency, root=None):
    """Public disclosures of ``agency`` answering ``item``, newest first."""
    item_pages = public_pages(root).type(ItemPage).filter(itempage__items=item)
    under = Q()
    for path in item_pages.values_list("path", flat=True):
        under |= Q(path__startswith=path)
    q = Q(items=item) | under if under else Q(items=item)
    return (
        public_disclosures(root).filter(agency=agency).filter(q).distinct()
        .order_by("-issue_date", "-first_published_at", "-pk")
    )


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


def item_status(item, agency, root=None, ctx=None):
    pages = list(answering_pages(item, agency, root)[:200])
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
    items = [item_status(item, agency, root, ctx) for item in framework.items.all().order_by("sort_order", "pk")]
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
