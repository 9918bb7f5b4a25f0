import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _search_index_path(settings, tmp_path):
    """The embedded search index of a test lives in its own folder, never in var/."""
    import search

    settings.SEARCH = {**settings.SEARCH, "EMBEDDED_PATH": str(tmp_path / "search.sqlite3")}
    yield
    search.reset_backends()
