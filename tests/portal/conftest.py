import pytest

from tests.factories import reloaded, shared

from .builders import Site


@pytest.fixture(scope="module")
def shared_portal_site(django_db_setup, django_db_blocker):
    """The portal's site, built once for the module (tests/factories.py ``shared``)."""
    yield from shared(django_db_blocker, Site)


@pytest.fixture
def site(shared_portal_site, db):
    return reloaded(shared_portal_site)
