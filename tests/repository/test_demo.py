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


def test_the_demo_command_is_quiet_unless_asked(settings, capsys, caplog):
    """``make run`` shows a progress bar and the logins, not a line per page action or the workflow's e-mails."""
    import logging

    from django.core import mail
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # as in config.settings.dev
    with caplog.at_level(logging.INFO):
        call_command("load_demo", news=2, verbosity=1)
    printed = capsys.readouterr()
    assert "Demo ready: 2 news page(s)" in printed.out
    assert "Content-Type:" not in printed.out + printed.err
    # The history's notifications were written, to memory: the demo users' addresses lead nowhere.
    assert any(address.endswith("@demo.invalid") for message in mail.outbox for address in message.to)
    assert not [r for r in caplog.records if r.name.startswith("wagtail") and r.levelno < logging.WARNING]
    assert logging.getLogger("wagtail").level == logging.NOTSET  # as it was
    with caplog.at_level(logging.INFO):
        call_command("load_demo", news=3, verbosity=2)
    assert [r for r in caplog.records if r.name.startswith("wagtail") and r.levelno == logging.INFO]
