import pytest

from .builders import Site


@pytest.fixture(autouse=True)
def _portal_settings(settings):
    settings.PORTAL_DIRECTORY_TTL = 0


@pytest.fixture
def site(db):
    return Site()
