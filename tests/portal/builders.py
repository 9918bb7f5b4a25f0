"""A small real site for portal tests: agencies, items and disclosures from the real news corpus.

Built with ``tests/factories.py`` (Wagtail's own add_child / revisions / publish).
"""

import datetime
import gzip
import itertools
import json
from functools import lru_cache

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document

from config.env import SHARED_DIR
from repository.models import DisclosureAttachment, EmergencyAnnouncementPage, NewsPage
from tests import factories

CORPUS = SHARED_DIR / "data" / "thaigov-news-5k.jsonl.gz"
_slugs = itertools.count(1)


@lru_cache(maxsize=1)
def news_records(limit=300):
    records = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for line in handle:
            records.append(json.loads(line))
            if len(records) >= limit:
                break
    return records


def record_with(word):
    """The first corpus record whose title contains ``word``."""
    return next(r for r in news_records() if word in r["title"])


class Site:
    """home → จังหวัดอุทัยธานี (→ สำนักงานจังหวัด) and สำนักเลขาธิการนายกรัฐมนตรี, each with a news item page."""

    def __init__(self):
        self.home = factories.make_home()
        self.o4 = factories.make_framework_item(year=factories_year(), code="O4", name="ข่าวประชาสัมพันธ์")
        self.o1 = factories.make_framework_item(year=factories_year(), code="O1", name="โครงสร้าง", recurrence="once")
        self.province = factories.make_agency("uthai-thani", "จังหวัดอุทัยธานี")
        self.office = factories.make_agency("uthai-thani-office", "สำนักงานจังหวัดอุทัยธานี", parent=self.province)
        self.pm = factories.make_agency("secretariat-pm", "สำนักเลขาธิการนายกรัฐมนตรี")
        self.province_news = factories.make_item_page(self.province, items=[self.o4])
        self.pm_news = factories.make_item_page(self.pm, items=[self.o4])

    def news(self, record, parent=None, issue_date=None, **fields):
        issue = issue_date or datetime.date.fromisoformat(record["date"])
        page = NewsPage(
            title=record["title"][:250],
            slug=f"news-{record['id']}-{next(_slugs)}",
            summary=record["body"][:300],
            body="".join(f"<p>{p}</p>" for p in record["body"].split("\n")[:3] if p),
            issue_date=issue,
            source_url=record["source_url"],
            source_category=record["category"],
            **fields,
        )
        page = factories.add_disclosure(parent or self.province_news, page)
        page.items.set([self.o4])
        return factories.publish(NewsPage.objects.get(pk=page.pk))

    def emergency(self, title, valid_for, parent=None):
        record = news_records()[0]
        page = EmergencyAnnouncementPage(
            title=title,
            slug=f"emergency-{next(_slugs)}",
            summary=record["body"][:200],
            issue_date=timezone.localdate() - datetime.timedelta(days=2),
            severity="critical",
            affected_area="อำเภอเมืองอุทัยธานี",
            valid_until=timezone.now() + valid_for,
        )
        return factories.add_disclosure(parent or self.province_news, page)


def factories_year():
    """The current fiscal year (BE): the portal shows this framework year."""
    today = datetime.date.today()
    return today.year + 543 + (1 if today.month >= 10 else 0)


def attach(page, name="report.pdf", content=b"%PDF-1.4 " + b"x" * 2048):
    document = Document.objects.create(title=name, file=ContentFile(content, name=name))
    DisclosureAttachment.objects.create(page=page, document=document, title="รายงานฉบับเต็ม")
    return document


def index_everything():
    """Apply pending search-index tasks (the search app's outbox)."""
    from search.outbox import drain

    drain()


def portal_url(page):
    """The portal's address of a page: ``/p/`` and its path below the site root."""
    home = factories.make_home()
    return "/p/" + page.url_path[len(home.url_path):].strip("/") + "/"
