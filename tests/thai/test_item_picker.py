"""The OIT item picker: the items of the page's fiscal year, grouped by item group."""

import datetime

import pytest
from django.urls import reverse

from repository.frameworks_loader import load_frameworks
from repository.models import FrameworkItem, NewsPage
from repository.models.forms import DisclosurePageForm
from tests.factories import add_disclosure

pytestmark = pytest.mark.django_db


def picker(page, parent):
    form_class = NewsPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, DisclosurePageForm)
    return form_class(instance=page, parent_page=parent, for_user=None).fields["items"]


def offered(field):
    return [(group, [pk for pk, _ in options]) for group, options in field.choices]


def test_a_page_of_fiscal_2566_is_offered_the_2566_items_grouped(news_index):
    load_frameworks()
    page = NewsPage(title="ข่าว", issue_date=datetime.date(2023, 1, 10))  # FY 2566
    field = picker(page, news_index)
    groups = offered(field)
    pks = [pk for _, options in groups for pk in options]
    assert set(pks) == set(FrameworkItem.objects.filter(framework__year=2566).values_list("pk", flat=True))
    names = [group for group, _ in groups]
    assert len(names) == len(set(names)) > 1  # each group once, several groups
    assert all("(ITA 2566)" in label for _, options in field.choices for _, label in options)


def test_a_year_without_its_own_framework_gets_the_newest_before_it_and_kept_items_stay(news_index, provider):
    load_frameworks()
    newest = max(FrameworkItem.objects.values_list("framework__year", flat=True))
    old_item = FrameworkItem.objects.get(framework__year=2563, code="O7")
    page = add_disclosure(news_index, NewsPage(title="ข่าว", summary="สรุป"), publish_it=False)
    page.items.set([old_item])
    page.save_revision(user=provider)
    field = picker(NewsPage.objects.get(pk=page.pk).get_latest_revision_as_object(), news_index)
    years = set(field.queryset.values_list("framework__year", flat=True))
    assert years == {newest, 2563}
    assert set(field.queryset.filter(framework__year=2563)) == {old_item}


def test_the_edit_page_renders_the_grouped_picker(client, news_index, provider):
    load_frameworks()
    page = add_disclosure(news_index, NewsPage(title="ข่าว", summary="สรุป", issue_date=datetime.date(2023, 1, 10)),
                          publish_it=False)
    client.force_login(provider)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "(ITA 2566)" in html and "(ITA 2568)" not in html
