"""The embedded engine: SQLite FTS5 in a file of its own, no server.

It lives in ``settings.SEARCH["EMBEDDED_PATH"]`` whatever the main database
is (SQLite or PostgreSQL). Layout of the file:

* ``docs``: one row per page with the filter/facet columns and the folded title.
* ``doc_items``: (page_id, item key ``<framework year>:<code>``) for the item filter and facet.
* ``content``: the segmented text of each field (words joined by U+200B), the
  external content of ``fts``; snippets are cut from it.
* ``fts``: FTS5 over ``content`` with ``porter unicode61 remove_diacritics 0``
  and Unicode mark categories as token characters, so Thai vowel and tone
  marks stay inside words (the default splits ``จัดซื้อ`` at its marks).
  The ``parts`` column holds sub-word parts of compounds (see ``analysis``).
  Ranking is BM25 with the title weighted most.
* ``titles``: FTS5 ``trigram`` over the folded titles, for suggestions.

User text never reaches FTS5 as syntax: every term is a double-quoted string.
"""

import contextlib
import datetime
import heapq
import os
import sqlite3
import threading
import time
from collections import Counter

from repository.thai import to_arabic_digits, to_thai_digits

from .. import analysis, highlight
from ..errors import SearchUnavailable
from ..query import SearchHit, SearchResults
from .base import SearchBackend

TOKENIZER = "porter unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
# bm25 weights, in column order: title, summary, body, extra, parts
WEIGHTS = (10.0, 4.0, 1.0, 2.0, 1.0)
SCHEMA_VERSION = "1"
BUSY_TIMEOUT = 10  # seconds a writer waits for another
REBUILD_CACHE_KB = 64 * 1024  # SQLite page cache of the rebuild connection
FTS_AUTOMERGE = 4  # FTS5's default, restored after a rebuild
CHANGES_KEPT = 1000  # generations of the change log kept; a reader further behind reloads everything
DELTA_LIMIT = 5000  # more changed pages than this since a reader's columns: it reloads them all

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs (
    page_id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    url_path TEXT NOT NULL,
    page_type TEXT NOT NULL,
    agency TEXT NOT NULL,
    fiscal_year INTEGER,
    issue_date TEXT,
    version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_issue_date ON docs (issue_date, page_id);
CREATE TABLE IF NOT EXISTS doc_items (page_id INTEGER NOT NULL, item TEXT NOT NULL, PRIMARY KEY (page_id, item));
CREATE INDEX IF NOT EXISTS doc_items_item ON doc_items (item);
-- Pages written or deleted by each generation, so that readers update what they keep in memory
-- instead of reloading it all (meta 'changes_since': the oldest generation the log is complete after).
CREATE TABLE IF NOT EXISTS changes (generation INTEGER NOT NULL, page_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS changes_generation ON changes (generation);
CREATE TABLE IF NOT EXISTS content (
    page_id INTEGER PRIMARY KEY, title TEXT, summary TEXT, body TEXT, extra TEXT, parts TEXT
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, summary, body, extra, parts,
    content='content', content_rowid='page_id',
    tokenize="{TOKENIZER}"
);
CREATE VIRTUAL TABLE IF NOT EXISTS titles USING fts5(
    title_folded, content='docs', content_rowid='page_id', tokenize='trigram'
);
"""


def fts_string(text):
    """``text`` as an FTS5 string literal: inert, whatever it holds."""
    return '"' + text.replace('"', '""') + '"'


def term_variants(term):
    """(the word and its digit variants, its compound parts or ())."""
    variants = [term]
    for variant in (to_arabic_digits(term), to_thai_digits(term)):
        if variant not in variants:
            variants.append(variant)
    pieces = analysis.identifier_pieces(term)
    if pieces:  # ITA2569 also finds "ITA 2569"
        variants.append(" ".join(pieces))
    parts = analysis.word_parts(term)
    return variants, (parts if parts and len(parts) > 1 else ())


def term_expression(term, with_parts=True):
    """One query word as FTS5: its digit variants, and its parts as a phrase.

    ``๒๒๔/๒๕๖๑`` matches ``224/2561`` and the reverse; a compound typed whole
    (จัดซื้อจัดจ้าง) also matches a text where the segmenter cut it in two.
    """
    variants, parts = term_variants(term)
    if parts and with_parts:
        variants = variants + [" ".join(parts)]
    strings = [fts_string(v) for v in variants]
    return strings[0] if len(strings) == 1 else "(" + " OR ".join(strings) + ")"


def match_expression(terms, operator="AND", with_parts=True):
    """The FTS5 query of ``terms``; without the compounds' parts, the cheaper one used for ranking."""
    return f" {operator} ".join(term_expression(term, with_parts) for term in terms)


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, config):
        super().__init__(config)
        self.path = str(config.get("EMBEDDED_PATH") or "search.sqlite3")
        self._local = threading.local()
        self._columns_lock = threading.Lock()
        self._columns_cache = None
        self._frequencies = (None, {})  # (index file inode, {word: document frequency})

    # --- connections ----------------------------------------------------

    def _open(self, path):
        directory = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(directory, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
            connection.executescript(SCHEMA)
            connection.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, 'fts', 'row')")
            connection.execute("CREATE TABLE IF NOT EXISTS temp.scored (id INTEGER PRIMARY KEY)")  # _scored_among
            connection.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        except (sqlite3.Error, OSError) as error:
            raise SearchUnavailable(f"search index {path} cannot be opened: {error}") from error
        return connection

    def connection(self):
        """This thread's connection, reopened when a rebuild swapped the file."""
        try:
            inode = os.stat(self.path).st_ino
        except OSError:
            inode = None
        cached = getattr(self._local, "connection", None)
        if cached is not None and cached[1] == inode and inode is not None:
            return cached[0]
        if cached is not None:
            cached[0].close()
        connection = self._open(self.path)
        self._local.connection = (connection, os.stat(self.path).st_ino)
        return connection

    def close(self):
        cached = getattr(self._local, "connection", None)
        if cached is not None:
            cached[0].close()
            self._local.connection = None

    @contextlib.contextmanager
    def _transaction(self, connection=None):
        connection = connection or self.connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise SearchUnavailable(f"search index write failed: {error}") from error

    def ping(self):
        try:
            self.connection().execute("SELECT count(*) FROM meta").fetchone()
        except sqlite3.Error as error:
            raise SearchUnavailable(str(error)) from error

    # --- writing --------------------------------------------------------

    def write(self, analysed_documents, connection=None):
        analysed_documents = list(analysed_documents)
        with self._transaction(connection) as db:
            _delete(db, [a.document.page_id for a in analysed_documents])
            _insert(db, analysed_documents)

    def delete(self, page_ids):
        with self._transaction() as db:
            _delete(db, list(page_ids))

    def clear(self):
        with self._transaction() as db:
            _clear(db)

    def indexed_versions(self):
        try:
            return dict(self.connection().execute("SELECT page_id, version FROM docs"))
        except sqlite3.Error as error:
            raise SearchUnavailable(str(error)) from error

    def begin_rebuild(self, resume=True):
        return _RebuildTarget(self, resume)

    # --- reading --------------------------------------------------------

    def search(self, query):
        try:
            return self._search(self.connection(), query)
        except sqlite3.OperationalError as error:
            if "fts5" in str(error).lower() or "syntax" in str(error).lower():
                # Never expected (all user text is quoted); treat as no match.
                return SearchResults(0, [], {name: [] for name in _FACETS}, query.page, query.per_page)
            raise SearchUnavailable(str(error)) from error
        except sqlite3.Error as error:
            raise SearchUnavailable(str(error)) from error

    def _search(self, db, query):
        terms = analysis.query_terms(query.text)
        empty = SearchResults(0, [], {name: [] for name in _FACETS}, query.page, query.per_page)
        if query.text and not terms:
            return empty
        columns = self._columns(db)
        ranking, required, operator = None, terms, "AND"
        if terms:
            ranking, required, ids, operator = _matching(db, terms, columns)
        else:
            ids = columns.all_ids
        filtered = columns.select(ids, query)
        facets = columns.facets(filtered)
        scores = {}
        match = ""
        if terms and filtered and (query.sort == "date"):
            match = "phrase" if _match_set(db, phrase_expression(terms)) & set(filtered) else "all_words"
        needed = query.offset + query.per_page
        if query.sort == "date" or not terms:
            ordered = columns.newest_first(filtered, limit=needed)
        else:
            ordered, scores, found = _ranked(
                db, ranking, terms, ids, filtered, columns, needed, filtered_out=len(filtered) != len(ids)
            )
            match = "phrase" if found else ("all_words" if filtered else "")
        page_ids = ordered[query.offset : query.offset + query.per_page]
        hits = _hits(db, page_ids, scores)
        if terms and hits:
            # the words that selected the documents: a common word (และ, การ) marked everywhere says nothing
            self._highlight(db, hits, required, terms)
        if match and operator == "OR":
            match = "any_words"
        return SearchResults(total=len(filtered), hits=hits, facets=facets, page=query.page, per_page=query.per_page,
                             match=match)

    def _columns(self, db):
        """The filter and facet columns of every document, kept in memory and brought up to date.

        After a publish only the pages it changed are read again (from the change log);
        after a rebuild, or when this process is too far behind, everything is.
        """
        generation = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        key = (self._local.connection[1], int(generation[0]) if generation else None)
        with self._columns_lock:
            cached = self._columns_cache
            if cached is not None and cached[0] == key:
                return cached[1]
            # Document frequencies outlive a publish (a few documents more or less do not
            # make a word common); reading one costs up to 20 ms for ใน, การ. A rebuild resets them.
            if self._frequencies[0] != key[0]:
                self._frequencies = (key[0], {})
            changed = None
            if cached is not None and cached[0][0] == key[0]:
                changed = _changed_since(db, cached[0][1])
            if changed is not None:
                columns = cached[1].updated(db, changed)
            else:
                columns = _Columns.load(db, self._frequencies[1])
            self._columns_cache = (key, columns)
            return columns

    def _highlight(self, db, hits, terms, all_terms):
        ids = [hit.page_id for hit in hits]
        placeholders = ",".join("?" * len(ids))
        fields = {
            row[0]: {"title": row[1], "summary": row[2], "body": row[3]}
            for row in db.execute(
                # only the part snippets are cut from: some bodies are very long
                "SELECT page_id, title, substr(summary, 1, ?), substr(body, 1, ?) FROM content "
                f"WHERE page_id IN ({placeholders})",
                [highlight.MAX_SNIPPET_SOURCE, highlight.MAX_SNIPPET_SOURCE, *ids],
            )
        }
        for hit in hits:
            hit.highlights = highlight.highlights_for(fields.get(hit.page_id, {}), terms)
            if not hit.highlights and all_terms != terms:
                # the selecting words were only ones marks cannot show (e.g. "(COVID-19)"): mark them all
                hit.highlights = highlight.highlights_for(fields.get(hit.page_id, {}), all_terms)

    def suggest(self, prefix, limit=10):
        """Titles holding what the user has typed so far, those starting with it first."""
        if not isinstance(prefix, str) or "\x00" in prefix:
            return []
        words = analysis.fold(analysis.normalise(prefix[:200])).split()
        if not words:
            return []
        limit = max(1, min(int(limit), 50))
        clauses, params = [], []
        long_words = [w for w in words if len(w) >= 3]
        for word in words:
            if len(word) < 3:
                clauses.append("d.title_folded LIKE ? ESCAPE '\\'")
                params.append("%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        first = words[0]
        if long_words:
            sql = (
                "SELECT d.page_id, d.title FROM titles JOIN docs d ON d.page_id = titles.rowid "
                "WHERE titles MATCH ?"
            )
            params.insert(0, " AND ".join(fts_string(w) for w in long_words))
        else:
            sql = "SELECT d.page_id, d.title FROM docs d WHERE 1"
        sql += "".join(f" AND {clause}" for clause in clauses)
        sql += " ORDER BY instr(d.title_folded, ?) != 1, d.issue_date IS NULL, d.issue_date DESC, d.page_id DESC LIMIT ?"
        params += [first, limit]
        try:
            rows = self.connection().execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise SearchUnavailable(str(error)) from error
        return [{"page_id": page_id, "title": title} for page_id, title in rows]

    def stats(self):
        db = self.connection()
        return {
            "documents": db.execute("SELECT count(*) FROM docs").fetchone()[0],
            "size_bytes": os.path.getsize(self.path) if os.path.exists(self.path) else 0,
        }


_FACETS = ("agency", "item", "page_type", "fiscal_year")


_WEIGHTS = ", ".join(str(w) for w in WEIGHTS)
RANK_LIMIT = 2000  # matches ranked by BM25 in full; above it, title matches first (see docs/SEARCH.md)
BY_ROWID = 16  # tiered documents of a broad query scored by rowid look-ups; more are scored in one pass


COMMON_SHARE = 0.25  # a word in more than this share of documents is not required to match


def _matching(db, terms, columns):
    """(FTS5 expression to rank with, the words required, matching page ids).

    Every word must match, except words so common they select nothing (in
    more than a quarter of the documents, such as ใน, และ, ของ): requiring
    them costs much. They still count in the ranking of the phrase. Failing
    that, any of the words.
    """
    limit = COMMON_SHARE * max(1, len(columns.all_ids))
    required = [t for t in terms if columns.document_frequency(db, t) <= limit] or terms
    operator = "AND"
    expression = match_expression(required)
    ids = _match_ids(db, expression)
    if not ids and len(required) > 1:
        operator = "OR"
        expression = match_expression(required, operator)
        ids = _match_ids(db, expression)
    return match_expression(required, operator, with_parts=False), required, ids, operator


def _match_ids(db, expression):
    """Ids of the documents matching ``expression``, as one string from SQLite (a fifth cheaper than rows)."""
    joined = db.execute("SELECT group_concat(rowid) FROM fts WHERE fts MATCH ?", (expression,)).fetchone()[0]
    return list(map(int, joined.split(","))) if joined else []


def phrase_expression(terms):
    """The query's words one after another, in either digit system (FTS5), in the text itself: not in the
    ``parts`` column, a bag of compounds' parts in which two compounds' parts may stand side by side by
    chance (their order follows a set's) and read as a phrase no document holds."""
    joined = " ".join(terms)
    variants = list(dict.fromkeys([joined, to_arabic_digits(joined), to_thai_digits(joined)]))
    return "{title summary body extra} : (" + " OR ".join(fts_string(v) for v in variants) + ")"


def _match_set(db, expression):
    return {row[0] for row in db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,))}


def _tiers(db, terms):
    """({page: tier}, phrase holders): 0 the phrase in the title, 1 the phrase anywhere, 2 every word in the
    title; pages absent hold the words apart (the same tiers as the Elasticsearch engine's)."""
    phrase = phrase_expression(terms)
    holders = _match_set(db, phrase)
    every_word = match_expression(terms, with_parts=False)  # the common words too: all as typed
    tiers = dict.fromkeys(_match_set(db, f"{{title}} : ({every_word})"), 2) if len(terms) > 1 else {}
    tiers.update(dict.fromkeys(holders, 1))
    tiers.update(dict.fromkeys(_match_set(db, f"{{title}} : ({phrase})"), 0))
    return tiers, holders


def _ranked(db, expression, terms, ids, filtered, columns, needed, filtered_out):
    """Page ids in relevance order (at least ``needed`` of them), their scores (higher is better), and
    whether any of them holds the query as a phrase.

    Documents holding the words as typed (in the title first), then those with every word in the
    title, come before documents holding the words apart, at every result count; within a tier,
    BM25 (title weighted most). Up to RANK_LIMIT matches are all scored; a broader query scores its
    tiered documents and title matches (up to RANK_LIMIT of them), the others follow newest first:
    scoring tens of thousands of documents would cost more than the answer is worth.
    ``expression`` leaves out the compounds' parts: a phrase of very common parts (การ ลงทุน) costs
    BM25 a scan of the whole index, for the few documents matched only through a compound cut in
    two, which rank after the scored ones, newest first.
    """
    tiers, holders = _tiers(db, terms)
    wanted = set(filtered) if filtered_out else None
    broad = len(ids) > RANK_LIMIT
    sql = f"SELECT rowid, bm25(fts, {_WEIGHTS}) AS score FROM fts WHERE fts MATCH ?"
    if not broad:
        bm25 = dict(db.execute(sql, [expression])) if wanted is None else _scored_among(db, expression, wanted)
    else:
        tiered = [p for p in tiers if wanted is None or p in wanted]
        if len(tiered) <= RANK_LIMIT:
            if len(tiered) <= BY_ROWID:
                bm25 = dict(db.execute(sql + f" AND rowid IN ({','.join('?' * len(tiered))})", [expression, *tiered]))
            else:
                bm25 = _scored_among(db, expression, tiered)
        else:  # the phrase is everywhere: its best title matches
            title_sql, params = sql, [f"{{title}} : ({expression})"]
            if not filtered_out:
                title_sql, params = sql + " ORDER BY score LIMIT ?", params + [needed]
            bm25 = dict(db.execute(title_sql, params))
    candidates = bm25 if wanted is None else [p for p in bm25 if p in wanted]
    # scored documents by BM25, the others newest first, each within its tier
    ordered = sorted(candidates, key=lambda p: (tiers.get(p, 3), 0, bm25[p], p))
    if len(ordered) < needed or (broad and tiers):
        rest = [p for p in filtered if p not in bm25]
        order_key = columns.order_key
        ordered = heapq.nsmallest(
            needed, ordered + rest,
            key=lambda p: (tiers.get(p, 3), 0, bm25[p], p) if p in bm25 else (tiers.get(p, 3), 1, order_key[p], p),
        )
    found = bool(holders if wanted is None else holders & wanted)
    return ordered, {p: -score for p, score in bm25.items()}, found


def _scored_among(db, expression, page_ids):
    """BM25 of the documents of ``page_ids`` that match ``expression``, in one pass over the matches.

    A rowid-constrained MATCH runs once per rowid, and bm25() reads its words' whole doclists again each
    time (0.25-0.6 ms a rowid at 62k documents). Here the matches are read once, each probed in a temporary
    table of the wanted ids (the join's left side is the full-text scan: CROSS JOIN keeps that order), and
    bm25() is computed only for the rows the join keeps: a common word with a filter (fiscal year, agency)
    no longer scores its tens of thousands of other matches (70 ms → 9 ms for one word at 62k documents).
    """
    db.execute("DELETE FROM temp.scored")
    db.executemany("INSERT OR IGNORE INTO temp.scored (id) VALUES (?)", ((page,) for page in page_ids))
    try:
        return dict(db.execute(
            f"SELECT fts.rowid, bm25(fts, {_WEIGHTS}) FROM fts CROSS JOIN temp.scored AS scored "
            "ON scored.id = fts.rowid WHERE fts MATCH ?", [expression]))
    finally:
        db.execute("DELETE FROM temp.scored")


class _Columns:
    """Filter and facet values of every indexed document, in memory (a few MB per 100k).

    Precomputed per document, so that a search costs C-speed passes over its
    matching ids and a publish changes only the entries of the pages it wrote:
    ``order_key`` (newest issue date first, undated last, then highest id) sorts
    with no Python key function, and ``combo`` numbers each distinct (agency,
    page type, fiscal year, items) so that one ``Counter`` gives all four facets.
    """

    _ID_BITS = 40  # page ids below 2**40 (a trillion) keep the order key exact

    def __init__(self, agency, page_type, fiscal_year, issue_date, items, frequencies=None):
        self.agency, self.page_type, self.fiscal_year, self.issue_date = agency, page_type, fiscal_year, issue_date
        self.items = items  # page_id -> tuple of item keys, "2565:O22" (maybe empty)
        self.all_ids = list(agency)
        self._frequencies = {} if frequencies is None else frequencies
        self.combos, self._numbers, self._ordinals = [], {}, {}
        self.order_key, self.combo = {}, {}
        self._derive(self.all_ids)

    def _derive(self, page_ids):
        """``order_key`` and ``combo`` of ``page_ids`` from their column values."""
        agency, page_type, fiscal_year, issue_date, items = (
            self.agency, self.page_type, self.fiscal_year, self.issue_date, self.items)
        numbers, combos, ordinals = self._numbers, self.combos, self._ordinals
        for page_id in page_ids:
            date = issue_date[page_id]
            ordinal = ordinals.get(date)
            if ordinal is None:
                ordinal = ordinals[date] = _date_ordinal(date)
            self.order_key[page_id] = -((ordinal << self._ID_BITS) | page_id)
            key = (agency[page_id], page_type[page_id], fiscal_year[page_id], items[page_id])
            number = numbers.get(key)
            if number is None:
                number = numbers[key] = len(combos)
                combos.append(key)
            self.combo[page_id] = number

    @classmethod
    def load(cls, db, frequencies=None):
        agency, page_type, fiscal_year, issue_date, items = {}, {}, {}, {}, {}
        _read_rows(db, "", (), agency, page_type, fiscal_year, issue_date, items)
        return cls(agency, page_type, fiscal_year, issue_date, items, frequencies)

    def updated(self, db, page_ids):
        """A copy with the current rows of ``page_ids`` (written, or gone if deleted); self stays as it is,
        for searches still reading it."""
        fresh = object.__new__(type(self))
        fresh.agency, fresh.page_type, fresh.fiscal_year = dict(self.agency), dict(self.page_type), dict(self.fiscal_year)
        fresh.issue_date, fresh.items = dict(self.issue_date), dict(self.items)
        fresh.order_key, fresh.combo = dict(self.order_key), dict(self.combo)
        fresh.combos, fresh._numbers, fresh._ordinals = list(self.combos), dict(self._numbers), dict(self._ordinals)
        fresh._frequencies = self._frequencies
        for page_id in page_ids:
            for values in (fresh.agency, fresh.page_type, fresh.fiscal_year, fresh.issue_date, fresh.items,
                           fresh.order_key, fresh.combo):
                values.pop(page_id, None)
        for start in range(0, len(page_ids), 500):
            batch = list(page_ids[start : start + 500])
            marks = ",".join("?" * len(batch))
            found = _read_rows(db, f"WHERE page_id IN ({marks})", batch, fresh.agency, fresh.page_type,
                               fresh.fiscal_year, fresh.issue_date, fresh.items)
            fresh._derive(found)
        fresh.all_ids = list(fresh.agency)
        return fresh

    def document_frequency(self, db, term):
        """How many documents hold ``term`` (cached with these columns)."""
        folded = term.lower()
        if folded not in self._frequencies:
            if len(self._frequencies) > 50_000:
                self._frequencies.clear()
            row = db.execute("SELECT doc FROM temp.vocab WHERE term = ?", (folded,)).fetchone()
            self._frequencies[folded] = row[0] if row else 0
        return self._frequencies[folded]

    def select(self, ids, query):
        ids = list(filter(self.agency.__contains__, ids))
        if not query.has_filters():
            return ids
        if query.agency:
            wanted, values = set(query.agency), self.agency
            ids = [p for p in ids if values[p] in wanted]
        if query.page_type:
            wanted, values = set(query.page_type), self.page_type
            ids = [p for p in ids if values[p] in wanted]
        if query.fiscal_year:
            wanted, values = set(query.fiscal_year), self.fiscal_year
            ids = [p for p in ids if values[p] in wanted]
        if query.date_from or query.date_to:
            start = query.date_from.isoformat() if query.date_from else "0000"
            end = query.date_to.isoformat() if query.date_to else "9999"
            values = self.issue_date
            ids = [p for p in ids if values[p] is not None and start <= values[p] <= end]
        if query.item:
            keys, codes, values = set(query.item_keys), set(query.item_codes), self.items
            # a bare code stands for that code in every framework year: the keys that have it
            # (found among the distinct (agency, type, year, items) combinations, a short list)
            wanted = {key for combo in self.combos for key in combo[3]
                      if key in keys or key.rpartition(":")[2] in codes}
            ids = [p for p in ids if not wanted.isdisjoint(values[p])]
        return ids

    def facets(self, ids):
        agency, page_type, fiscal_year, item = Counter(), Counter(), Counter(), Counter()
        for number, n in Counter(map(self.combo.__getitem__, ids)).items():
            a, t, y, codes = self.combos[number]
            agency[a] += n
            page_type[t] += n
            fiscal_year[y] += n
            for code in codes:
                item[code] += n

        def ranked(counter):
            return sorted(((v, n) for v, n in counter.items() if v not in (None, "")), key=lambda pair: (-pair[1], pair[0]))

        return {"agency": ranked(agency), "item": ranked(item), "page_type": ranked(page_type),
                "fiscal_year": ranked(fiscal_year)}

    def newest_first(self, ids, limit=None):
        """``ids`` by issue date, newest first (then highest id); only the first ``limit`` when given."""
        if limit is not None and limit < len(ids):
            return heapq.nsmallest(limit, ids, key=self.order_key.__getitem__)
        return sorted(ids, key=self.order_key.__getitem__)


def _date_ordinal(text):
    """An ISO date's day number (0 for none), so that later dates sort first once negated."""
    if not text:
        return 0
    try:
        return datetime.date.fromisoformat(text).toordinal()
    except (TypeError, ValueError):
        return 0


def _read_rows(db, where, params, agency, page_type, fiscal_year, issue_date, items):
    """Read documents' column values (all, or those ``where`` selects) into the dicts; return their ids."""
    found = []
    for page_id, a, t, y, d in db.execute(
        f"SELECT page_id, agency, page_type, fiscal_year, issue_date FROM docs {where}", params
    ):
        agency[page_id], page_type[page_id], fiscal_year[page_id], issue_date[page_id] = a, t, y, d
        items[page_id] = ()
        found.append(page_id)
    for page_id, item in db.execute(f"SELECT page_id, item FROM doc_items {where} ORDER BY page_id, item", params):
        if page_id in items:
            items[page_id] += (item,)
    return found


def _changed_since(db, generation):
    """Pages written or deleted after ``generation``, or None when the log cannot tell (or they are many)."""
    since = db.execute("SELECT value FROM meta WHERE key = 'changes_since'").fetchone()
    if generation is None or since is None or int(since[0]) > generation:
        return None
    page_ids = [row[0] for row in db.execute(
        "SELECT DISTINCT page_id FROM changes WHERE generation > ? LIMIT ?", (generation, DELTA_LIMIT + 1))]
    return page_ids if len(page_ids) <= DELTA_LIMIT else None


def _hits(db, page_ids, scores):
    if not page_ids:
        return []
    marks = ",".join("?" * len(page_ids))
    rows = {
        row[0]: row
        for row in db.execute(
            "SELECT page_id, title, url_path, page_type, agency, fiscal_year, issue_date "
            f"FROM docs WHERE page_id IN ({marks})",
            page_ids,
        )
    }
    hits = []
    for page_id in page_ids:
        _, title, url_path, page_type, agency, fiscal_year, issue_date = rows[page_id]
        hits.append(SearchHit(
            page_id=page_id,
            title=title,
            url_path=url_path,
            page_type=page_type,
            agency=agency,
            issue_date=datetime.date.fromisoformat(issue_date) if issue_date else None,
            fiscal_year=fiscal_year,
            score=float(scores.get(page_id, 0.0)),
        ))
    return hits


def _bump_generation(db, page_ids=None):
    """Start a new generation of the index; log ``page_ids`` as changed by it (None: nothing is logged)."""
    generation = db.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', 1) "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)"
    ).fetchone()[0]
    if page_ids is None:
        return
    # The log is complete after the generation before the first one that wrote to it.
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('changes_since', ?)", (generation - 1,))
    db.executemany("INSERT INTO changes (generation, page_id) VALUES (?, ?)",
                   [(generation, page_id) for page_id in page_ids])
    if generation % 100 == 0:
        oldest = generation - CHANGES_KEPT
        db.execute("DELETE FROM changes WHERE generation <= ?", (oldest,))
        db.execute("UPDATE meta SET value = max(CAST(value AS INTEGER), ?) WHERE key = 'changes_since'", (oldest,))


def _forget_changes(db):
    """Readers cannot follow what happens next by the log: they reload everything (a clear, a rebuild)."""
    db.execute("DELETE FROM changes")
    db.execute("DELETE FROM meta WHERE key = 'changes_since'")


def _insert(db, analysed_documents, log=True):
    _bump_generation(db, [a.document.page_id for a in analysed_documents] if log else None)
    doc_rows, item_rows, content_rows = [], [], []
    for analysed in analysed_documents:
        d = analysed.document
        doc_rows.append((
            d.page_id, d.title, analysis.fold(analysis.normalise(d.title)), d.url_path, d.page_type, d.agency,
            d.fiscal_year, d.issue_date.isoformat() if d.issue_date else None, d.version,
        ))
        item_rows.extend((d.page_id, item) for item in dict.fromkeys(d.items))
        content_rows.append((d.page_id, analysed.title, analysed.summary, analysed.body, analysed.extra, analysed.parts))
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", doc_rows)
    db.executemany("INSERT INTO doc_items VALUES (?, ?)", item_rows)
    db.executemany("INSERT INTO content VALUES (?, ?, ?, ?, ?, ?)", content_rows)
    db.executemany(
        "INSERT INTO fts (rowid, title, summary, body, extra, parts) VALUES (?, ?, ?, ?, ?, ?)", content_rows
    )
    db.executemany("INSERT INTO titles (rowid, title_folded) VALUES (?, ?)", [(r[0], r[2]) for r in doc_rows])


def _delete(db, page_ids, log=True):
    _bump_generation(db, page_ids if log else None)
    for start in range(0, len(page_ids), 500):
        ids = page_ids[start : start + 500]
        marks = ",".join("?" * len(ids))
        db.execute(
            "INSERT INTO fts (fts, rowid, title, summary, body, extra, parts) "
            f"SELECT 'delete', page_id, title, summary, body, extra, parts FROM content WHERE page_id IN ({marks})",
            ids,
        )
        db.execute(
            "INSERT INTO titles (titles, rowid, title_folded) "
            f"SELECT 'delete', page_id, title_folded FROM docs WHERE page_id IN ({marks})",
            ids,
        )
        for table in ("content", "doc_items", "docs"):
            db.execute(f"DELETE FROM {table} WHERE page_id IN ({marks})", ids)


def _clear(db):
    _bump_generation(db)
    _forget_changes(db)
    for table in ("content", "doc_items", "docs"):
        db.execute(f"DELETE FROM {table}")
    db.execute("INSERT INTO fts (fts) VALUES ('delete-all')")
    db.execute("INSERT INTO titles (titles) VALUES ('delete-all')")


class _RebuildTarget:
    """A new index file next to the live one; swapped in by ``finish``."""

    def __init__(self, backend, resume):
        self.backend = backend
        self.path = backend.path + ".rebuild"
        if not resume:
            for suffix in ("", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path + suffix)
        self.db = backend._open(self.path)
        # A rebuild file is thrown away if the machine crashes: no fsync. Large
        # page cache; no incremental merging of FTS5 segments while loading
        # (each would be merged again later), one full merge ('optimize') at the end.
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute(f"PRAGMA cache_size = -{REBUILD_CACHE_KB}")
        self.db.execute("INSERT INTO fts (fts, rank) VALUES ('automerge', 0)")

    def last_page_id(self):
        row = self.db.execute("SELECT value FROM meta WHERE key = 'rebuild_last_page_id'").fetchone()
        return int(row[0]) if row else None

    def write(self, analysed_documents, last_page_id):
        with self.backend._transaction(self.db) as db:
            _delete(db, [a.document.page_id for a in analysed_documents], log=False)
            _insert(db, analysed_documents, log=False)
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_last_page_id', ?)", (str(last_page_id),)
            )

    def finish(self):
        db = self.db
        db.execute("DELETE FROM meta WHERE key = 'rebuild_last_page_id'")
        _forget_changes(db)  # a rebuild resumed over an older file may hold a log; readers reload a new file anyway
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('built_at', ?)", (str(time.time()),))
        db.execute("INSERT INTO fts (fts, rank) VALUES ('automerge', ?)", (FTS_AUTOMERGE,))  # back to the default
        db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        db.execute("INSERT INTO titles (titles) VALUES ('optimize')")
        db.close()
        os.replace(self.path, self.backend.path)
        self.backend.close()

    def abandon(self):
        self.db.close()
