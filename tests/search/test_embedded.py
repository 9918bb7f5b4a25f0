"""The embedded engine's own choices, checked on real Thai text."""

import sqlite3

import pytest

import search
from search.backends.embedded import TOKENIZER, EmbeddedBackend, fts_string, match_expression
from search.documents import analyse_document, document_for_corpus_row
from search.errors import SearchUnavailable
from search.query import SearchQuery

from .helpers import corpus_rows

THAI = "การจัดซื้อจัดจ้างครุภัณฑ์"


def _tokens(tokenize, text):
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize=\"{tokenize}\")")
    db.execute("INSERT INTO t VALUES (?)", (text,))
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    return [row[0] for row in db.execute("SELECT term FROM v ORDER BY offset")]


def test_default_unicode61_breaks_thai_at_its_marks_and_ours_keeps_words():
    from search import analysis

    segmented = analysis.analyse(THAI).display
    assert _tokens("unicode61", segmented) != ["การ", "จัดซื้อจัดจ้าง", "ครุภัณฑ์"]
    assert _tokens(TOKENIZER, segmented) == ["การ", "จัดซื้อจัดจ้าง", "ครุภัณฑ์"]


def test_porter_leaves_thai_words_alone_and_stems_english():
    from search import analysis

    row = corpus_rows(1)[0]
    words = [w for w in analysis.segment(analysis.normalise(row["title"])) if analysis.is_thai(w)]
    assert _tokens(TOKENIZER, "\u200b".join(words)) == words
    assert _tokens(TOKENIZER, "Vaccines vaccinated") == ["vaccin", "vaccin"]


def test_match_expression_quotes_everything():
    assert fts_string('a"b') == '"a""b"'
    assert match_expression(["NEAR", "*"]) == '"NEAR" AND "*"'
    assert match_expression(["๒๒๔"]) == '("๒๒๔" OR "224")'


@pytest.fixture
def backend(tmp_path):
    backend = EmbeddedBackend({"EMBEDDED_PATH": str(tmp_path / "index.sqlite3")})
    rows = corpus_rows(30)
    backend.write([analyse_document(document_for_corpus_row(row)) for row in rows])
    yield backend
    backend.close()


def test_write_is_idempotent_and_delete_removes_everything(backend):
    row = corpus_rows(1)[0]
    backend.write([analyse_document(document_for_corpus_row(row))])
    db = backend.connection()
    assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 30
    title_word = "นายกรัฐมนตรี"
    before = backend.search(SearchQuery(text=title_word)).total
    backend.delete([row["id"]])
    assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 29
    assert db.execute("SELECT count(*) FROM doc_items WHERE page_id = ?", (row["id"],)).fetchone()[0] == 0
    assert backend.search(SearchQuery(text=title_word)).total == before - 1
    assert row["id"] not in [s["page_id"] for s in backend.suggest(row["title"][:10])]
    db.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")


def test_text_without_words_finds_nothing(backend):
    assert backend.search(SearchQuery(text="!!! ???")).total == 0
    assert backend.search(SearchQuery(text="")).total == 30


def test_unopenable_index_is_unavailable(tmp_path):
    (tmp_path / "file").write_text("x")
    backend = EmbeddedBackend({"EMBEDDED_PATH": str(tmp_path / "file" / "index.sqlite3")})
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="ข่าว"))


def test_get_backend_follows_settings(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    assert isinstance(search.get_backend(), EmbeddedBackend)
    settings.SEARCH = {**settings.SEARCH, "BACKEND": "solr"}
    with pytest.raises(ImproperlyConfigured):
        search.get_backend()


def test_snippets_mark_the_words_that_selected_the_documents_not_the_common_ones(backend):
    from collections import Counter

    from search import analysis

    rows = corpus_rows(30)
    holders = Counter()
    for row in rows:
        holders.update(set(analysis.segment(analysis.normalise(row["body"]))))
    assert holders["และ"] > len(rows) * 0.25, "และ is in most documents, so it is not required"
    words = analysis.segment(analysis.normalise(rows[0]["body"]))
    rare = next(w for w in words if len(w) >= 5 and analysis.is_thai(w) and holders[w] == 1
                and analysis.query_terms(w) == [w])
    results = backend.search(SearchQuery(text=f"{rare} และ"))
    assert [hit.page_id for hit in results.hits] == [rows[0]["id"]]
    marked = " ".join(s for snippets in results.hits[0].highlights.values() for s in snippets)
    assert f"<mark>{rare}</mark>" in marked
    assert "<mark>และ</mark>" not in marked


def test_a_rebuild_loads_without_merging_then_leaves_the_default_merging_for_later_updates(tmp_path):
    backend = EmbeddedBackend({"EMBEDDED_PATH": str(tmp_path / "index.sqlite3")})
    target = backend.begin_rebuild(resume=False)
    automerge = "SELECT v FROM fts_config WHERE k = 'automerge'"
    assert target.db.execute(automerge).fetchone()[0] == 0
    analysed = [analyse_document(document_for_corpus_row(row)) for row in corpus_rows(5)]
    target.write(analysed, analysed[-1].document.page_id)
    target.finish()
    db = backend.connection()
    assert db.execute(automerge).fetchone()[0] == 4
    assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 5
    db.execute("INSERT INTO fts(fts) VALUES ('integrity-check')")
    backend.close()


def test_word_frequencies_outlive_a_publish_but_not_a_rebuild(backend):
    backend.search(SearchQuery(text="นายกรัฐมนตรี และ"))
    db = backend.connection()
    frequencies = backend._columns(db)._frequencies
    assert frequencies.get("และ", 0) > 0
    row = corpus_rows(31)[30]
    backend.write([analyse_document(document_for_corpus_row(row))])  # a publish: new generation, new columns
    columns = backend._columns(backend.connection())
    assert row["id"] in columns.order_key
    assert columns._frequencies is frequencies and "และ" in columns._frequencies
    target = backend.begin_rebuild(resume=False)
    target.write([analyse_document(document_for_corpus_row(row))], row["id"])
    target.finish()
    columns = backend._columns(backend.connection())
    assert columns.all_ids == [row["id"]]
    assert "และ" not in columns._frequencies, "a new index file starts afresh"


def test_newest_first_puts_undated_last_and_breaks_ties_by_highest_id():
    from search.backends.embedded import _Columns

    dates = {1: "2024-01-01", 2: None, 3: "2025-05-05", 4: "2024-01-01", 5: None, 6: "2023-12-31"}
    columns = _Columns({p: "a" for p in dates}, {p: "newspage" for p in dates}, {p: 2567 for p in dates}, dates,
                       {p: () for p in dates})
    assert columns.newest_first([1, 2, 3, 4, 5, 6]) == [3, 4, 1, 6, 5, 2]
    assert columns.newest_first([6, 5, 4, 3, 2, 1], limit=3) == [3, 4, 1]
    assert columns.facets([1, 2, 3])["fiscal_year"] == [(2567, 3)]


def _same_columns(a, b):
    for name in ("agency", "page_type", "fiscal_year", "issue_date", "items", "order_key"):
        assert getattr(a, name) == getattr(b, name), name
    assert sorted(a.all_ids) == sorted(b.all_ids)
    assert a.facets(a.all_ids) == b.facets(b.all_ids)
    assert a.newest_first(a.all_ids) == b.newest_first(b.all_ids)


def test_a_publish_updates_the_columns_in_memory_by_the_change_log(backend, monkeypatch):
    from search.backends import embedded

    backend.search(SearchQuery(text="นายกรัฐมนตรี"))
    before = backend._columns(backend.connection())
    rows = corpus_rows(33)
    changed = dict(rows[0], date="2001-02-03", category=rows[1]["category"])  # re-dated, another agency
    monkeypatch.setattr(embedded._Columns, "load", classmethod(lambda cls, db, frequencies=None: pytest.fail(
        "a publish must not reload every document")))
    backend.write([analyse_document(document_for_corpus_row(r)) for r in (changed, rows[31], rows[32])])
    backend.delete([rows[2]["id"]])
    after = backend._columns(backend.connection())
    assert after is not before and rows[2]["id"] in before.agency, "searches still reading the old columns keep them"
    assert rows[2]["id"] not in after.agency and {rows[31]["id"], rows[32]["id"]} <= set(after.all_ids)
    monkeypatch.undo()
    _same_columns(after, embedded._Columns.load(backend.connection()))
    results = backend.search(SearchQuery(text="", sort="date", per_page=50))
    assert results.total == 31 and [h.page_id for h in results.hits][-1] == changed["id"]


def test_columns_reload_whole_when_the_log_cannot_tell(backend, monkeypatch):
    from search.backends import embedded

    backend.search(SearchQuery(text=""))
    loads = []
    original = embedded._Columns.load.__func__
    monkeypatch.setattr(embedded._Columns, "load", classmethod(
        lambda cls, db, frequencies=None: loads.append(1) or original(cls, db, frequencies)))
    row = corpus_rows(31)[30]
    db = backend.connection()
    backend.write([analyse_document(document_for_corpus_row(row))])
    db.execute("UPDATE meta SET value = value + 100 WHERE key = 'changes_since'")  # pruned past this reader
    assert row["id"] in backend._columns(db).agency and loads == [1]
    backend.clear()
    assert backend._columns(db).all_ids == [] and loads == [1, 1]
    assert db.execute("SELECT count(*) FROM changes").fetchone()[0] == 0


def test_the_change_log_is_pruned_and_says_from_when_it_is_complete(backend, monkeypatch):
    from search.backends import embedded

    monkeypatch.setattr(embedded, "CHANGES_KEPT", 3)
    db = backend.connection()
    row = corpus_rows(1)[0]
    document = analyse_document(document_for_corpus_row(row))
    while int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]) % 100 != 0:
        backend.delete([row["id"]])
    generation = int(db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
    assert db.execute("SELECT min(generation) FROM changes").fetchone()[0] == generation - 2
    assert int(db.execute("SELECT value FROM meta WHERE key = 'changes_since'").fetchone()[0]) == generation - 3
    assert embedded._changed_since(db, generation - 3) == [row["id"]]
    assert embedded._changed_since(db, generation - 4) is None
    backend.write([document])
    assert embedded._changed_since(db, generation) == [row["id"]]


def _searched_with_ranking_statements(backend, query):
    """The results of ``query`` and the SQL statements that computed its BM25 scores."""
    statements = []
    backend.connection().set_trace_callback(statements.append)
    try:
        results = backend.search(query)
    finally:
        backend.connection().set_trace_callback(None)
    return results, [s for s in statements if "bm25(" in s]


def test_a_broad_query_scores_its_tiered_documents_in_one_pass_with_the_same_ranking(backend, monkeypatch):
    """Above RANK_LIMIT matches the documents in a tier (the phrase, every word in the title) are scored
    by BM25. Looked up by rowid, FTS5 ran the MATCH and bm25() read the words' doclists again for each
    one: 0.2–0.6 s for a few hundred tiered documents at 62,000 pages ("๑๐ ล้าน" through the API); now
    one pass over the matches keeps the tiered ones, and only a handful are looked up by rowid."""
    from search.backends import embedded

    query = SearchQuery(text="ในพื้นที่", per_page=10)  # 12 documents here, 5 of them holding the phrase
    monkeypatch.setattr(embedded, "RANK_LIMIT", 5)
    monkeypatch.setattr(embedded, "BY_ROWID", 2)
    broad, ranking = _searched_with_ranking_statements(backend, query)
    assert broad.total > 5 and broad.match == "phrase"
    assert len(ranking) == 1 and "rowid IN" not in ranking[0] and "{title}" not in ranking[0], ranking
    monkeypatch.setattr(embedded, "BY_ROWID", 1000)  # scored by rowid look-ups: the same scores and order
    assert [(h.page_id, h.score) for h in backend.search(query).hits] == [(h.page_id, h.score) for h in broad.hits]


def test_a_filtered_query_scores_only_what_the_filter_keeps_with_the_same_ranking(backend, monkeypatch):
    """A common word filtered (by fiscal year, agency, dates) was scored over every match of the word, then
    filtered: 70 ms of bm25() for one word at 62,000 pages. The matches are now read once and joined to the
    filter's ids in a temporary table, the full-text scan outside (CROSS JOIN), so bm25() runs only for the
    kept documents; the scores and order are those of the full pass."""
    from search.backends import embedded

    later = corpus_rows(600)[-40:]  # months after the fixture's 30 documents of September 2020
    backend.write([analyse_document(document_for_corpus_row(row)) for row in later])
    everything = backend.search(SearchQuery(text="รัฐบาล", per_page=100))
    query = SearchQuery(text="รัฐบาล", date_from=min(row["date"][:10] for row in later), per_page=100)
    filtered, ranking = _searched_with_ranking_statements(backend, query)
    assert 0 < filtered.total < everything.total
    assert len(ranking) == 1 and "temp.scored" in ranking[0], ranking
    plan = [row[3] for row in backend.connection().execute("EXPLAIN QUERY PLAN " + ranking[0])]
    assert plan[0].startswith("SCAN fts VIRTUAL TABLE") and "scored USING INTEGER PRIMARY KEY" in plan[1], plan

    def full_pass(db, expression, page_ids):  # every match scored, then filtered: the way before
        keep = set(page_ids)
        sql = f"SELECT rowid, bm25(fts, {embedded._WEIGHTS}) FROM fts WHERE fts MATCH ?"
        return {page: score for page, score in db.execute(sql, [expression]) if page in keep}

    monkeypatch.setattr(embedded, "_scored_among", full_pass)
    assert [(h.page_id, h.score) for h in backend.search(query).hits] == [(h.page_id, h.score) for h in filtered.hits]


def test_compounds_parts_side_by_side_are_not_a_phrase(tmp_path):
    """The ``parts`` column is a bag of compounds' parts in an order that follows a set's (it changes from one
    process to the next): two parts side by side there are no phrase of the document. A phrase found only there
    put a document that holds the words apart among those holding the phrase (tests/search/test_behaviour.py
    failed so, now and then, in CI)."""
    import dataclasses

    backend = EmbeddedBackend({"EMBEDDED_PATH": str(tmp_path / "index.sqlite3")})
    row = corpus_rows(1)[0]
    analysed = analyse_document(document_for_corpus_row(row))
    words = [w for w in analysed.title.replace("\u200b", " ").split() if len(w) >= 3]
    first, last = words[0], words[-1]
    assert f"{first}\u200b{last}" not in analysed.title + analysed.body and f"{first} {last}" not in analysed.body
    backend.write([dataclasses.replace(analysed, parts=f"{first} {last}")])  # side by side in the parts only
    try:
        results = backend.search(SearchQuery(text=first + last))
        assert results.total == 1 and results.match == "all_words", results
    finally:
        backend.close()
