"""The search page over the real embedded engine: Thai query, highlights, facets, pages, shareable URLs."""

import re

import pytest

from .builders import index_everything, news_records, portal_url, record_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(site):
    flood = [r for r in news_records() if "น้ำท่วม" in r["title"] or "อุทกภัย" in r["title"]][:1]
    records = news_records()[20:26] + flood
    pages = [site.news(r) for r in records[:4]] + [site.news(r, parent=site.pm_news) for r in records[4:]]
    index_everything()
    return pages


def facet_count(html, facet, value):
    block = html.split(f'data-facet="{facet}"')[1].split("</section>")[0]
    match = re.search(rf'data-value="{re.escape(value)}".*?data-count="(\d+)"', block, re.S)
    return int(match.group(1)) if match else None


def test_thai_phrase_finds_the_document_with_highlight(client, indexed):
    page = indexed[1]
    phrase = max(page.title.split(), key=len)
    response = client.get("/", {"q": phrase})
    assert response.status_code == 200
    html = response.content.decode()
    assert portal_url(page) in html
    assert "<mark>" in html
    assert 'data-total="' in html


def test_facet_links_filter_and_counts_change(client, indexed):
    html = client.get("/").content.decode()
    assert facet_count(html, "agency", "uthai-thani") == 4
    assert facet_count(html, "agency", "secretariat-pm") == len(indexed) - 4
    total = int(re.search(r'data-total="(\d+)"', html).group(1))
    assert total == len(indexed)
    link = re.search(r'href="(\?agency=secretariat-pm)"', html).group(1)
    filtered = client.get("/" + link).content.decode()
    assert int(re.search(r'data-total="(\d+)"', filtered).group(1)) == len(indexed) - 4
    assert facet_count(filtered, "agency", "uthai-thani") is None
    assert "aria-current=\"true\"" in filtered  # the chosen facet is marked


def test_url_captures_the_whole_search_and_bad_values_say_which(client, indexed):
    year = indexed[0].fiscal_year
    response = client.get("/", {"q": "", "fiscal_year": str(year), "sort": "date", "type": "repository.NewsPage"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"พ.ศ. {year}" in html
    assert 'option value="date" selected' in html
    response = client.get("/", {"sort": "popular"})
    assert response.status_code == 400
    assert "sort" in response.content.decode()


def test_pagination_links_keep_the_query(client, site):
    for record in news_records()[30:53]:
        site.news(record)
    index_everything()
    html = client.get("/", {"sort": "date"}).content.decode()
    assert 'href="?sort=date&amp;page=2"' in html
    page2 = client.get("/", {"sort": "date", "page": "2"}).content.decode()
    assert '<ol class="results" start="21">' in page2


def test_a_record_is_found_by_its_own_words(client, site):
    record = record_with("โควิด")
    page = site.news(record)
    index_everything()
    html = client.get("/", {"q": "โควิด"}).content.decode()
    assert page.slug in html


def test_words_found_only_apart_are_said_so(client, indexed):
    """When no document holds the words as typed, the page says the results hold every word apart."""
    from search import analysis

    note = "ไม่พบข้อความตรงตัว แสดงผลที่มีทุกคำ"
    for page in indexed:
        words = [w for w in analysis.query_terms(page.title) if analysis.is_thai(w) and len(w) >= 3]
        if len(words) < 3:
            continue
        reversed_pair = f"{words[-1]} {words[0]}"  # both in the title, in the other order
        data = client.get("/api/v1/search", {"q": reversed_pair}).json()
        if data["match"] != "all_words":
            continue
        assert page.pk in [r["id"] for r in data["results"]]
        html = client.get("/", {"q": reversed_pair}).content.decode()
        assert note in html and 'data-match="all_words"' in html
        as_typed = client.get("/", {"q": page.title}).content.decode()
        assert note not in as_typed
        return
    pytest.fail("no title with two words that never follow each other in that order")


def test_item_facets_and_chips_name_each_item_by_its_own_framework_year(client, site, indexed):
    """The same code in an older framework year is another item: its facet and its chip say its own name
    and year, not the current year's name of the code."""
    from tests import factories

    older = factories.make_framework_item(year=site.o4.framework.year - 3, code="O4", name="โครงสร้าง")
    page = indexed[0]
    page.items.set([older])
    factories.publish(page)
    index_everything()
    html = client.get("/").content.decode()
    old_key, new_key = f"{older.framework.year}:O4", f"{site.o4.framework.year}:O4"
    assert facet_count(html, "item", old_key) == 1
    # re-tagged, the page still sits under the item page of the current year's O4: it answers both
    # (repository.answers), as the OIT sheet counts it
    assert facet_count(html, "item", new_key) == len(indexed)
    assert f"O4 โครงสร้าง (ITA {older.framework.year})" in html
    assert f"O4 ข่าวประชาสัมพันธ์ (ITA {site.o4.framework.year})" in html
    filtered = client.get("/", {"item": old_key}).content.decode()
    assert int(re.search(r'data-total="(\d+)"', filtered).group(1)) == 1
    assert portal_url(page) in filtered
