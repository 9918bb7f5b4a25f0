"""A small agency tree, framework items and users for the audit tests."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Page, Site

from repository.audit.models import AuditRecord
from repository.models import Agency, AgencyPage, FrameworkYear, HomePage, ItemGroupPage, ItemPage
from tests import factories
from tests.factories import and_then, reloaded, shared


def make_editor():
    return get_user_model().objects.create_user(
        username="editor1", password="x", email="editor1@example.go.th", full_name="สมชาย ใจดี"
    )


def make_admin_user():
    return get_user_model().objects.create_superuser(
        username="admin1", password="x", email="admin1@example.go.th", full_name="ผู้ดูแลระบบ"
    )


@pytest.fixture
def editor(db):
    """The editor: the one a module's shared history was written by (``write_history``), else a new one."""
    return get_user_model().objects.filter(username="editor1").first() or make_editor()


@pytest.fixture
def admin_user(db):
    """The administrator: the one a module's shared history was written by (``write_history``), else a new one."""
    return get_user_model().objects.filter(username="admin1").first() or make_admin_user()


@pytest.fixture(scope="module")
def shared_audit_tree(request, django_db_setup, django_db_blocker):
    """The audit tree, built once for the module (tests/factories.py ``shared``), then the history the module's
    ``write_history(tree)`` writes when it has one (every test of such a module reads it: ``history``). Its users
    (``make_admin_user``, ``make_editor``) are those the ``admin_user`` and ``editor`` fixtures return."""
    yield from shared(django_db_blocker, and_then(build_tree, getattr(request.module, "write_history", None)))


@pytest.fixture
def tree(shared_audit_tree, db):
    return reloaded(shared_audit_tree)


@pytest.fixture
def history(tree):
    """Every entry of the trail, in order (in a module with a ``write_history``, the history it wrote)."""
    return list(AuditRecord.objects.order_by("sequence"))


def build_tree():
    """HomePage → AgencyPage → ItemGroupPage → ItemPage, with ITA 2568 items O4 and O12."""
    framework = FrameworkYear.objects.create(year=2568, name="ITA 2568")
    o4 = framework.items.create(code="O4", name_th="ข่าวประชาสัมพันธ์", sort_order=0)
    o12 = framework.items.create(code="O12", name_th="รายการจัดซื้อจัดจ้าง", sort_order=1)
    framework.save()
    agency = Agency.objects.create(code="uthai-thani", name_th="จังหวัดอุทัยธานี", kind="province")
    other_agency = Agency.objects.create(code="other-office", name_th="สำนักงานอื่น", kind="office")
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="หน้าแรก", slug="home-audit"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    agency_page = home.add_child(instance=AgencyPage(title="จังหวัดอุทัยธานี", slug="uthai", agency=agency))
    other_page = home.add_child(instance=AgencyPage(title="สำนักงานอื่น", slug="other", agency=other_agency))
    group = agency_page.add_child(instance=ItemGroupPage(title="ข่าว", slug="news"))
    item_page = group.add_child(instance=ItemPage(title="ข่าวประชาสัมพันธ์", slug="pr"))
    item_page.items.set([o4])
    item_page.save()
    other_group = other_page.add_child(instance=ItemGroupPage(title="จัดซื้อ", slug="proc"))
    other_item = other_group.add_child(instance=ItemPage(title="จัดซื้อจัดจ้าง", slug="proc-items"))
    other_item.items.set([o12])
    other_item.save()
    return {
        "home": home, "agency": agency, "other_agency": other_agency, "item_page": item_page,
        "other_item_page": other_item, "o4": o4, "o12": o12,
    }


def make_news(parent, user, *, title, body, summary="", slug=None, publish=True):
    from repository.models import NewsPage

    page = NewsPage(title=title, slug=slug or f"n-{abs(hash(title)) % 10**8}", summary=summary, body=body,
                    issue_date=datetime.date(2025, 1, 15))
    parent.add_child(instance=page)
    if publish:
        factories.publish(page, user, log_action=True)
    else:
        page.save_revision(user=user, log_action=True)
    page.refresh_from_db()
    return page


@pytest.fixture
def auditor(db):
    """An auditor (the ผู้ตรวจสอบ group's permissions), for the admin's Audit area and the API."""
    group, _ = Group.objects.get_or_create(name="ผู้ตรวจสอบ")
    group.permissions.add(Permission.objects.get(codename="access_admin"),
                          Permission.objects.get(codename="view_audit_trail"))
    user = get_user_model().objects.create_user(username="auditor", password="x", full_name="ผู้ตรวจ")
    user.groups.add(group)
    return user
