"""Demo content that is real: agencies, the page tree, the source order, corpus news,
demo users for each role, and a true edit history on a few pages.

Every step is idempotent: running ``load_demo`` again adds nothing twice.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, PageLogEntry, Site

from security import public_url

from .approvals.actions import OverridePublishAction
from .approvals.demo import setup_demo_workflow, take_through_workflow
from .approvals.imports import NEWS_IMPORT_REASON, override_publisher
from .approvals.models import ApprovalForm
from .frameworks_loader import load_frameworks
from .importers.batches import batched_side_work
from .importers.corpus import NewsRecord, read_records
from .importers.news import body_to_rich_text, deleted_source_urls, import_news
from .models import Agency, AgencyPage, FrameworkItem, HomePage, ItemGroupPage, ItemPage, NewsPage, OfficialOrderPage

FIXTURES = Path(__file__).resolve().parent / "fixtures"

def _read_json(name):
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return json.load(handle)


def expand_years(key):
    """``"2563-2565"`` → [2563, 2564, 2565]; ``"2568"`` → [2568]."""
    if "-" in key:
        first, last = (int(part) for part in key.split("-"))
        return list(range(first, last + 1))
    return [int(key)]


def _remove_wagtail_placeholder():
    """Wagtail's initial "Welcome to your new Wagtail site!" page, if still there untouched."""
    for page in Page.objects.filter(depth=2):
        if page.specific_class is Page and not page.get_children().exists() and page.slug == "home":
            Site.objects.filter(root_page=page).delete()
            page.delete()


def ensure_home():
    home = HomePage.objects.first()
    if home is None:
        _remove_wagtail_placeholder()
        root = Page.get_first_root_node()
        home = HomePage(title="คลังข้อมูลเผยแพร่ต่อสาธารณะ", slug="home",
                        intro="ข้อมูลที่หน่วยงานเผยแพร่ตามมาตรการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์ของหน่วยงาน")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = public_url.site_host_and_port()  # the configured BASE_URL (security/public_url.py)
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True,
                            site_name="คลังข้อมูลเผยแพร่ต่อสาธารณะ")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home


def ensure_agencies():
    agencies = {}
    for entry in _read_json("agencies.json")["agencies"]:
        values = {k: v for k, v in entry.items() if k not in ("code", "parent")}
        values["parent"] = agencies.get(entry["parent"]) if entry["parent"] else None
        agency, _ = Agency.objects.get_or_create(code=entry["code"], defaults=values)
        agencies[agency.code] = agency
    return agencies


def ensure_agency_tree(agency, home, structure):
    parent_page = home if agency.parent is None else agency.parent.page
    agency_page = AgencyPage.objects.filter(agency=agency).first()
    if agency_page is None:
        agency_page = AgencyPage(title=agency.name_th, slug=agency.code, agency=agency)
        parent_page.add_child(instance=agency_page)
        agency_page.save_revision().publish()
    for group in structure["groups"]:
        group_page = ItemGroupPage.objects.child_of(agency_page).filter(slug=group["slug"]).first()
        if group_page is None:
            group_page = ItemGroupPage(title=group["title"], slug=group["slug"])
            agency_page.add_child(instance=group_page)
            group_page.save_revision().publish()
        for item in group["items"]:
            existing = ItemPage.objects.child_of(group_page).filter(slug=item["slug"]).first()
            if existing is not None:
                if not existing.page_types and item.get("page_types"):  # a tree loaded before page_types
                    existing.page_types = item["page_types"]
                    existing.save_revision().publish()
                continue
            item_page = ItemPage(title=item["title"], slug=item["slug"], page_types=item.get("page_types", []))
            item_page.items = [
                framework_item
                for years, codes in item["codes"].items()
                for framework_item in FrameworkItem.objects.filter(
                    framework__year__in=expand_years(years), code__in=codes
                )
            ]
            group_page.add_child(instance=item_page)
            item_page.save_revision().publish()
    return agency_page


def item_page(agency_code, slug):
    return AgencyPage.objects.get(agency__code=agency_code).item_page(slug)


def ensure_users(stdout=None):
    """Demo users for each role (repository.approvals.demo), keyed by username."""
    return setup_demo_workflow(stdout)


ORDER_IMPORT_REASON = "นำเข้าคำสั่งที่ลงนามและเผยแพร่แล้วเมื่อ พ.ศ. 2561 ก่อนมีระบบนี้ จึงไม่ได้ผ่านขั้นตอนขออนุมัติในระบบ"
ORDER_DATE_NOTE = "สำเนาที่มีสิ้นสุดก่อนส่วนลงนาม จึงไม่ทราบวันที่ลงนาม ทราบแน่นอนเพียงปี พ.ศ. 2561"


def order_body(text):
    """The order's text, paragraph by paragraph, as rich text."""
    return body_to_rich_text(text)


def ensure_source_order(user=None):
    """Uthai Thani order No. ๒๒๔/๒๕๖๑, the order this repository grew from."""
    existing = OfficialOrderPage.objects.filter(document_number="๒๒๔/๒๕๖๑").first()
    if existing is not None:
        return existing
    text = Path(settings.SOURCE_ORDER_PATH).read_text(encoding="utf-8")
    page = OfficialOrderPage(
        title="คำสั่งจังหวัดอุทัยธานี ที่ ๒๒๔/๒๕๖๑ เรื่อง มาตรการการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์ของจังหวัด",
        slug="order-224-2561",
        kind=OfficialOrderPage.Kind.ORDER,
        document_number="๒๒๔/๒๕๖๑",
        issue_date=None,
        issue_year=2561,
        date_note=ORDER_DATE_NOTE,
        summary="มาตรการการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์ของจังหวัดอุทัยธานี (มาตรการ 1.1–1.3)",
        body=order_body(text),
    )
    item_page("uthai-thani", "orders").add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    OverridePublishAction(page, user, ORDER_IMPORT_REASON).execute()
    return page


def import_demo_news(limit, user, progress=None):
    return import_news(
        settings.NEWS_SAMPLE_PATH, item_page("secretariat-pm", "news"), limit=limit, user=user,
        progress=progress, publish=override_publisher(NEWS_IMPORT_REASON),
    )


def ensure_history(users):
    """A true history on the first three corpus news items, through the real workflow: two rounds of
    edits by the provider approved and published by others, an unpublish and a republish,
    and a deletion by the administrator."""
    sources = []
    for record in read_records(settings.NEWS_SAMPLE_PATH):
        if isinstance(record, NewsRecord):
            sources.append(record.source_url)
        if len(sources) == 3:
            break
    pages = {page.source_url: page for page in NewsPage.objects.filter(source_url__in=sources)}
    if len(pages) < 2 or sources[0] not in pages or sources[1] not in pages:
        return
    edited, republished, deleted = pages[sources[0]], pages[sources[1]], pages.get(sources[2])
    if not ApprovalForm.objects.filter(page=edited, kind=ApprovalForm.Kind.NORMAL).exists():
        with transaction.atomic():
            take_through_workflow(edited, users, summary=edited.summary + " (ปรับปรุงสรุป)")
        with transaction.atomic():
            take_through_workflow(edited, users, external_link=edited.source_url)
    if not PageLogEntry.objects.filter(page=republished, action="wagtail.unpublish").exists():
        with transaction.atomic():
            UnpublishPageAction(republished, user=users["publisher"]).execute()
        with transaction.atomic():
            take_through_workflow(NewsPage.objects.get(pk=republished.pk), users)
    if deleted is not None:
        with transaction.atomic():
            deleted.delete(user=users["admin"])


def load_demo(news=300, stdout=None, progress=None):
    load_frameworks()
    home = ensure_home()
    agencies = ensure_agencies()
    structure = _read_json("site_structure.json")
    # The navigation tree (about a hundred pages) in one transaction, Wagtail's per-save
    # index work done once at the end, as the bulk importer does (importers/batches.py).
    with transaction.atomic(), batched_side_work():
        for agency in agencies.values():
            if agency.parent is None:
                ensure_agency_tree(agency, home, structure)
        for agency in agencies.values():
            if agency.parent is not None:
                ensure_agency_tree(agency, home, structure)
    users = ensure_users(stdout=None)
    ensure_source_order(users["admin"])
    # ``news`` counts the items deleted on purpose too, so they are not replaced by others.
    present = NewsPage.objects.count() + len(deleted_source_urls())
    report = import_demo_news(max(0, news - present), users["admin"], progress)
    # Now that there is news: roles for its agency too, and the workflow demo's publications.
    users = ensure_users(stdout)
    ensure_history(users)
    return report
