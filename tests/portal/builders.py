"""A small real site for portal tests: agencies, items and disclosures from the real news corpus.

Built with ``tests/factories.py`` (Wagtail's own add_child / revisions / publish).
"""

import datetime
import itertools

from django.utils import timezone

from repository.fiscal import fiscal_year_of
from repository.models import EmergencyAnnouncementPage, NewsPage
from tests import factories
from tests.factories import attach, news_records, record_with  # noqa: F401  (re-exported for the portal tests)

_slugs = itertools.count(1)


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
        if issue_date is not None:
            fields["issue_date"] = issue_date
        page = factories.add_disclosure(parent or self.province_news, factories.news_page(record, **fields))
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
    return fiscal_year_of(timezone.localdate())


def index_everything():
    """Apply pending search-index tasks (the search app's outbox)."""
    from search.outbox import drain

    drain()


def portal_url(page):
    """The portal's address of a page: ``/p/`` and its path below the site root."""
    home = factories.make_home()
    return "/p/" + page.url_path[len(home.url_path):].strip("/") + "/"
