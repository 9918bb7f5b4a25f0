"""The transparency log: RFC 9162 proofs, signed checkpoints, and the two attacks of issue 13.

The proofs are checked by an implementation of RFC 9162's verification algorithms written here from
the RFC's pseudo-code (§2.1.3.2, §2.1.4.2), independent of ``repository/audit/merkle.py``.
"""

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from repository.audit import checkpoints as signing
from repository.audit import merkle
from repository.audit.canonical import canonical_json, compute_seal
from repository.audit.chain import iter_entries, verify_chain
from repository.audit.models import AuditRecord, ChainHead, Checkpoint, TreeNode
from repository.audit.stored_tree import StoredTree
from repository.audit.triggers import drop_triggers
from security import public_url
from tests import factories

from .conftest import make_admin_user, make_editor, make_news

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_archive.py"


# RFC 9162, written from the pseudo-code --------------------------------------------------------------------------

def _h(data):
    return hashlib.sha256(data).digest()


def rfc_mth(leaves_input):
    """MTH(D[n]) of §2.1.1, recursively, from the leaves' inputs."""
    n = len(leaves_input)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + leaves_input[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return _h(b"\x01" + rfc_mth(leaves_input[:k]) + rfc_mth(leaves_input[k:]))


def rfc_verify_inclusion(leaf_index, tree_size, leaf_hash, inclusion_path, root_hash):
    """§2.1.3.2."""
    if leaf_index >= tree_size:
        return False
    fn, sn, r = leaf_index, tree_size - 1, leaf_hash
    for p in inclusion_path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _h(b"\x01" + p + r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _h(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def rfc_verify_consistency(first, second, first_hash, second_hash, consistency_path):
    """§2.1.4.2."""
    if first == second:
        return consistency_path == [] and first_hash == second_hash
    if not consistency_path:
        return False
    path = list(consistency_path)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _h(b"\x01" + c + fr)
            sr = _h(b"\x01" + c + sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _h(b"\x01" + sr + c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


# The tree's arithmetic, against the RFC --------------------------------------------------------------------------

def _store(inputs):
    """Every complete subtree's hash, as appending builds them (what TreeNode rows hold)."""
    tree, nodes = merkle.CompactRange(), {}
    for index, data in enumerate(inputs):
        leaf = merkle.leaf_hash(data)
        nodes[(0, index)] = leaf
        for level, i, digest in tree.append(leaf):
            nodes[(level, i)] = digest
    return nodes


def _range_hash(nodes, lo, hi):
    return merkle.fold([nodes[node] for node in merkle.range_nodes(lo, hi)])


def test_roots_and_proofs_agree_with_rfc_9162_for_every_size_up_to_70():
    inputs = [f"entry {i}".encode() for i in range(70)]
    nodes = _store(inputs)
    for n in range(0, 71):
        root = merkle.root_of([merkle.leaf_hash(d) for d in inputs[:n]])
        assert root == rfc_mth(inputs[:n])
        if n:
            assert _range_hash(nodes, 0, n) == root
        for m in range(n):
            proof = [_range_hash(nodes, lo, hi) for lo, hi in merkle.inclusion_ranges(m, n)]
            assert rfc_verify_inclusion(m, n, merkle.leaf_hash(inputs[m]), proof, root), (m, n)
        for m in range(1, n + 1):
            proof = [_range_hash(nodes, lo, hi) for lo, hi in merkle.consistency_ranges(m, n)]
            assert rfc_verify_consistency(m, n, rfc_mth(inputs[:m]), root, proof), (m, n)


def test_the_independent_verifier_rejects_wrong_proofs():
    inputs = [f"entry {i}".encode() for i in range(13)]
    nodes = _store(inputs)
    root = rfc_mth(inputs)
    proof = [_range_hash(nodes, lo, hi) for lo, hi in merkle.inclusion_ranges(5, 13)]
    assert rfc_verify_inclusion(5, 13, merkle.leaf_hash(inputs[5]), proof, root)
    assert not rfc_verify_inclusion(5, 13, merkle.leaf_hash(b"other"), proof, root)
    assert not rfc_verify_inclusion(6, 13, merkle.leaf_hash(inputs[5]), proof, root)
    assert not rfc_verify_inclusion(5, 13, merkle.leaf_hash(inputs[5]), proof[:-1], root)
    consistency = [_range_hash(nodes, lo, hi) for lo, hi in merkle.consistency_ranges(6, 13)]
    assert rfc_verify_consistency(6, 13, rfc_mth(inputs[:6]), root, consistency)
    assert not rfc_verify_consistency(6, 13, rfc_mth(inputs[:5]), root, consistency)
    assert not rfc_verify_consistency(6, 13, rfc_mth(inputs[:6]), root, consistency[::-1])


def test_proofs_stay_logarithmic_at_a_million_entries():
    n = 1_000_000
    for m in (0, 1, 499_999, 999_999):
        assert len(merkle.inclusion_ranges(m, n)) <= 20
        assert sum(len(merkle.range_nodes(lo, hi)) for lo, hi in merkle.inclusion_ranges(m, n)) <= 20 * 20
    for m in (1, 3, 524_288, 999_999):
        assert len(merkle.consistency_ranges(m, n)) <= 2 * 20


# The log, on real history ----------------------------------------------------------------------------------------

@pytest.fixture
def log_key(settings, tmp_path):
    key = signing.SigningKey.generate("ita.example.go.th")
    settings.AUDIT_LOG = {"ORIGIN": "ita.example.go.th/audit", "SIGNING_KEY": str(key),
                          "SIGNING_KEY_FILE": str(tmp_path / "absent.key"), "WITNESS_KEYS": []}
    return key


def write_history(tree):
    """Written once for the module, with the audit tree (conftest.py ``shared_audit_tree``)."""
    admin_user, editor = make_admin_user(), make_editor()
    for index in range(4):
        page = make_news(tree["item_page"], editor, title=f"ข่าวที่ {index}", body="<p>เนื้อหาข่าว</p>",
                         slug=f"news-{index}", publish=False)
        factories.publish(page, admin_user, log_action=True)


def _inputs():
    return [canonical_json(payload) for _, payload, _ in iter_entries()]


def test_the_stored_tree_gives_rfc_9162_proofs_of_the_entries(history):
    inputs = _inputs()
    n = len(inputs)
    assert n == len(history) > 20
    tree = StoredTree()
    assert tree.size() == n and tree.root(n) == rfc_mth(inputs)
    for m in random.Random(13).sample(range(n), 10) + [0, n - 1]:
        size = random.Random(m).randint(m + 1, n)
        assert rfc_verify_inclusion(m, size, merkle.leaf_hash(inputs[m]), tree.inclusion_proof(m, size),
                                    rfc_mth(inputs[:size]))
    for first, second in [(1, n), (7, n), (16, n - 1), (n, n)]:
        assert rfc_verify_consistency(first, second, rfc_mth(inputs[:first]), rfc_mth(inputs[:second]),
                                      tree.consistency_proof(first, second))


def test_a_checkpoint_is_a_signed_c2sp_note_that_verifies(history, log_key):
    checkpoint = signing.make_checkpoint()
    origin, size, root, blank, signature, end = checkpoint.note.split("\n")
    assert (origin, int(size), blank, end) == ("ita.example.go.th/audit", len(history), "", "")
    assert root == __import__("base64").b64encode(rfc_mth(_inputs())).decode()
    assert signature.startswith("\u2014 ita.example.go.th ")
    parsed = signing.verify_checkpoint(checkpoint.note)
    assert parsed.size == len(history) and parsed.root_hex == checkpoint.root_hash
    assert signing.make_checkpoint().pk == checkpoint.pk  # nothing appended: the same checkpoint


def test_signature_failures_wrong_key_and_altered_text(history, log_key, tmp_path):
    note = signing.make_checkpoint().note
    other = signing.SigningKey.generate("ita.example.go.th")
    with pytest.raises(signing.CheckpointError, match="no valid signature"):
        signing.verify_checkpoint(note, other.verifier)
    forged = signing.sign_note(note.split("\n\n")[0] + "\n", other)
    altered = note.replace(f"\n{len(history)}\n", f"\n{len(history) - 1}\n")
    for bad in (forged, altered):
        path = tmp_path / "bad.checkpoint"
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(CommandError, match="given checkpoint 1 does not verify"):
            call_command("audit", "verify", "--checkpoint", str(path))


def test_a_witness_cosigns_and_a_forged_cosignature_fails(history, log_key, tmp_path, capsys):
    signing.make_checkpoint()
    witness = signing.SigningKey.generate("auditor.example.go.th")
    key_file = tmp_path / "witness.key"
    key_file.write_text(str(witness), encoding="utf-8")
    call_command("audit", "cosign", "--key-file", str(key_file))
    stored = Checkpoint.objects.get().cosignatures.get()
    assert signing.verify_cosignature(stored.checkpoint.note, stored.line, witness.verifier) > 0
    with pytest.raises(signing.CheckpointError):
        signing.verify_cosignature(stored.checkpoint.note.replace("/audit", "/other"), stored.line, witness.verifier)
    assert capsys.readouterr().out.count("\u2014 ") == 2


def test_keygen_writes_a_private_file(tmp_path, capsys, db):
    call_command("audit", "keygen", "ita.example.go.th", "--output", str(tmp_path / "log.key"))
    key = signing.load_signing_key(path=tmp_path / "log.key")
    assert str(key.verifier) in capsys.readouterr().out
    assert (tmp_path / "log.key").stat().st_mode & 0o777 == 0o600


def _save(tmp_path, note):
    path = tmp_path / "saved.checkpoint"
    path.write_text(note, encoding="utf-8")
    return path


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _export_and_verify(tmp_path, key, *arguments):
    archive = tmp_path / "audit.zip"
    call_command("audit", "export", "--output", str(archive))
    return subprocess.run([sys.executable, str(VERIFIER), str(archive), "--key", str(key.verifier), *arguments],
                          capture_output=True, text=True)


def test_attack_truncation_is_caught_with_a_saved_checkpoint(history, log_key, tmp_path):
    saved = _save(tmp_path, signing.make_checkpoint().note)
    keep = len(history) - 3
    # The attack of issue 13: drop the triggers, delete the newest entries, reset the chain head (and here
    # also the tree's nodes and the stored checkpoints that would give it away).
    drop_triggers(connection)
    _raw("DELETE FROM audit_checkpoint")
    _raw("DELETE FROM audit_auditrecord WHERE sequence > %s", [keep])
    _raw("DELETE FROM audit_treenode")
    with connection.cursor() as cursor:
        cursor.execute("SELECT seal FROM audit_auditrecord WHERE sequence = %s", [keep])
        seal = cursor.fetchone()[0]
    ChainHead.objects.filter(pk=1).update(sequence=keep, seal=seal)
    rebuild_tree()
    _raw("DELETE FROM reversion_version WHERE revision_id NOT IN (SELECT revision_id FROM audit_auditrecord)")
    _raw("DELETE FROM reversion_revision WHERE id NOT IN (SELECT revision_id FROM audit_auditrecord)")
    assert verify_chain().ok  # without a checkpoint nothing can tell
    result = verify_chain(checkpoints=[saved.read_text(encoding="utf-8")])
    assert not result.ok and result.first_bad == keep + 1 and "removed" in result.reason
    with pytest.raises(CommandError, match=f"FAILED at entry {keep + 1}: entry {keep + 1} is missing"):
        call_command("audit", "verify", "--checkpoint", str(saved))
    standalone = _export_and_verify(tmp_path, log_key, "--checkpoint", str(saved))
    assert standalone.returncode == 1, standalone.stdout + standalone.stderr
    assert f"entry {keep + 1} is missing" in standalone.stdout


def rebuild_tree():
    """The attacker's tree, from the entries as they now are (with the project's own functions)."""
    _raw("DELETE FROM audit_treenode")
    tree, rows = merkle.CompactRange(), []
    for _, payload, _ in iter_entries():
        leaf = merkle.leaf_hash(canonical_json(payload))
        rows.append(TreeNode(position=merkle.position(0, tree.size), hash=leaf.hex()))
        rows += [TreeNode(position=merkle.position(level, i), hash=d.hex()) for level, i, d in tree.append(leaf)]
    TreeNode.objects.bulk_create(rows)


def reseal_from(victim):
    """Rewrite an approval's user and comment, then re-seal every later entry with the project's sealing."""
    _raw("UPDATE audit_auditrecord SET user_name = 'ผู้อื่น', user_id_snapshot = NULL WHERE sequence = %s",
         [victim.sequence])
    _raw("UPDATE reversion_revision SET comment = 'อนุมัติแล้ว' WHERE id = %s", [victim.revision_id])
    previous = AuditRecord.objects.get(sequence=victim.sequence - 1).seal
    for record, payload, _ in list(iter_entries(lo=victim.sequence - 1)):
        payload["previous_seal"] = previous
        previous = compute_seal(payload)
        _raw("UPDATE audit_auditrecord SET previous_seal = %s, seal = %s WHERE sequence = %s",
             [payload["previous_seal"], previous, record["sequence"]])
    ChainHead.objects.filter(pk=1).update(seal=previous)


def _approval(history):
    return next(r for r in history if r.action == "wagtail.publish" and r.sequence > 5)


def test_attack_reseal_is_caught_at_the_rewritten_entry(history, log_key, tmp_path):
    saved = _save(tmp_path, signing.make_checkpoint().note)
    victim = _approval(history)
    drop_triggers(connection)
    _raw("DELETE FROM audit_checkpoint")
    reseal_from(victim)
    result = verify_chain(checkpoints=[saved.read_text(encoding="utf-8")])
    assert not result.ok and result.first_bad == victim.sequence
    with pytest.raises(CommandError, match=f"FAILED at entry {victim.sequence}: entry {victim.sequence} differs"):
        call_command("audit", "verify", "--checkpoint", str(saved))
    standalone = _export_and_verify(tmp_path, log_key, "--checkpoint", str(saved))
    assert standalone.returncode == 1, standalone.stdout + standalone.stderr
    assert f"entry {victim.sequence} differs" in standalone.stdout


def test_attack_reseal_with_a_rebuilt_tree_is_still_caught(history, log_key, tmp_path, tree, editor):
    early = signing.make_checkpoint()
    victim = _approval(history)
    assert early.size >= victim.sequence
    make_news(tree["item_page"], editor, title="ข่าวเพิ่ม", body="<p>เพิ่ม</p>", slug="later", publish=False)
    saved = _save(tmp_path, signing.make_checkpoint().note)
    drop_triggers(connection)
    _raw("DELETE FROM audit_checkpoint WHERE size > %s", [early.size])
    reseal_from(victim)
    rebuild_tree()
    result = verify_chain(checkpoints=[saved.read_text(encoding="utf-8")])
    assert not result.ok and result.first_bad == 1  # the stored checkpoint itself no longer matches
    assert f"entries 1–{early.size} are not the entries" in result.reason


def test_appended_entries_are_verified_from_the_latest_checkpoint(history, log_key, tree, editor, capsys):
    signing.make_checkpoint()
    make_news(tree["item_page"], editor, title="ข่าวใหม่", body="<p>ใหม่</p>", slug="new-after", publish=False)
    call_command("audit", "verify", "--appended")
    assert "entries appended since the checkpoint" in capsys.readouterr().out
    drop_triggers(connection)
    last = AuditRecord.objects.order_by("-sequence").first()
    _raw("UPDATE audit_auditrecord SET object_repr = 'x' WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match=f"FAILED at entry {last.sequence}"):
        call_command("audit", "verify", "--appended")


def test_tampering_a_stored_subtree_is_reported(history, log_key):
    drop_triggers(connection)
    _raw("UPDATE audit_treenode SET hash = %s WHERE position = %s", ["ab" * 32, merkle.position(2, 0)])
    result = verify_chain()
    assert not result.ok and "stored Merkle tree" in result.reason


# The public API ----------------------------------------------------------------------------------------------------

def _b64(text):
    return __import__("base64").b64decode(text)


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def test_api_checkpoints_and_public_key(history, log_key, api, editor, tree):
    missing = api.get("/api/v1/audit/checkpoint")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
    first = signing.make_checkpoint()
    make_news(tree["item_page"], editor, title="ข่าวถัดไป", body="<p>ต่อ</p>", slug="next", publish=False)
    second = signing.make_checkpoint()
    latest = api.get("/api/v1/audit/checkpoint").json()
    assert latest["size"] == second.size and latest["note"] == second.note
    key = api.get("/api/v1/audit/public-key").json()
    assert key["key"] == str(log_key.verifier) and key["origin"] == "ita.example.go.th/audit"
    parsed = signing.verify_checkpoint(latest["note"], signing.VerifierKey.parse(key["key"]))
    assert _b64(latest["root_hash"]) == parsed.root == rfc_mth(_inputs())
    listing = api.get("/api/v1/audit/checkpoints", {"limit": 1}).json()
    assert [c["size"] for c in listing["results"]] == [first.size] and "since=" in listing["next"]
    # like every other listing's, the link is on the one public base URL, not the asking Host
    assert listing["next"].startswith(public_url.base_url() + "/api/v1/audit/checkpoints?")
    assert [c["size"] for c in api.get(listing["next"]).json()["results"]] == [second.size]
    assert api.get("/api/v1/audit/checkpoints", {"since": second.size}).json()["results"] == []
    bad = api.get("/api/v1/audit/checkpoints", {"since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["param"] == "since"


def test_api_public_key_without_a_key_is_a_503(db, api, settings, tmp_path):
    settings.AUDIT_LOG = {"ORIGIN": "x/audit", "SIGNING_KEY": "", "SIGNING_KEY_FILE": str(tmp_path / "none"),
                          "WITNESS_KEYS": []}
    response = api.get("/api/v1/audit/public-key")
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"


def test_api_proofs_verify_with_the_independent_rfc_implementation(history, log_key, api):
    inputs = _inputs()
    n = len(inputs)
    root = signing.verify_checkpoint(signing.make_checkpoint().note).root
    for entry in (1, 2, n // 2, n):
        proof = api.get("/api/v1/audit/proof/inclusion", {"entry": entry}).json()
        assert proof["size"] == n and _b64(proof["root_hash"]) == root and proof["checkpoint"]
        assert _b64(proof["leaf_hash"]) == merkle.leaf_hash(inputs[entry - 1])
        assert rfc_verify_inclusion(entry - 1, n, merkle.leaf_hash(inputs[entry - 1]),
                                    [_b64(h) for h in proof["proof"]], root)
        older = api.get("/api/v1/audit/proof/inclusion", {"entry": entry, "size": max(entry, 3)}).json()
        assert rfc_verify_inclusion(entry - 1, older["size"], merkle.leaf_hash(inputs[entry - 1]),
                                    [_b64(h) for h in older["proof"]], rfc_mth(inputs[:older["size"]]))
    for first in (1, 5, 8, n - 1, n):
        proof = api.get("/api/v1/audit/proof/consistency", {"from": first}).json()
        assert proof["to"] == n and _b64(proof["second_root"]) == root
        assert rfc_verify_consistency(first, n, rfc_mth(inputs[:first]), root, [_b64(h) for h in proof["proof"]])
    for url, query, param in [
        ("/api/v1/audit/proof/inclusion", {}, "entry"),
        ("/api/v1/audit/proof/inclusion", {"entry": n + 1}, "entry"),
        ("/api/v1/audit/proof/inclusion", {"entry": 5, "size": 4}, "entry"),
        ("/api/v1/audit/proof/inclusion", {"entry": "x"}, "entry"),
        ("/api/v1/audit/proof/consistency", {"from": 0}, "from"),
        ("/api/v1/audit/proof/consistency", {"from": 9, "to": 8}, "from"),
        ("/api/v1/audit/proof/consistency", {"from": 2, "to": n + 1}, "to"),
        ("/api/v1/audit/proof/inclusion", {"entry": 1, "size": n + 1}, "size"),
    ]:
        response = api.get(url, query)
        assert response.status_code == 400, (url, query)
        assert response.json()["param"] == param


def test_standalone_verifier_checks_an_inclusion_proof_from_the_api(history, log_key, api, tmp_path):
    signing.make_checkpoint()
    proof = api.get("/api/v1/audit/proof/inclusion", {"entry": 7}).json()
    good = tmp_path / "proof.json"
    good.write_text(json.dumps(proof), encoding="utf-8")
    result = _export_and_verify(tmp_path, log_key, "--proof", str(good))
    assert result.returncode == 0, result.stdout
    proof["proof"][0] = proof["proof"][1]
    good.write_text(json.dumps(proof), encoding="utf-8")
    result = _export_and_verify(tmp_path, log_key, "--proof", str(good))
    assert result.returncode == 1 and "entry 7: the inclusion proof does not prove it" in result.stdout


def test_standalone_verifier_refuses_another_key_and_an_altered_manifest(history, log_key, tmp_path):
    other = signing.SigningKey.generate("ita.example.go.th")
    archive = tmp_path / "archive"
    call_command("audit", "export", "--output", str(archive))
    run = [sys.executable, str(VERIFIER), str(archive)]
    assert subprocess.run([*run, "--key", str(log_key.verifier)], capture_output=True, text=True).returncode == 0
    wrong = subprocess.run([*run, "--key", str(other.verifier)], capture_output=True, text=True)
    assert wrong.returncode == 1 and "manifest's signature does not verify" in wrong.stdout
    manifest = json.loads((archive / "manifest.json").read_text())
    manifest["exported_at"] = "2020-01-01T00:00:00.000000Z"
    (archive / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    altered = subprocess.run([*run, "--key", str(log_key.verifier)], capture_output=True, text=True)
    assert altered.returncode == 1 and "manifest.sig signs another manifest" in altered.stdout


def test_a_server_with_only_the_public_key_verifies_checkpoints(history, log_key, settings, tmp_path, api):
    saved = _save(tmp_path, signing.make_checkpoint().note)
    settings.AUDIT_LOG = {**settings.AUDIT_LOG, "SIGNING_KEY": "", "PUBLIC_KEY": str(log_key.verifier)}
    with pytest.raises(signing.KeyNotConfigured):
        signing.make_checkpoint()
    result = verify_chain(checkpoints=[saved.read_text(encoding="utf-8")])
    assert result.ok and result.checkpoints == 2
    assert api.get("/api/v1/audit/public-key").json()["key"] == str(log_key.verifier)


def test_verify_checks_configured_witnesses_cosignatures(history, log_key, settings):
    checkpoint = signing.make_checkpoint()
    witness = signing.SigningKey.generate("auditor.example.go.th")
    cosignature = signing.add_cosignature(checkpoint, witness)
    settings.AUDIT_LOG = {**settings.AUDIT_LOG, "WITNESS_KEYS": [str(witness.verifier)]}
    assert verify_chain().ok
    drop_triggers(connection)
    forged = signing.cosign(checkpoint.note, log_key.verifier, signing.SigningKey("auditor.example.go.th", b"\1" * 32))
    _raw("UPDATE audit_cosignature SET line = %s WHERE id = %s", [forged, cosignature.pk])
    result = verify_chain()
    assert not result.ok and "cosignature by auditor.example.go.th" in result.reason
