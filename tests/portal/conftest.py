import pytest

from .builders import Site


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.PORTAL_DIRECTORY_TTL = 0
    try:
        import search as search_app
    except ImportError:
        search_app = None
    if search_app is not None and hasattr(search_app, "reset_backends"):
        search_app.reset_backends()
        settings.SEARCH = {"BACKEND": "embedded", "EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
                           "ELASTICSEARCH_URL": "", "ELASTICSEARCH_INDEX_PREFIX": "disclosures"}
    yield
    if search_app is not None and hasattr(search_app, "reset_backends"):
        search_app.reset_backends()


@pytest.fixture
def site(db):
    return Site()
