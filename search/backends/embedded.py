"""The embedded engine: SQLite FTS5 in a file of its own, no server.

It lives in ``settings.SEARCH["EMBEDDED_PATH"]`` whatever the main database
is (SQLite or PostgreSQL). Layout of the file:

* ``docs``: one row per page with the filter/facet columns and the folded title.
* ``doc_items``: (page_id, item code) for the item filter and facet.
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
import os
import sqlite3
import threading
import time

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


def term_expression(term):
    """One query word as FTS5: its digit variants, and its parts as a phrase.

    ``๒๒๔/๒๕๖๑`` matches ``224/2561`` and the reverse; a compound typed whole
    (จัดซื้อจัดจ้าง) also matches a text where the segmenter cut it in two.
    """
    variants = [term]
    for variant in (to_arabic_digits(term), to_thai_digits(term)):
        if variant not in variants:
            variants.append(variant)
    parts = analysis.word_parts(term)
    if parts and len(parts) > 1:
        variants.append(" ".join(parts))
    strings = [fts_string(v) for v in variants]
    return strings[0] if len(strings) == 1 else "(" + " OR ".join(strings) + ")"


def match_expression(terms, operator="AND"):
    return f" {operator} ".join(term_expression(term) for term in terms)


class EmbeddedBackend(SearchBackend):
    name = "embedded"

    def __init__(self, config):
        super().__init__(config)
        self.path = str(config.get("EMBEDDED_PATH") or "search.sqlite3")
        self._local = threading.local()

    # --- connections ----------------------------------------------------

    def _open(self, path):
        directory = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(directory, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False)
            connection.executescript(SCHEMA)
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
        if query.text and not terms:
            return SearchResults(0, [], {name: [] for name in _FACETS}, query.page, query.per_page)
        where, params = _filters(query)
        db.execute("DROP TABLE IF EXISTS temp.matched")
        if terms:
            weights = ", ".join(str(w) for w in WEIGHTS)
            select = (
                "CREATE TEMP TABLE matched AS SELECT d.page_id, d.title, d.url_path, d.page_type, d.agency, "
                f"d.fiscal_year, d.issue_date, bm25(fts, {weights}) AS score, 0 AS phrase "
                "FROM fts JOIN docs d ON d.page_id = fts.rowid WHERE fts MATCH ?"
            )
            sql = select + "".join(f" AND {clause}" for clause in where)
            db.execute(sql, [match_expression(terms)] + params)
            total = db.execute("SELECT count(*) FROM temp.matched").fetchone()[0]
            if total == 0 and len(terms) > 1:
                # No document has every word: rank those with any of them.
                db.execute("DROP TABLE temp.matched")
                db.execute(sql, [match_expression(terms, "OR")] + params)
                total = db.execute("SELECT count(*) FROM temp.matched").fetchone()[0]
            if total and len(terms) > 1:
                # The words next to each other, as typed, rank first.
                db.execute(
                    "UPDATE temp.matched SET phrase = 1 WHERE page_id IN (SELECT rowid FROM fts WHERE fts MATCH ?)",
                    (fts_string(" ".join(terms)),),
                )
        else:
            sql = (
                "CREATE TEMP TABLE matched AS SELECT d.page_id, d.title, d.url_path, d.page_type, d.agency, "
                "d.fiscal_year, d.issue_date, 0.0 AS score, 0 AS phrase FROM docs d"
            )
            if where:
                sql += " WHERE " + " AND ".join(where)
            db.execute(sql, params)
            total = db.execute("SELECT count(*) FROM temp.matched").fetchone()[0]
        if query.sort == "date" or not terms:
            order = "issue_date IS NULL, issue_date DESC, page_id DESC"
        else:
            order = "phrase DESC, score, page_id"
        rows = db.execute(
            f"SELECT page_id, title, url_path, page_type, agency, fiscal_year, issue_date, score "
            f"FROM temp.matched ORDER BY {order} LIMIT ? OFFSET ?",
            (query.per_page, query.offset),
        ).fetchall()
        facets = _facets(db)
        db.execute("DROP TABLE temp.matched")
        hits = [_hit(row) for row in rows]
        if terms and hits:
            self._highlight(db, hits, terms)
        return SearchResults(total=total, hits=hits, facets=facets, page=query.page, per_page=query.per_page)

    def _highlight(self, db, hits, terms):
        ids = [hit.page_id for hit in hits]
        placeholders = ",".join("?" * len(ids))
        fields = {
            row[0]: {"title": row[1], "summary": row[2], "body": row[3]}
            for row in db.execute(
                f"SELECT page_id, title, summary, body FROM content WHERE page_id IN ({placeholders})", ids
            )
        }
        for hit in hits:
            hit.highlights = highlight.highlights_for(fields.get(hit.page_id, {}), terms)

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


def _filters(query):
    where, params = [], []

    def within(column, values):
        where.append(f"{column} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if query.agency:
        within("d.agency", query.agency)
    if query.page_type:
        within("d.page_type", query.page_type)
    if query.fiscal_year:
        within("d.fiscal_year", query.fiscal_year)
    if query.date_from:
        where.append("d.issue_date >= ?")
        params.append(query.date_from.isoformat())
    if query.date_to:
        where.append("d.issue_date <= ?")
        params.append(query.date_to.isoformat())
    if query.item:
        where.append(
            f"EXISTS (SELECT 1 FROM doc_items i WHERE i.page_id = d.page_id AND i.item IN ({','.join('?' * len(query.item))}))"
        )
        params.extend(query.item)
    return where, params


def _facets(db):
    facets = {}
    for name, column in (("agency", "agency"), ("page_type", "page_type"), ("fiscal_year", "fiscal_year")):
        facets[name] = [
            (value, count)
            for value, count in db.execute(
                f"SELECT {column}, count(*) AS n FROM temp.matched WHERE {column} IS NOT NULL AND {column} != '' "
                f"GROUP BY {column} ORDER BY n DESC, {column}"
            )
        ]
    facets["item"] = [
        (value, count)
        for value, count in db.execute(
            "SELECT i.item, count(*) AS n FROM temp.matched m JOIN doc_items i ON i.page_id = m.page_id "
            "GROUP BY i.item ORDER BY n DESC, i.item"
        )
    ]
    return facets


def _hit(row):
    import datetime

    page_id, title, url_path, page_type, agency, fiscal_year, issue_date, score = row
    return SearchHit(
        page_id=page_id,
        title=title,
        url_path=url_path,
        page_type=page_type,
        agency=agency,
        issue_date=datetime.date.fromisoformat(issue_date) if issue_date else None,
        fiscal_year=fiscal_year,
        score=-float(score or 0.0),  # bm25() is lower for better; hits carry higher = better
    )


def _insert(db, analysed_documents):
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


def _delete(db, page_ids):
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
        self.db.execute("PRAGMA synchronous = OFF")

    def last_page_id(self):
        row = self.db.execute("SELECT value FROM meta WHERE key = 'rebuild_last_page_id'").fetchone()
        return int(row[0]) if row else None

    def write(self, analysed_documents, last_page_id):
        with self.backend._transaction(self.db) as db:
            _delete(db, [a.document.page_id for a in analysed_documents])
            _insert(db, analysed_documents)
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('rebuild_last_page_id', ?)", (str(last_page_id),)
            )

    def finish(self):
        db = self.db
        db.execute("DELETE FROM meta WHERE key = 'rebuild_last_page_id'")
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('built_at', ?)", (str(time.time()),))
        db.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        db.execute("INSERT INTO titles (titles) VALUES ('optimize')")
        db.close()
        os.replace(self.path, self.backend.path)
        self.backend.close()

    def abandon(self):
        self.db.close()
