"""Building search documents from pages: the same content, a fixed number of queries per chunk."""

import pytest
from taggit.models import Tag

from repository.models import DisclosurePage, DisclosureTag
from search import documents as docs

from .helpers import build_site, corpus_rows, publish_news

pytestmark = pytest.mark.django_db


def test_build_documents_uses_the_same_few_queries_for_one_page_or_many(site_with_news, django_assert_num_queries):
    pages = site_with_news
    queryset = DisclosurePage.objects.filter(pk__in=[p.pk for p in pages]).order_by("pk")
    with django_assert_num_queries(8) as one:  # the items answered: two link tables, then the items' facts
        docs.build_documents(queryset[:1])
    with django_assert_num_queries(len(one.captured_queries)):
        documents = docs.build_documents(queryset)
    assert [d.page_id for d in documents] == sorted(p.pk for p in pages)


def test_documents_carry_the_agency_above_the_page_and_the_items_of_its_item_page(site_with_news):
    page = site_with_news[0]
    document = docs.document_for_page(page)
    assert (document.agency, document.agency_name) == ("search-pm", "สำนักเลขาธิการนายกรัฐมนตรี")
    # the item with its framework year: a code alone means different items in different years
    assert document.items == ["2564:O7"] and document.item_names == ["ข่าวประชาสัมพันธ์"]
    assert document.item_codes() == ["O7"] and "O7" in document.extra_text() and "2564:O7" not in document.extra_text()
    assert document.page_type == "newspage" and document.title == page.title and "ทดสอบ" in document.tags
    assert document.body == "" and document.body_html == page.body
    analysed = docs.analyse_document(document)
    assert analysed.body.replace("\u200b", "") and "<" not in analysed.body, "rich text is turned into text"
    assert analysed.document.body_html == "", "workers send back no long text"


@pytest.fixture
def site_with_news():
    site = build_site()
    news = site["agencies"]["search-pm"]["news"]
    page = publish_news(news, corpus_rows(1)[0])
    DisclosureTag.objects.create(content_object_id=page.pk, tag=Tag.objects.create(name="ทดสอบ", slug="test-tag"))
    return [page] + [publish_news(news, row) for row in corpus_rows(4)[1:]]
