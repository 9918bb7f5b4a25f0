"""Our Thai catalogue (locale/th) compiles and wins over Wagtail's own Thai in the admin."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

PO = Path(__file__).resolve().parents[2] / "locale" / "th" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr) pairs of the catalogue, read plainly (one-line entries)."""
    pairs, msgid = [], None
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            msgid = line[7:-1]
        elif line.startswith("msgstr ") and msgid:
            pairs.append((msgid, line[8:-1]))
    return pairs


@pytest.fixture
def compiled(tmp_path, settings):
    target = tmp_path / "th" / "LC_MESSAGES"
    target.mkdir(parents=True)
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed (Debian package gettext; `make messages` installs it)"
    subprocess.run([msgfmt, "--check", "-o", str(target / "django.mo"), str(PO)], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    trans_real._translations.clear()
    trans_real._default = None
    yield
    trans_real._translations.clear()
    trans_real._default = None


def test_every_entry_is_translated_and_not_the_odd_wagtail_thai(compiled):
    pairs = entries()
    assert len(pairs) >= 9
    with translation.override("th"):
        for msgid, msgstr in pairs:
            assert msgstr and msgstr != msgid
            assert translation.gettext(msgid) == msgstr
        assert translation.gettext("Title") == "ชื่อเรื่อง"  # Wagtail's own: "หัวข้อ,หัวเรื่อง"
        assert translation.gettext("pages") == "หน้า"  # Wagtail's own: "หลายๆหน้า"


@pytest.mark.django_db
def test_the_approver_dashboard_says_awaiting_review_in_thai(compiled, client, draft, provider, approver):
    from repository.approvals.actions import SubmitForApprovalAction

    SubmitForApprovalAction(draft, provider, confirmed_measure_1_1=True).execute()
    client.force_login(approver)
    html = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert "รอการตรวจของคุณ" in html and "Awaiting your review" not in html
