"""The admin's Audit area: auditors read, others are refused, nothing changes."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from repository.audit.chain import head_seal
from repository.audit.models import AuditRecord
from repository.audit.replay import published_versions
from repository.models import NewsPage
from tests import factories

from .conftest import make_admin_user, make_news


def write_history(tree):
    """Written once for the module, with the audit tree (conftest.py ``shared_audit_tree``)."""
    admin_user = make_admin_user()
    page = make_news(tree["item_page"], admin_user, title="ประกาศผลการจัดซื้อ", body="<p>เดิม</p>", slug="p")
    page.body = "<p>เดิมและเพิ่มเติม</p>"
    factories.publish(page, admin_user)


@pytest.fixture
def page(tree):
    return NewsPage.objects.get(slug="p")


def test_auditor_sees_timeline_filters_and_diff(client, auditor, page, tree):
    client.force_login(auditor)
    assert reverse("audit_timeline") in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.get(reverse("audit_timeline"))
    assert response.status_code == 200 and "ประกาศผลการจัดซื้อ" in response.content.decode()
    response = client.get(reverse("audit_timeline"), {"agency": "other-office"})
    assert "ประกาศผลการจัดซื้อ" not in response.content.decode()
    response = client.get(reverse("audit_timeline"), {"item_code": "o4", "action": "wagtail.publish"})
    assert len(response.context["events"]) == 2
    response = client.get(reverse("audit_timeline"), {"date_from": "2030-01-01T00:00", "date_to": "2020-01-01T00:00"})
    assert response.status_code == 200 and "วันที่เริ่มต้องไม่หลังวันที่สิ้นสุด" in response.content.decode()
    response = client.get(reverse("audit_object", args=["repository.newspage", page.pk]))
    assert response.status_code == 200
    first, second = [e["version_id"] for e in published_versions(page)]
    response = client.get(reverse("audit_diff", args=[first, second]))
    assert "<ins>และเพิ่มเติม</ins>" in response.content.decode()
    response = client.get(reverse("audit_verify"))
    assert head_seal()["seal"] in response.content.decode() and "OK" in response.content.decode()


def test_filters_take_the_thai_names_people_see(client, auditor, page, tree):
    """Issue 13: an auditor types the agency's name and "เผยแพร่", not internal codes; actions read in Thai."""
    client.force_login(auditor)
    by_code = client.get(reverse("audit_timeline"), {"action": "wagtail.publish"}).context["events"]
    by_name = client.get(reverse("audit_timeline"), {"action": "เผยแพร่"}).context["events"]
    assert len(by_code) == 2
    # "เผยแพร่" names the publications and, since fixtures publish through the gate, the administrator's
    # override decisions before them ("เผยแพร่นอกขั้นตอนการอนุมัติ …"), never ยกเลิกการเผยแพร่.
    assert {e["sequence"] for e in by_code} <= {e["sequence"] for e in by_name}
    assert {e["action"] for e in by_name} == {"wagtail.publish", "approvals.override_publish"}
    assert all(e["action_label"].startswith("เผยแพร่") for e in by_name)
    assert client.get(reverse("audit_timeline"), {"action": "ยกเลิกการเผยแพร่"}).context["events"] == []
    named = client.get(reverse("audit_timeline"), {"agency": "จังหวัดอุทัยธานี", "action": "เผยแพร่"})
    assert len(named.context["events"]) == len(by_name) and "ประกาศผลการจัดซื้อ" in named.content.decode()
    other = client.get(reverse("audit_timeline"), {"agency": "สำนักงานอื่น"}).content.decode()
    assert "ประกาศผลการจัดซื้อ" not in other
    history = client.get(reverse("audit_object", args=["repository.newspage", page.pk])).content.decode()
    assert ">เผยแพร่<" in history and ">wagtail.publish<" not in history


def test_export_download_verifies(client, auditor, page, tmp_path):
    client.force_login(auditor)
    response = client.get(reverse("audit_export"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["head_seal"] == head_seal()["seal"] == response["X-Audit-Head-Seal"]
    assert len(archive.read("entries.ndjson").splitlines()) == manifest["count"]
    # The standalone verifier reads the download as it is (issue 13: it wanted a folder).
    import subprocess
    import sys
    from pathlib import Path

    path = Path(tmp_path) / "download.zip"
    path.write_bytes(b"".join(client.get(reverse("audit_export")).streaming_content))
    verifier = Path(__file__).resolve().parents[2] / "tools" / "verify_audit_archive.py"
    result = subprocess.run([sys.executable, str(verifier), str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith(f"OK {manifest['count']} "), result.stdout


def test_nobody_changes_anything_from_it(client, auditor, page):
    client.force_login(auditor)
    before = AuditRecord.objects.count()
    for name in ("audit_timeline", "audit_verify", "audit_export"):
        assert client.post(reverse(name)).status_code == 405
    assert AuditRecord.objects.count() == before


def test_others_are_refused(client, editor, page):
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for name in ("audit_timeline", "audit_verify", "audit_export"):
        assert client.get(reverse(name)).status_code in (302, 403)
    response = client.get(reverse("wagtailadmin_home"))
    assert reverse("audit_timeline") not in response.content.decode()


def test_a_draft_edit_of_a_live_page_shows_the_drafts_change(client, auditor, page, admin_user):
    """Issue 13: the page row keeps the live content while a draft waits, so the diff said "no difference";
    the auditor sees the draft's change, marked as a draft the public never saw."""
    draft = page.get_latest_revision_as_object()
    draft.body = "<p>เดิมและเพิ่มเติม แก้ไขในฉบับร่าง</p>"
    draft.save_revision(user=admin_user, log_action=True)
    client.force_login(auditor)
    history = client.get(reverse("audit_object", args=["repository.newspage", page.pk]))
    events = history.context["events"]
    edit = events[-1]
    assert edit["draft"] and not events[-2]["draft"] and edit["previous_version_id"]
    assert "ฉบับร่าง (ไม่ได้เผยแพร่ต่อสาธารณะ)" in history.content.decode()
    response = client.get(reverse("audit_diff", args=[edit["previous_version_id"], edit["version_id"]]))
    html = response.content.decode()
    assert "<ins>แก้ไขในฉบับร่าง</ins>" in html.replace("<ins> ", " <ins>")
    assert "ไม่มีความแตกต่างของเนื้อหา" not in html and "ฉบับร่าง ไม่ได้เผยแพร่ต่อสาธารณะ" in html
