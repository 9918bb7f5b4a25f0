"""The behavioural suite both engines pass, on real corpus documents published as pages.

The site is built once per module (in a transaction rolled back at the end)
and indexed by each engine: the embedded one always, Elasticsearch when
``ELASTICSEARCH_URL`` points at a real server.
"""

import html
import re
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from wagtail.models import PageViewRestriction

import search
from repository.importers.news import news_page_from
from repository.models import DisclosurePage
from search import analysis
from search.errors import InvalidQuery
from search.query import SearchQuery
from tests.factories import publish_many

from .conftest import ENGINES, engine_config
from .helpers import build_site, corpus_rows, publish_news, publish_order_224, record

# Marking the tests makes pytest-django create the test database before the
# module fixture runs.
pytestmark = pytest.mark.django_db

COMPOUND = "จัดซื้อจัดจ้าง"


def _has_compound_only(row):
    """The body holds จัดซื้อจัดจ้าง, and the segmenter never yields จัดซื้อ alone in it."""
    if COMPOUND not in row["body"]:
        return False
    words = analysis.segment(analysis.normalise(row["title"] + "\n" + row["body"]))
    return COMPOUND in words and "จัดซื้อ" not in words


IDENTIFIER = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+[0-9]+(?![A-Za-z0-9.])")


def _identifier(row):
    """The title holds a word of letters followed directly by digits (UNGA76, Moto2), as in ITA2569."""
    return bool(IDENTIFIER.search(row["title"]))


def _english(row):
    return row["title"].isascii() and "vaccines" in row["body"]


@pytest.fixture(scope="module")
def corpus_site(django_db_setup, django_db_blocker, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search-site")
    config = {"BACKEND": "embedded", "EMBEDDED_PATH": str(tmp / "outbox.sqlite3"), "SYNC_ON_COMMIT": False}
    # Everything is built in one transaction rolled back at the end of the module:
    # nothing outlives it (other apps, such as the append-only audit trail,
    # refuse deletions). Each test runs in a savepoint inside it.
    with django_db_blocker.unblock(), override_settings(SEARCH=config):
        outer = transaction.atomic()
        outer.__enter__()
        site = build_site()
        pm = site["agencies"]["search-pm"]
        uthai = site["agencies"]["search-uthai"]
        rows = corpus_rows(60)
        seen = {row["id"] for row in rows}
        compound_rows = [r for r in corpus_rows(where=_has_compound_only) if r["id"] not in seen][:3]
        seen |= {row["id"] for row in compound_rows}
        english_rows = [r for r in corpus_rows(where=_english) if r["id"] not in seen][:3]
        seen |= {row["id"] for row in english_rows}
        identifier_rows = [r for r in corpus_rows(where=_identifier) if r["id"] not in seen][:3]
        seen |= {row["id"] for row in identifier_rows}
        published = rows + compound_rows + english_rows + identifier_rows
        parents = [uthai["news"] if index % 3 == 0 else pm["news"] for index in range(len(published))]
        news = publish_many(parents, [news_page_from(record(row)) for row in published])
        pages = {row["id"]: page for row, page in zip(published, news, strict=True)}
        order = publish_order_224(uthai["laws"])

        hidden_rows = [r for r in corpus_rows(200) if r["id"] not in seen][-3:]
        draft = news_page_from(record(hidden_rows[0]))
        draft.live = False
        pm["news"].add_child(instance=draft)
        draft.save_revision()
        unpublished = publish_news(pm["news"], hidden_rows[1])
        unpublished.unpublish()
        private = publish_news(uthai["news"], hidden_rows[2])
        PageViewRestriction.objects.create(page=private, restriction_type="password", password="ลับเฉพาะ")

        public = list(
            DisclosurePage.objects.live().public().descendant_of(site["home"]).values(
                "pk", "agency__code", "fiscal_year"
            )
        )
        yield SimpleNamespace(
            site=site,
            rows=rows,
            pages=pages,
            order=order,
            compound_rows=compound_rows,
            english_rows=english_rows,
            identifier_rows=identifier_rows,
            hidden={"draft": (draft, hidden_rows[0]), "unpublished": (unpublished, hidden_rows[1]),
                    "private": (private, hidden_rows[2])},
            public=public,
        )
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request, corpus_site, django_db_blocker, tmp_path_factory):
    config = engine_config(request.param, tmp_path_factory.mktemp(f"engine-{request.param}"))
    backend = search.get_backend(config)
    with django_db_blocker.unblock():
        backend.rebuild(processes=2, resume=False)
    refresh = getattr(backend, "refresh", None)
    if refresh:
        refresh()
    yield backend
    drop = getattr(backend, "drop_all", None)
    if drop:
        drop()
    search.reset_backends()


def run(backend, **kwargs):
    return backend.search(SearchQuery(**kwargs))


def ids(results):
    return [hit.page_id for hit in results.hits]


def _phrase_without_spaces(body, others=()):
    """Two neighbouring space-separated Thai chunks of a paragraph, typed as one.

    With ``others`` (the other documents' bodies), only a pair found in no
    other document qualifies: a known-item query, not a common name.
    """
    for paragraph in body.split("\n")[1:]:
        chunks = [c for c in paragraph.split(" ") if len(c) >= 8 and re.fullmatch(r"[\u0e01-\u0e4e]+", c)]
        for first, second in zip(chunks, chunks[1:], strict=False):
            pair = first + " " + second
            if pair in paragraph and not any(pair in other for other in others):
                return first + second
    return None


def test_known_items_found_in_top_three(engine, corpus_site):
    checked = 0
    bodies = {row["id"]: row["body"] for row in corpus_site.rows}
    for row in corpus_site.rows[:25]:
        phrase = _phrase_without_spaces(row["body"], [b for i, b in bodies.items() if i != row["id"]])
        if not phrase:
            continue
        checked += 1
        page_id = corpus_site.pages[row["id"]].pk
        top = ids(run(engine, text=phrase, per_page=3))
        assert page_id in top, f"{phrase!r} should find page {page_id} ({row['title'][:60]}) in the top 3, got {top}"
    assert checked >= 15


def test_part_of_compound_finds_the_compound(engine, corpus_site):
    assert corpus_site.compound_rows, "the 5k sample has documents with จัดซื้อจัดจ้าง"
    found = set(ids(run(engine, text="จัดซื้อ", per_page=100)))
    for row in corpus_site.compound_rows:
        assert corpus_site.pages[row["id"]].pk in found
    hit = next(h for h in run(engine, text="จัดซื้อ", per_page=100).hits
               if h.page_id == corpus_site.pages[corpus_site.compound_rows[0]["id"]].pk)
    marked = " ".join(s for snippets in hit.highlights.values() for s in snippets)
    assert f"<mark>{COMPOUND}</mark>" in marked


@pytest.mark.parametrize("text", ["224/2561", "๒๒๔/๒๕๖๑", "คำสั่ง 224/2561"])
def test_thai_and_arabic_digits_match(engine, corpus_site, text):
    assert ids(run(engine, text=text, per_page=3))[0] == corpus_site.order.pk


def test_fiscal_year_filter_accepts_buddhist_and_gregorian_years(engine, corpus_site):
    expected = sorted(p["pk"] for p in corpus_site.public if p["fiscal_year"] == 2564)
    assert expected
    be = run(engine, fiscal_year=[2564], per_page=100)
    gregorian = run(engine, fiscal_year=["2021"], per_page=100)
    assert sorted(ids(be)) == sorted(ids(gregorian)) == expected
    assert be.total == len(expected)
    assert {hit.fiscal_year for hit in be.hits} == {2564}


def test_english_is_case_folded_and_stemmed(engine, corpus_site):
    wanted = {corpus_site.pages[row["id"]].pk for row in corpus_site.english_rows}
    for text in ("VACCINE", "Vaccines", "vaccinEs"):
        assert wanted <= set(ids(run(engine, text=text, per_page=50))), text


def test_snippets_cut_at_word_boundaries_and_escape_html(engine, corpus_site):
    results = run(engine, text="รัฐบาล", per_page=10)
    assert results.hits
    checked = 0
    for hit in results.hits:
        for snippet in hit.highlights.get("body", []):
            assert "<mark>" in snippet
            plain = html.unescape(re.sub(r"</?mark>", "", snippet)).strip("…")
            row = next((r for r in corpus_site.rows + corpus_site.compound_rows + corpus_site.english_rows
                        if corpus_site.pages[r["id"]].pk == hit.page_id), None)
            if row is None:  # the order, not a corpus row
                continue
            body = " ".join(line.strip() for line in row["body"].split("\n") if line.strip())
            words = analysis.segment(analysis.normalise(body))
            boundaries, offset = {0}, 0
            text = "".join(words)
            for word in words:
                offset += len(word)
                boundaries.add(offset)
            flat = plain.replace("\n", " ")
            start = text.find(flat)
            assert start >= 0, flat
            assert start in boundaries and start + len(flat) in boundaries, flat
            checked += 1
    assert checked


def test_facets_count_the_filtered_public_set(engine, corpus_site):
    everything = run(engine, per_page=1)
    assert everything.total == len(corpus_site.public)
    by_agency = {}
    for page in corpus_site.public:
        by_agency[page["agency__code"]] = by_agency.get(page["agency__code"], 0) + 1
    assert dict(everything.facets["agency"]) == by_agency
    assert sum(count for _, count in everything.facets["page_type"]) == everything.total
    narrowed = run(engine, text="นายกรัฐมนตรี", agency=["search-pm"], per_page=1)
    assert narrowed.total > 0
    assert dict(narrowed.facets["agency"]) == {"search-pm": narrowed.total}
    # items are counted with their framework year: O7 of ITA 2564
    assert dict(narrowed.facets["item"]) == {"2564:O7": narrowed.total}


@pytest.mark.parametrize("kind", ["draft", "unpublished", "private"])
def test_non_public_pages_never_appear_even_in_counts(engine, corpus_site, kind):
    page, row = corpus_site.hidden[kind]
    phrase = _phrase_without_spaces(row["body"]) or row["title"]
    results = run(engine, text=phrase, per_page=100)
    assert page.pk not in ids(results)
    assert page.pk not in ids(run(engine, per_page=100, page=1)) + ids(run(engine, per_page=100, page=2))
    assert page.pk not in [s["page_id"] for s in engine.suggest(row["title"][:20], limit=50)]


def test_sort_by_date_and_pagination(engine, corpus_site):
    first = run(engine, text="ประเทศ", sort="date", per_page=5)
    second = run(engine, text="ประเทศ", sort="date", per_page=5, page=2)
    assert first.total == second.total > 10
    dates = [h.issue_date for h in first.hits + second.hits]
    assert dates == sorted(dates, reverse=True)
    assert not set(ids(first)) & set(ids(second))


def test_date_range_filter(engine, corpus_site):
    import datetime

    results = run(engine, date_from="2021-01-01", date_to="2021-12-31", per_page=100)
    assert results.total > 0
    assert all(datetime.date(2021, 1, 1) <= h.issue_date <= datetime.date(2021, 12, 31) for h in results.hits)


def test_page_type_and_item_filters(engine, corpus_site):
    orders = run(engine, page_type=["officialorderpage"])
    assert ids(orders) == [corpus_site.order.pk]
    laws = run(engine, item=["o6"])  # a bare code: that code in any framework year
    assert ids(laws) == [corpus_site.order.pk]
    assert ids(run(engine, item=["2564:O6"])) == [corpus_site.order.pk]
    assert ids(run(engine, item=["2021:o6"])) == [corpus_site.order.pk]  # Gregorian 2021 is ITA 2564
    assert run(engine, item=["2568:O6"]).total == 0  # another year's O6 is another item
    assert run(engine, item=["2568:O6", "O6"]).total == 1
    assert run(engine, item=["O6"]).facets["item"] == [("2564:O6", 1)]


def test_suggest_titles_as_the_user_types(engine, corpus_site):
    row = corpus_site.rows[5]
    page_id = corpus_site.pages[row["id"]].pk
    typed = analysis.normalise(row["title"])[:14]
    suggestions = engine.suggest(typed, limit=10)
    assert page_id in [s["page_id"] for s in suggestions]
    assert set(suggestions[0]) == {"page_id", "title"}
    assert engine.suggest("", limit=5) == []


def test_suggest_words_of_one_or_two_characters_anywhere_in_a_title(engine, corpus_site):
    """A word shorter than a trigram counts too, in the middle of a title and at its very end."""
    row = corpus_site.rows[5]
    page_id = corpus_site.pages[row["id"]].pk
    title = analysis.normalise(row["title"]).strip()
    for short in (title[-1], title[-2:], title[20:22].strip() or title[21]):
        suggestions = engine.suggest(f"{title[:14]} {short}", limit=10)
        assert page_id in [s["page_id"] for s in suggestions], short


@pytest.mark.parametrize(
    "text",
    ['"', '""', "AND", "OR NOT", "NEAR(a b)", "*", "title:ข่าว", "{x}", "\\", "(", "^ข่าว", "ข่าว*", "💥",
     "\u200b", "' OR 1=1 --", "a" * 500, "กขคง" * 100],
)
def test_any_query_text_is_safe(engine, corpus_site, text):
    results = run(engine, text=text)
    assert results.total >= 0
    engine.suggest(text)


def test_bad_requests_get_clear_errors(engine):
    with pytest.raises(InvalidQuery) as error:
        run(engine, text="ข่าว\x00")
    assert error.value.param == "text"
    with pytest.raises(InvalidQuery) as error:
        run(engine, text="ก" * 501)
    assert error.value.param == "text"


def test_identifier_alone_finds_its_page(engine, corpus_site):
    """A project number or an identifier (EGP67019123456, ITA2569: letters then digits) typed alone."""
    assert len(corpus_site.identifier_rows) >= 2
    for row in corpus_site.identifier_rows:
        token = IDENTIFIER.search(row["title"]).group(0)
        page_id = corpus_site.pages[row["id"]].pk
        for text in (token, token.lower()):
            results = run(engine, text=text, per_page=3)
            assert page_id in ids(results), f"{text!r} should find page {page_id} ({row['title'][:60]})"
            assert results.match == "phrase"


def _all_rows(corpus_site):
    return corpus_site.rows + corpus_site.compound_rows + corpus_site.english_rows + corpus_site.identifier_rows


def _holds(row, phrase):
    """Does the document hold the words of ``phrase`` one after another (as segmented, in title or body)?"""
    wanted = [analysis.fold(t) for t in analysis.query_terms(phrase)]
    for text in (row["title"], row["body"]):
        words = [analysis.fold(w) for w in analysis.segment(analysis.normalise(text)) if analysis.is_word(w)]
        if any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1)):
            return True
    return False


def test_documents_holding_the_phrase_rank_above_words_apart(engine, corpus_site, monkeypatch):
    """At every result count: the embedded engine's broad-query path is taken here with a small limit."""
    if engine.name == "embedded":
        from search.backends import embedded

        monkeypatch.setattr(embedded, "RANK_LIMIT", 3)
    rows = {corpus_site.pages[row["id"]].pk: row for row in _all_rows(corpus_site)}
    checked = 0
    # several words typed without spaces (a single word has nothing apart)
    for phrase in ("ประชาชนในพื้นที่", "การแพร่ระบาด", "รัฐบาลได้", "นายกรัฐมนตรีได้", "ในพื้นที่"):
        results = run(engine, text=phrase, per_page=100)
        held = [_holds(rows[p], phrase) for p in ids(results) if p in rows]
        if not any(held) or all(held):
            continue
        checked += 1
        first_apart = held.index(False)
        assert all(held[:first_apart]) and not any(held[first_apart:]), (phrase, held)
        assert results.match == "phrase"
    assert checked >= 2


def test_no_document_holds_the_phrase_says_all_words(engine, corpus_site):
    rows = _all_rows(corpus_site)
    words = ["รัฐบาล", "ประชาชน", "ประเทศ", "โครงการ", "พื้นที่", "นายกรัฐมนตรี"]
    for first in words:
        for second in words:
            phrase = first + second
            if first == second or any(_holds(row, phrase) for row in rows):
                continue
            results = run(engine, text=phrase, per_page=100)
            if results.total:
                assert results.match == "all_words", phrase
                return
    pytest.fail("no pair of common words apart in the fixture documents")
