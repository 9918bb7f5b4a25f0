"""An item page offers only its disclosure types, in the admin's chooser, on create and on move."""

import pytest
from django.urls import reverse

from repository.models import (
    GeneralDisclosurePage,
    NewsPage,
    ProcurementAnnouncementPage,
    ProcurementSummaryPage,
)
from tests.factories import make_item_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def announcements(agency):
    page = make_item_page(agency, slug="announcements", title="ประกาศเกี่ยวกับการจัดซื้อจัดจ้าง", group_slug="procurement")
    page.page_types = ["repository.ProcurementAnnouncementPage"]
    page.save_revision().publish()
    return page


def test_only_its_types_can_exist_under_it(announcements, news_index):
    assert ProcurementAnnouncementPage.can_create_at(announcements)
    for other in (NewsPage, ProcurementSummaryPage, GeneralDisclosurePage):
        assert not other.can_create_at(announcements)
        assert other.can_create_at(news_index)  # no page_types: every type


def test_the_admin_offers_one_type_and_refuses_another(client, announcements, provider):
    client.force_login(provider)
    chooser = client.get(reverse("wagtailadmin_pages:add_subpage", args=[announcements.pk]))
    # One type left: Wagtail goes straight to its form.
    assert chooser.status_code == 302
    assert chooser.url == reverse("wagtailadmin_pages:add", args=["repository", "procurementannouncementpage", announcements.pk])
    refused = client.get(reverse("wagtailadmin_pages:add", args=["repository", "newspage", announcements.pk]))
    assert refused.status_code in (302, 403)
    assert not NewsPage.objects.child_of(announcements).exists()


def test_a_news_page_cannot_be_moved_under_it(announcements, news_index):
    from tests.factories import add_disclosure

    news = add_disclosure(news_index, NewsPage(title="ข่าว", slug="khao", summary="สรุป"), publish_it=False)
    assert not news.specific.can_move_to(announcements)
    assert news.specific.can_move_to(news_index)


def test_an_administrator_sets_the_types_in_the_item_page_form(client, announcements, django_user_model):
    from tests.approvals.html_forms import form_fields

    client.force_login(django_user_model.objects.create_superuser("root", "root@example.go.th", "pw"))
    url = reverse("wagtailadmin_pages:edit", args=[announcements.pk])
    html = client.get(url).content.decode()
    assert 'value="repository.ProcurementAnnouncementPage" ' in html or 'value="repository.ProcurementAnnouncementPage"' in html
    data = [(k, v) for k, v in form_fields(html, "page-edit-form").items() if k != "page_types"]
    body = {k: v for k, v in data}
    body["page_types"] = ["repository.ProcurementAnnouncementPage", "repository.PlanReportPage"]
    body["action-publish"] = "1"
    response = client.post(url, body)
    assert response.status_code == 302, response.content.decode()[:1500]
    announcements.refresh_from_db()
    assert announcements.page_types == ["repository.ProcurementAnnouncementPage", "repository.PlanReportPage"]
