"""The admin's audit export leaves nothing on disk: not the archive, not the zip, not on failure."""

import io
import tempfile
import zipfile

import pytest
from django.urls import reverse

from .test_admin_views import page, write_history  # noqa: F401  (the page, written with the shared tree; auditor: conftest.py)

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_export_leaves_no_file_behind(client, auditor, page, private_tmp):  # noqa: F811
    client.force_login(auditor)
    response = client.get(reverse("audit_export"))
    assert response.status_code == 200
    assert list(private_tmp.iterdir()) == []  # already gone while the download is under way
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in archive.namelist()
    response.close()
    assert list(private_tmp.iterdir()) == []


def test_a_failed_export_leaves_no_file_behind(client, auditor, page, private_tmp, monkeypatch):  # noqa: F811
    import repository.audit.views as views

    def broken(path):
        path.mkdir(parents=True)
        (path / "entries.ndjson").write_text("{}\n")
        raise OSError("disk full")

    monkeypatch.setattr(views, "export_archive", broken)
    client.raise_request_exception = False
    client.force_login(auditor)
    assert client.get(reverse("audit_export")).status_code == 500
    assert list(private_tmp.iterdir()) == []
