import io

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageLogEntry, Site

from repository.approvals.models import ApprovalForm
from repository.demo import load_demo
from repository.models import Agency, AgencyPage, HomePage, ItemPage, NewsPage, OfficialOrderPage

pytestmark = pytest.mark.django_db


def test_demo_is_real_and_idempotent():
    out = io.StringIO()
    load_demo(news=6, stdout=out)
    def counts():
        return (
            Agency.objects.count(), AgencyPage.objects.count(), ItemPage.objects.count(), NewsPage.objects.count(),
            PageLogEntry.objects.count(), ApprovalForm.objects.count(),
        )

    first = counts()
    load_demo(news=6, stdout=io.StringIO())
    assert counts() == first

    assert Site.objects.get(is_default_site=True).root_page.specific.__class__ is HomePage
    province = Agency.objects.get(code="uthai-thani")
    assert province.children.count() == 9
    assert AgencyPage.objects.get(agency__code="thap-than").get_parent().specific.agency == province

    order = OfficialOrderPage.objects.get(document_number="๒๒๔/๒๕๖๑")
    assert order.live and order.issue_date is None and order.issue_year == 2561
    assert "ไม่ทราบวันที่" in order.date_note
    assert "อุทัยธานี" in order.body and order.agency == province

    news_page = AgencyPage.objects.get(agency__code="secretariat-pm").item_page("news")
    assert {item.framework.year for item in news_page.items.all()} == {2563, 2564, 2565, 2566, 2567, 2568}

    # A true history through the workflow: two rounds of edits by the provider, approved and
    # published by two other people; an unpublish and a republish; a deletion.
    edited = NewsPage.objects.order_by("pk").first()
    assert {revision.user.username for revision in edited.revisions.all() if revision.user} == {"admin", "provider"}
    forms = ApprovalForm.objects.filter(page=edited, kind=ApprovalForm.Kind.NORMAL)
    assert forms.count() == 2
    assert {(form.approver_name, form.publisher_name) for form in forms} == {("สมหญิง รักษ์ธรรม", "วีระ เว็บมาสเตอร์")}
    assert PageLogEntry.objects.filter(action="wagtail.unpublish").count() == 1
    deleted = PageLogEntry.objects.filter(action="wagtail.delete", content_type__model="newspage")
    assert deleted.count() == 1
    # Imports went live by a recorded administrator override, each with its form.
    assert ApprovalForm.objects.filter(kind=ApprovalForm.Kind.OVERRIDE).count() >= 6
    assert all(page.approval_forms.exists() for page in NewsPage.objects.live())

    users = get_user_model().objects.filter(username__in=["provider", "approver", "publisher", "auditor", "admin"])
    assert all(user.full_name and user.position for user in users) and users.count() == 5
    assert "demo-provider-2568" in out.getvalue()
