"""Building a small real tree for API tests: agencies, items, pages from the real news corpus."""

import itertools

from wagtail.models import Page, Site

from repository.models import (
    Agency,
    AgencyPage,
    FrameworkItem,
    FrameworkYear,
    HomePage,
    ItemGroupPage,
    ItemPage,
    NewsPage,
)
from tests.factories import attach, news_page, news_records, publish  # noqa: F401  (re-exported for the API tests)

_next_record = itertools.count(1)


def news_record(index=None):
    """A corpus row: the given one, or the next one in turn."""
    records = news_records()
    return records[(next(_next_record) if index is None else index) % len(records)]


def add(parent, page, published=True):
    page.live = False
    parent.add_child(instance=page)
    if published:
        publish(page)  # refreshes page
    return page


class Tree:
    """home → agency (→ sub-agency) → group → item page → news pages."""

    def __init__(self):
        root = Page.objects.get(depth=1)
        self.home = HomePage(title="หน้าแรก", slug="portal-home")
        root.add_child(instance=self.home)
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": self.home, "port": 80}
        )
        self.province = Agency.objects.create(
            code="uthai-thani", name_th="จังหวัดอุทัยธานี", kind="province", email="saraban@uthai.go.th"
        )
        self.office = Agency.objects.create(
            code="uthai-pao", name_th="สำนักงานจังหวัดอุทัยธานี", parent=self.province, email="office@uthai.go.th"
        )
        self.other = Agency.objects.create(code="other-agency", name_th="หน่วยงานอื่น")
        self.framework = FrameworkYear.objects.create(year=2568, name="ITA 2568")
        self.o4 = FrameworkItem.objects.create(framework=self.framework, code="O4", name_th="ข่าวประชาสัมพันธ์", recurrence="per_event")
        self.o12 = FrameworkItem.objects.create(framework=self.framework, code="O12", name_th="รายการจัดซื้อจัดจ้าง", recurrence="monthly")
        self.province_page = add(self.home, AgencyPage(title="จังหวัดอุทัยธานี", slug="uthai-thani", agency=self.province))
        self.office_page = add(self.province_page, AgencyPage(title="สำนักงานจังหวัด", slug="office", agency=self.office))
        self.other_page = add(self.home, AgencyPage(title="หน่วยงานอื่น", slug="other", agency=self.other))
        self.group = add(self.province_page, ItemGroupPage(title="ข่าวสาร", slug="news"))
        self.item_page = add(self.group, ItemPage(title="ข่าวประชาสัมพันธ์", slug="o4"))
        self.item_page.items.set([self.o4])
        publish(self.item_page)
        office_group = add(self.office_page, ItemGroupPage(title="ข่าวสาร", slug="news"))
        self.office_item_page = add(office_group, ItemPage(title="ข่าว", slug="o4"))
        other_group = add(self.other_page, ItemGroupPage(title="ข่าวสาร", slug="news"))
        self.other_item_page = add(other_group, ItemPage(title="ข่าว", slug="o4"))

    def news(self, parent=None, published=True, record=None, **fields):
        page = add(parent or self.item_page, news_page(record or news_record(), **fields), published=published)
        if published:
            page = NewsPage.objects.get(pk=page.pk)
        return page
