"""Tamper evidence: triggers refuse rewrites; direct edits and deletions are found at the right entry."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from repository.audit import canonical
from repository.audit.chain import head_seal, verify_chain
from repository.audit.models import AuditRecord
from repository.audit.triggers import drop_triggers
from tests import factories

from .conftest import make_admin_user, make_news

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_archive.py"


def write_history(tree):
    """Written once for the module, with the audit tree (conftest.py ``shared_audit_tree``)."""
    admin_user = make_admin_user()
    for index in range(3):
        page = make_news(tree["item_page"], admin_user, title=f"ข่าวที่ {index}", body="<p>เนื้อหาข่าว</p>",
                         slug=f"news-{index}")
        page.summary = "ปรับปรุงสรุป"
        factories.publish(page, admin_user)


def _news(history):
    """The entries about the news pages (others, e.g. role groups' permissions, come first)."""
    return [record for record in history if record.object_model == "repository.newspage"]


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_archive(tmp_path):
    return subprocess.run([sys.executable, str(VERIFIER), str(tmp_path / "archive")], capture_output=True, text=True)


def _export(tmp_path):
    call_command("audit", "export", "--output", str(tmp_path / "archive"))


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditrecord SET action = 'x' WHERE sequence = 2",
    "DELETE FROM audit_auditrecord WHERE sequence = 2",
    "UPDATE reversion_version SET serialized_data = '[]'",
    "DELETE FROM reversion_version",
    "UPDATE reversion_revision SET comment = 'rewritten'",
    "DELETE FROM reversion_revision",
])
def test_triggers_refuse_update_and_delete(history, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            _raw(sql)
    assert verify_chain().ok


def test_deleting_a_user_keeps_the_chain_valid(history, editor, tree):
    make_news(tree["item_page"], editor, title="ร่างของบรรณาธิการ", body="<p>ร่าง</p>", slug="draft", publish=False)
    record = AuditRecord.objects.filter(user_id_snapshot=editor.pk).last()
    editor.delete()  # reversion's Revision.user is SET_NULL: the one UPDATE the triggers allow
    record.refresh_from_db()
    assert record.revision.user_id is None and record.user_name == "สมชาย ใจดี"
    assert verify_chain().ok


def test_verify_reports_ok_with_count_and_head(history, tmp_path, capsys):
    call_command("audit", "verify")
    head = head_seal()
    assert f"OK {head['count']} entries, head seal {head['seal']}" in capsys.readouterr().out
    _export(tmp_path)
    result = _verify_archive(tmp_path)
    assert result.returncode == 0 and result.stdout.startswith(f"OK {head['count']} {head['seal']} ")
    manifest = json.loads((tmp_path / "archive" / "manifest.json").read_text())
    assert manifest["head_seal"] == head["seal"] and manifest["count"] == len(history)


@pytest.mark.parametrize("target", ["version", "comment", "time", "record"])
def test_editing_a_sealed_field_is_detected_at_that_entry(history, tmp_path, target):
    victim = _news(history)[4]
    drop_triggers(connection)  # as an attacker with database access would
    if target == "version":
        _raw("UPDATE reversion_version SET serialized_data = REPLACE(serialized_data, 'ข่าว', 'ขาว') "
             "WHERE revision_id = %s", [victim.revision_id])
    elif target == "comment":
        _raw("UPDATE reversion_revision SET comment = 'แก้ย้อนหลัง' WHERE id = %s", [victim.revision_id])
    elif target == "time":
        _raw("UPDATE reversion_revision SET date_created = %s WHERE id = %s",
             [victim.at.replace(year=2020), victim.revision_id])
    else:
        _raw("UPDATE audit_auditrecord SET user_name = 'คนอื่น' WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert not result.ok and result.first_bad == victim.sequence
    assert "do not match its seal" in result.reason
    with pytest.raises(CommandError, match=f"FAILED at entry {victim.sequence}"):
        call_command("audit", "verify")
    _export(tmp_path)
    archive = _verify_archive(tmp_path)
    assert archive.returncode == 1 and f"entry {victim.sequence}:" in archive.stdout


def test_deleting_rows_is_detected(history, tmp_path):
    victim = _news(history)[3]
    drop_triggers(connection)
    _raw("DELETE FROM reversion_version WHERE revision_id = %s AND content_type_id IN "
         "(SELECT id FROM django_content_type WHERE model = 'page')", [victim.revision_id])
    result = verify_chain()
    assert not result.ok and result.first_bad == victim.sequence

    _raw("DELETE FROM audit_auditrecord WHERE id = %s", [_news(history)[6].pk])
    result = verify_chain()
    assert result.first_bad == victim.sequence  # still the first bad one


def test_deleting_a_whole_entry_is_detected_as_a_gap(history, tmp_path):
    victim = history[5]
    drop_triggers(connection)
    _raw("DELETE FROM audit_auditrecord WHERE id = %s", [victim.pk])
    result = verify_chain()
    assert not result.ok and result.first_bad == victim.sequence and "missing" in result.reason
    _export(tmp_path)
    archive = _verify_archive(tmp_path)
    assert archive.returncode == 1 and f"entry {victim.sequence} is missing" in archive.stdout


def test_truncating_the_tail_is_detected(history):
    drop_triggers(connection)
    last = history[-1]
    _raw("DELETE FROM audit_auditrecord WHERE id = %s", [last.pk])
    result = verify_chain()
    assert not result.ok and result.first_bad == last.sequence and "deleted" in result.reason


def test_archive_edited_after_export_is_detected(history, tmp_path):
    _export(tmp_path)
    entries = tmp_path / "archive" / "entries.ndjson"
    lines = entries.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[2])
    entry["payload"]["comment_added_later"] = "x"
    lines[2] = json.dumps(entry, ensure_ascii=False)
    entries.write_text("\n".join(lines) + "\n", encoding="utf-8")
    archive = _verify_archive(tmp_path)
    assert archive.returncode == 1 and "entry 3:" in archive.stdout


def test_archive_data_edited_after_export_is_detected(history, tmp_path):
    _export(tmp_path)
    entries = tmp_path / "archive" / "entries.ndjson"
    lines = entries.read_text(encoding="utf-8").splitlines()
    index, entry, version_id = next(
        (index, entry, version_id)
        for index, entry in ((i, json.loads(line)) for i, line in enumerate(lines) if i >= 8)
        for version_id, text in entry["data"].items() if "ข่าว" in text
    )
    entry["data"][version_id] = entry["data"][version_id].replace("ข่าว", "ขาว")
    lines[index] = json.dumps(entry, ensure_ascii=False)
    entries.write_text("\n".join(lines) + "\n", encoding="utf-8")
    archive = _verify_archive(tmp_path)
    sequence = entry["payload"]["sequence"]
    assert archive.returncode == 1 and f"entry {sequence}: version {version_id} data does not match" in archive.stdout


def test_standalone_verifier_uses_the_same_canonicalisation():
    spec = {}
    exec(compile(VERIFIER.read_text(), str(VERIFIER), "exec"), spec)  # noqa: S102 - our own file
    samples = [
        {"b": [1, 2, {"z": None, "a": True}], "a": "ประกาศจังหวัดอุทัยธานี ๒๒๔/๒๕๖๑", "c": "\"quoted\"\n"},
        {"sequence": 1, "previous_seal": canonical.GENESIS_SEAL, "versions": []},
    ]
    for sample in samples:
        assert spec["canonical_json"](sample) == canonical.canonical_json(sample)
        assert spec["compute_seal"](sample) == canonical.compute_seal(sample)
    assert spec["GENESIS_SEAL"] == canonical.GENESIS_SEAL
    assert "ประกาศ".encode() in canonical.canonical_json(samples[0])
    text = '[{"model": "repository.newspage", "fields": {"title": "ข่าว ๒๕๖๘"}}]'
    assert canonical.data_digest(text) == canonical.data_digest(text.encode()) == \
        __import__("hashlib").sha256(text.encode("utf-8")).hexdigest()
    assert canonical.canonical_time_from_sqlite("2025-03-01 02:00:00") == "2025-03-01T02:00:00.000000Z"
    assert canonical.canonical_time_from_sqlite("2025-03-01 02:00:00.5") == "2025-03-01T02:00:00.500000Z"


def test_a_revision_slipped_in_without_a_seal_is_reported(history):
    _raw("INSERT INTO reversion_revision (date_created, comment) VALUES (%s, %s)",
         [history[0].at, "แทรกย้อนหลัง"])
    result = verify_chain()
    assert not result.ok and "is not sealed into the chain" in result.reason


def test_stored_extra_text_is_used_as_it_is_only_when_canonical():
    """Verification puts the stored canonical ``extra`` text into the payload without parsing it
    (``canonical.CanonicalText``): the bytes are those of the parsed value, and other text gives other bytes."""
    extra = {"log": {"label": "ประกาศผลการจัดซื้อ", "data": {"reason": 'อ้าง "extra":"x"', "n": [1, None]}},
             "draft": {"title": "ร่าง\u0000", "body": "<p>เนื้อหา</p>"}}
    payload = {"action": "wagtail.edit", "agency": {"code": "uthai-thani", "id": 1}, "extra": extra, "v": 1}
    text = canonical.canonical_json(extra).decode()
    assert canonical.canonical_json({**payload, "extra": canonical.CanonicalText(text)}) == \
        canonical.canonical_json(payload)
    spaced = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    assert canonical.canonical_json({**payload, "extra": canonical.CanonicalText(spaced)}) != \
        canonical.canonical_json(payload)


@pytest.mark.parametrize("rewrite, caught", [
    ("replace", True),  # a word of the recorded facts changed
    ("respaced", False),  # the same value written as other JSON text: the verdict is the parsed value's
])
def test_stored_extra_rewritten_in_the_database(history, rewrite, caught):
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL extra is jsonb: the database keeps no text of its own to rewrite")
    victim = _news(history)[3]
    drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT extra FROM audit_auditrecord WHERE id = %s", [victim.pk])
        (text,) = cursor.fetchone()
    assert text == canonical.canonical_json(json.loads(text)).decode()  # stored canonical, as written
    rewritten = {"replace": text.replace("ข่าว", "ขาว"),
                 "respaced": json.dumps(json.loads(text), ensure_ascii=False, indent=1)}[rewrite]
    assert rewritten != text
    _raw("UPDATE audit_auditrecord SET extra = %s WHERE id = %s", [rewritten, victim.pk])
    result = verify_chain()
    if caught:
        assert not result.ok and result.first_bad == victim.sequence and "do not match its seal" in result.reason
    else:
        assert result.ok, result.reason
