"""Building a small real tree for API tests: agencies, items, pages from the real news corpus."""

import datetime
import gzip
import itertools
import json
from functools import lru_cache
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.models import Page, Site

from repository.models import (
    Agency,
    AgencyPage,
    DisclosureAttachment,
    FrameworkItem,
    FrameworkYear,
    HomePage,
    ItemGroupPage,
    ItemPage,
    NewsPage,
)

CORPUS = Path("/work/shared/data/thaigov-news-5k.jsonl.gz")
_counter = itertools.count(1)


@lru_cache(maxsize=1)
def news_records(limit=400):
    records = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if len(records) >= limit:
                break
    return records


def news_record(index=None):
    records = news_records()
    return records[(next(_counter) if index is None else index) % len(records)]


def publish(page, user=None):
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    page.refresh_from_db()
    return page


def add(parent, page, published=True):
    page.live = False
    parent.add_child(instance=page)
    if published:
        publish(page)
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
        record = record or news_record()
        issue = datetime.date.fromisoformat(record["date"])
        page = NewsPage(
            title=record["title"][:250],
            slug=f"news-{record['id']}-{next(_counter)}",
            summary=record["body"][:300],
            body="".join(f"<p>{p}</p>" for p in record["body"].split("\n")[:3]),
            issue_date=issue,
            source_url=record["source_url"],
            source_category=record["category"],
            **fields,
        )
        page = add(parent or self.item_page, page, published=published)
        if published:
            page = NewsPage.objects.get(pk=page.pk)
        return page


def attach(page, name="report.pdf", content=b"%PDF-1.4 test"):
    document = Document.objects.create(title=name, file=ContentFile(content, name=name))
    DisclosureAttachment.objects.create(page=page, document=document, title="เอกสารแนบ")
    return document


def now():
    return timezone.now()
