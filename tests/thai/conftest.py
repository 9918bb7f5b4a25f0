"""The approvals suite's province, page tree, one user per role and corpus drafts, reused; our Thai
catalogue compiled fresh for the tests that read it."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation import trans_real

from tests.approvals.conftest import (  # noqa: F401 (fixtures)
    administrator,
    agency,
    approver,
    auditor,
    draft,
    make_draft,
    news_index,
    other_agency,
    provider,
    publisher,
    shared_province,
)

CATALOGUES = Path(__file__).resolve().parents[2] / "locale" / "th" / "LC_MESSAGES"


@pytest.fixture
def compiled(tmp_path, settings):
    """locale/th's .po files compiled (msgfmt --check) into a folder of their own, read before every app's
    catalogue as LOCALE_PATHS is in production: the tests never read a stale .mo."""
    target = tmp_path / "locale" / "th" / "LC_MESSAGES"
    target.mkdir(parents=True)
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed (Debian package gettext; `make messages` installs it)"
    for po in CATALOGUES.glob("*.po"):
        subprocess.run([msgfmt, "--check", "-o", str(target / po.with_suffix(".mo").name), str(po)], check=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    trans_real._translations.clear()
    trans_real._default = None
    yield
    trans_real._translations.clear()
    trans_real._default = None
