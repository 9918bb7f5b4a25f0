"""Fast verification: the column-wise rendering equals the reference, and ranges (in processes too) agree."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from repository.audit.canonical import canonical_json
from repository.audit.chain import iter_entries, verify_chain
from repository.audit.merkle import leaf_hash
from repository.audit.triggers import drop_triggers
from repository.audit.verification import check_range, verify_log
from tests import factories

from .conftest import make_admin_user, make_editor, make_news

ROOT = Path(__file__).resolve().parents[2]


def write_history(tree):
    """Entries of many kinds: pages created, drafts, publications, a rename, a deletion, role groups."""
    admin_user, editor = make_admin_user(), make_editor()
    pages = []
    for index in range(4):
        page = make_news(tree["item_page" if index % 2 else "other_item_page"], admin_user,
                         title=f"ข่าว \"ที่\" {index}\\", body="<p>เนื้อหา\nข่าว\t</p>", slug=f"news-{index}")
        pages.append(page)
    draft = make_news(tree["item_page"], editor, title="ร่าง", body="<p>ร่าง</p>", slug="draft", publish=False)
    pages[0].title = "ชื่อใหม่"
    factories.publish(pages[0], admin_user, log_action=True)
    pages[1].unpublish(user=admin_user)
    draft.delete(user=admin_user)


def test_the_checker_hashes_the_reference_payloads(history):
    """One checker: the payload built by chain.build_payload, serialised by canonical_json, hashed twice
    (the seal, and the Merkle leaf)."""
    last = history[-1].sequence
    reference = [canonical_json(payload) for _, payload, _ in iter_entries()]
    assert len(reference) == last > 30
    result = check_range("default", 0, last)
    assert result.bad is None and result.last_seal == history[-1].seal
    assert result.leaves == b"".join(leaf_hash(entry) for entry in reference) == result.stored_leaves


def _verify(**ranges):
    state = verify_log(**ranges)
    problem = state.problem
    return (problem is None, problem and problem.sequence, problem and problem.reason, state.count, state.head,
            state.workers)


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


TAMPERS = {
    "contents": "UPDATE audit_auditrecord SET object_repr = 'แก้' WHERE sequence = %s",
    "link": "UPDATE audit_auditrecord SET previous_seal = seal WHERE sequence = %s",
    "version data": "UPDATE reversion_version SET serialized_data = REPLACE(serialized_data, 'ข่าว', 'ขาว') "
                    "WHERE revision_id = (SELECT revision_id FROM audit_auditrecord WHERE sequence = %s)",
    "live flag flipped": "UPDATE audit_auditrecord SET live = CASE WHEN live THEN false ELSE true END "
                         "WHERE sequence = %s",
    # SQLite keeps any value in any column (PostgreSQL refuses these): Django reads a live flag of 2 as false,
    # and a page id of text as text.
    "live flag as 2": "UPDATE audit_auditrecord SET live = 2 WHERE sequence = %s",
    "page id as text": "UPDATE audit_auditrecord SET page_id = 'p' || page_id WHERE sequence = %s",
    "gap": "DELETE FROM audit_auditrecord WHERE sequence = %s",
    # Columns with few distinct values, whose JSON the fast check memoises by value.
    "action swapped for another": "UPDATE audit_auditrecord SET action = CASE WHEN action = 'publish' "
                                  "THEN 'edit' ELSE 'publish' END WHERE sequence = %s",
    "version format": "UPDATE reversion_version SET format = 'yaml' "
                      "WHERE revision_id = (SELECT revision_id FROM audit_auditrecord WHERE sequence = %s)",
    "extra replaced": """UPDATE audit_auditrecord SET extra = '{"parent_id":1}' WHERE sequence = %s""",
    # JSON that runs on into the payload's next key, as if to be pasted in as stored (past Django's JSON_VALID
    # check constraint, which anyone who can write to the file can switch off).
    "extra spilling over": """UPDATE audit_auditrecord SET extra = extra || ',"item_codes":[]' WHERE sequence = %s""",
}
SQLITE_ONLY = ("live flag as 2", "page id as text", "extra spilling over")


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_ranges_find_the_same_first_bad_entry_wherever_the_boundaries_fall(history, tamper):
    news = [r for r in history if r.object_model == "repository.newspage"]
    victims = [news[4].sequence, news[9].sequence]
    if tamper in SQLITE_ONLY:
        if connection.vendor != "sqlite":
            pytest.skip("PostgreSQL columns hold only their own type")
        if tamper == "live flag as 2":
            victims = [r.sequence for r in news if r.live][:2]
    drop_triggers(connection)
    if tamper == "extra spilling over":
        _raw("PRAGMA ignore_check_constraints = 1")
    try:
        for victim in victims:
            _raw(TAMPERS[tamper], [victim])
    finally:
        if connection.vendor == "sqlite":
            _raw("PRAGMA ignore_check_constraints = 0")
    whole = _verify(range_size=10**6)
    assert not whole[0] and whole[1] == victims[0], whole[2]
    for range_size in (1, 2, 3, victims[0] - 1, victims[0], 7):
        assert _verify(range_size=range_size, workers=1) == whole, range_size
    result = verify_chain()
    assert result.first_bad == victims[0] and result.reason == whole[2]


def test_a_broken_link_exactly_at_a_range_boundary(history):
    victim = history[10]
    drop_triggers(connection)
    # Swap in a consistent-looking but unlinked entry: its own seal recomputed would not help the attacker,
    # since the link is checked against the previous entry's stored seal across the boundary.
    _raw("UPDATE audit_auditrecord SET previous_seal = %s WHERE sequence = %s", ["f" * 64, victim.sequence])
    for range_size in (victim.sequence - 1, 5):
        ok, first_bad, reason, count, head, _ = _verify(range_size=range_size, workers=1)
        assert first_bad == victim.sequence and "previous seal does not match" in reason
        assert count == victim.sequence - 1 and head == history[9].seal


@pytest.mark.skipif(connection.vendor != "sqlite", reason="copies the SQLite test database to a file")
@pytest.mark.parametrize("tampered", [False, True])
def test_worker_processes_verify_a_copy_of_the_database(history, tmp_path, tampered):
    """Real processes (fork, each with its own connection) over ranges of a file database."""
    if tampered:
        drop_triggers(connection)
        _raw("UPDATE audit_auditrecord SET user_name = 'คนอื่น' WHERE sequence = %s", [history[-5].sequence])
    expected = verify_chain()
    copy = tmp_path / "copy.sqlite3"
    target = sqlite3.connect(copy)
    # The tables verification reads (the backup API would wait for the test's open transaction).
    with connection.cursor() as cursor:
        for table in ("django_content_type", "reversion_revision", "reversion_version", "audit_auditrecord",
                      "audit_chainhead", "audit_treenode"):
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            target.execute(cursor.fetchone()[0])
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            rows = cursor.fetchall()
            if rows:
                target.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)
    target.commit()
    target.close()
    script = (
        "import django, json; django.setup()\n"
        "from repository.audit.verification import verify_log\n"
        "o = verify_log(workers=2, range_size=4, parallel_min=0)\n"
        "p = o.problem\n"
        "print(json.dumps([p is None, o.count, o.head, p and p.sequence, p.reason if p else '', o.workers]))\n"
    )
    env = {"DATABASE_URL": f"sqlite:///{copy}", "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "PATH": "/usr/bin:/bin", "PYTHAINLP_OFFLINE": "1", "PYTHAINLP_READ_ONLY": "1"}
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    import json

    ok, count, head, first_bad, reason, workers = json.loads(run.stdout.strip().splitlines()[-1])
    assert workers == 2
    assert (ok, count, head, first_bad, reason) == (expected.ok, expected.count, expected.head, expected.first_bad,
                                                    expected.reason)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps jsonb, not the text written")
def test_extra_is_stored_as_its_canonical_text(history):
    with connection.cursor() as cursor:
        cursor.execute("SELECT sequence, extra FROM audit_auditrecord ORDER BY sequence")
        stored = dict(cursor.fetchall())
    assert any(len(text) > 200 for text in stored.values())
    for record in history:
        assert stored[record.sequence].encode("utf-8") == canonical_json(record.extra)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps jsonb, not the text written")
def test_records_written_before_extra_was_canonical_still_verify(history):
    """Records from before 27 Nov 2026 hold ``extra`` as ``json.dumps`` wrote it (spaces, keys unsorted):
    the same values, so they verify (the checker parses ``extra``)."""
    import json

    last = history[-1].sequence
    older = history[: len(history) // 2]
    drop_triggers(connection)
    for record in older:
        value = dict(reversed(list(record.extra.items())))
        _raw("UPDATE audit_auditrecord SET extra = %s WHERE sequence = %s", [json.dumps(value), record.sequence])
    with connection.cursor() as cursor:
        cursor.execute("SELECT extra FROM audit_auditrecord WHERE sequence = %s", [older[-1].sequence])
        assert ": " in cursor.fetchone()[0]
    result = check_range("default", 0, last)
    assert result.bad is None and result.last_seal == history[-1].seal
    assert verify_chain().ok
