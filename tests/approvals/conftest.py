"""A province with its page tree, one user per role, and real corpus news as drafts."""

import itertools

import pytest
from django.contrib.auth import get_user_model

from repository.approvals import roles
from repository.importers.news import news_page_from
from repository.models import ItemPage
from tests.factories import corpus_records, make_agency, make_item_page, reloaded, shared


@pytest.fixture(scope="module")
def shared_province(request, django_db_setup, django_db_blocker):
    """The province and its agency page, built once for the module (tests/factories.py ``shared``).

    When every test of the module that reads the province also takes ``news_index``, the news item page is
    built with it (``news_index`` then finds it); else each test that takes it makes its own, as before.
    """
    readers = [item for item in request.session.items
               if item.module is request.module and "shared_province" in item.fixturenames]
    with_news_index = all("news_index" in item.fixturenames for item in readers)
    yield from shared(django_db_blocker, make_province_with_news_index if with_news_index else make_agency)


def make_province_with_news_index():
    agency = make_agency()
    make_item_page(agency)
    return agency


@pytest.fixture
def agency(shared_province, db):
    return reloaded(shared_province)


@pytest.fixture
def other_agency(db):
    return make_agency(code="chai-nat", name="จังหวัดชัยนาท")


@pytest.fixture
def news_index(agency):
    """The province's news item page: the one the module's shared province holds, else a new one."""
    return ItemPage.objects.descendant_of(agency.page).filter(slug="news").first() or make_item_page(agency)


def make_user(username, full_name, position, *memberships, agency=None, superuser=False):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username=username, password="pw-" + username, email=f"{username}@example.go.th", full_name=full_name, position=position, is_superuser=superuser,
    )
    groups = roles.grant_agency_roles(agency) if agency is not None else {}
    for membership in memberships:
        user.groups.add(groups.get(membership) or Group.objects.get(name=membership))
    return user


ROLE_USERS = {
    "provider": ("สมชาย ใจดี", "นักประชาสัมพันธ์ปฏิบัติการ", roles.PROVIDER),
    "approver": ("สมหญิง รักษ์ธรรม", "หัวหน้าสำนักงานจังหวัด", roles.APPROVER),
    "publisher": ("วีระ เว็บมาสเตอร์", "นักวิชาการคอมพิวเตอร์ชำนาญการ", roles.PUBLISHER),
}


def role_user(username, agency):
    """The agency's user of that role (``ROLE_USERS``): the one the module's shared province made, else a new one."""
    existing = get_user_model().objects.filter(username=username).first()
    return existing or make_user(username, *ROLE_USERS[username], agency=agency)


@pytest.fixture
def provider(agency):
    return role_user("provider", agency)


@pytest.fixture
def approver(agency):
    return role_user("approver", agency)


@pytest.fixture
def publisher(agency):
    return role_user("publisher", agency)


@pytest.fixture
def emergency_approver(agency):
    return make_user("emergency", "ประยูร เร่งด่วน", "ผู้ว่าราชการจังหวัด", roles.EMERGENCY_APPROVER, agency=agency)


@pytest.fixture
def auditor(db):
    return make_user("auditor", "อรุณี ตรวจสอบ", "ผู้ตรวจสอบภายใน", roles.AUDITOR_GROUP)


@pytest.fixture
def administrator(db):
    return make_user("admin", "ผู้ดูแล ระบบ", "ผู้ดูแลระบบ", roles.ADMINISTRATOR_GROUP)


@pytest.fixture
def make_draft(news_index, provider):
    return draft_maker(news_index, provider)


def draft_maker(news_index, provider):
    """A draft NewsPage from the real corpus, created by the provider (as the admin would)."""
    counter = itertools.count()

    def build(page=None):
        page = page or news_page_from(corpus_records()[next(counter)])
        page.owner = provider
        page.first_published_at = None
        page.live = False
        news_index.add_child(instance=page)
        page.save_revision(user=provider)
        return page.__class__.objects.get(pk=page.pk)

    return build


@pytest.fixture
def draft(make_draft):
    return make_draft()
