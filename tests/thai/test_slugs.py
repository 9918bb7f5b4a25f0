"""Slugs from Thai titles: romanised word by word, never empty, unique among siblings."""

import pytest
from django.urls import reverse

from repository.models import NewsPage
from repository.slugs import browser_slug, needs_generating, page_slug, thai_slug, tidy
from tests.approvals.html_forms import form_fields

MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47"  # vowels written above or below the consonant


def strip_marks(text):
    return "".join(ch for ch in text if ch not in MARKS)


@pytest.mark.parametrize("word", ["กิจกรรม", "ประชุม", "สิทธิ", "คู่มือ", "ซื้อ", "จัดจ้าง"])
def test_vowels_above_and_below_are_letters_of_the_slug(word):
    assert strip_marks(word) != word
    assert thai_slug(word) != thai_slug(strip_marks(word))


def test_words_are_cut_by_the_segmenter_and_digits_kept():
    assert thai_slug("ประกาศ e-bidding") == "prakat-e-bidding"
    assert thai_slug("คำสั่ง ๒๒๔/๒๕๖๑") == "khamsang-224-2561"
    assert thai_slug("ถนนคอนกรีต") == "thanon-khonkrit"


@pytest.mark.parametrize("title", ["", "---", "!!!", "   "])
def test_a_slug_is_never_empty_nor_hyphens_only(title):
    slug = page_slug(title, "newspage")
    assert slug.strip("-") and slug == tidy(slug)


def test_what_the_browser_makes_of_a_thai_title_is_regenerated():
    assert browser_slug("ประกาศ e-bidding") == "e-bidding"
    assert needs_generating("-e-bidding", "ประกาศ e-bidding")
    assert needs_generating("---", "ประกาศ")
    assert not needs_generating("my-own-slug", "ประกาศ e-bidding")
    assert not needs_generating("e-bidding", "e-bidding")  # an English title's slug is a real one


def add_in_admin(client, parent, title, slug):
    url = reverse("wagtailadmin_pages:add", args=["repository", "newspage", parent.pk])
    data = form_fields(client.get(url).content.decode(), "page-edit-form")
    data.update({"title": title, "slug": slug, "summary": "สรุป"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return NewsPage.objects.child_of(parent).get(pk=NewsPage.objects.latest("pk").pk)


@pytest.mark.django_db
def test_two_pages_with_the_same_thai_title_both_save_from_the_admin(client, news_index, provider):
    client.force_login(provider)
    title = "ประกาศเตือนภัยน้ำท่วม"
    # What Wagtail's editor puts in the slug field for an all-Thai title while typing.
    first = add_in_admin(client, news_index, title, "-")
    second = add_in_admin(client, news_index, title, "-")
    assert first.slug == thai_slug(title)
    assert second.slug == thai_slug(title) + "-2"
    assert first.url_path.endswith(f"/{first.slug}/")


@pytest.mark.django_db
def test_a_typed_slug_is_kept_and_a_taken_one_refused(client, news_index, provider):
    client.force_login(provider)
    page = add_in_admin(client, news_index, "ประกาศ e-bidding", "egp-2568")
    assert page.slug == "egp-2568"
    url = reverse("wagtailadmin_pages:add", args=["repository", "newspage", news_index.pk])
    data = form_fields(client.get(url).content.decode(), "page-edit-form")
    data.update({"title": "อีกประกาศ", "slug": "egp-2568", "summary": "สรุป"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert NewsPage.objects.filter(slug="egp-2568").count() == 1


@pytest.mark.django_db
def test_the_migration_romanises_lossy_slugs_and_moves_the_paths_below(news_index, provider):
    import importlib

    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, Revision

    from repository.models import ItemPage
    from tests.factories import add_disclosure

    migration = importlib.import_module("repository.migrations.0005_thai_slugs")
    group = news_index.get_parent()
    # A lossy item page below the group, with a page below it, as the admin used to save them.
    lossy = group.add_child(instance=ItemPage(title="ประกาศเหตุฉุกเฉิน", slug="-"))
    child = add_disclosure(lossy, NewsPage(title="ข่าว e-bidding", slug="-e-bidding", summary="สรุป"), publish_it=False)
    kept = add_disclosure(news_index, NewsPage(title="ข่าว", slug="my-own", summary="สรุป"), publish_it=False)
    revision = child.save_revision(user=provider)
    old_path = child.url_path

    assert migration.romanise_lossy_slugs(Page, Revision, ContentType) == 2

    lossy.refresh_from_db(), child.refresh_from_db(), kept.refresh_from_db(), revision.refresh_from_db()
    assert lossy.slug == thai_slug("ประกาศเหตุฉุกเฉิน")
    assert child.slug == thai_slug("ข่าว e-bidding")
    assert child.url_path == f"{group.url_path}{lossy.slug}/{child.slug}/" != old_path
    assert revision.content["slug"] == child.slug
    assert kept.slug == "my-own"
    assert migration.romanise_lossy_slugs(Page, Revision, ContentType) == 0
