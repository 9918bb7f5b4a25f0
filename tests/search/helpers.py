"""Building a small real site for search tests: the tree, corpus news, a real order."""


from wagtail.models import Page, Site

from config.env import SHARED_DIR
from repository.importers.news import news_page_from
from repository.models import (
    Agency,
    AgencyPage,
    FrameworkItem,
    FrameworkYear,
    HomePage,
    ItemGroupPage,
    ItemPage,
    OfficialOrderPage,
)
from tests import factories
from tests.factories import add_disclosure as publish_child
from tests.factories import as_news_record as record
from tests.factories import corpus_rows  # noqa: F401  (re-exported for the search tests)

ORDER_224 = SHARED_DIR / "docs" / "order-224-2561-uthai-thani.th.txt"


def build_site():
    """HomePage → two AgencyPages → ItemGroupPage → ItemPages for news (O7) and orders (O1)."""
    fy = FrameworkYear.objects.create(year=2564, name="ITA 2564 (search tests)")
    o7 = FrameworkItem.objects.create(framework=fy, code="O7", name_th="ข่าวประชาสัมพันธ์", sort_order=0)
    o6 = FrameworkItem.objects.create(framework=fy, code="O6", name_th="กฎหมายที่เกี่ยวข้อง", sort_order=1)
    root = Page.get_first_root_node()
    home = publish_child(root, HomePage(title="หน้าแรก (ทดสอบค้นหา)", slug="search-home"))
    # What is public sits below the default site's root (repository/visibility.py).
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    site = {"home": home, "items": {"O7": o7, "O6": o6}, "framework": fy, "agencies": {}}
    for code, name in (("search-pm", "สำนักเลขาธิการนายกรัฐมนตรี"), ("search-uthai", "จังหวัดอุทัยธานี")):
        agency = Agency.objects.create(code=code, name_th=name)
        agency_page = publish_child(home, AgencyPage(title=name, slug=code, agency=agency))
        group = publish_child(agency_page, ItemGroupPage(title="ข้อมูลพื้นฐาน", slug="basic"))
        news = ItemPage(title="ข่าวประชาสัมพันธ์", slug="news")
        publish_child(group, news)
        news.items.set([o7])
        factories.publish(news)
        laws = ItemPage(title="กฎหมายที่เกี่ยวข้อง", slug="laws")
        publish_child(group, laws)
        laws.items.set([o6])
        factories.publish(laws)
        site["agencies"][code] = {"agency": agency, "page": agency_page, "news": news, "laws": laws}
    return site


def publish_news(item_page, row):
    return publish_child(item_page, news_page_from(record(row)))


def order_224_text():
    return ORDER_224.read_text(encoding="utf-8")


def publish_order_224(item_page):
    text = order_224_text()
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    from django.utils.html import escape

    subject = next(p for p in paragraphs if p.startswith("เรื่อง "))
    page = OfficialOrderPage(
        title=subject[len("เรื่อง "):],
        slug="order-224-2561",
        document_number="๒๒๔/๒๕๖๑",
        issue_year=2561,  # the order's day is not in the text we have
        body="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
    )
    return publish_child(item_page, page)
