import pytest
from rest_framework.test import APIClient

from tests import factories

from .builders import Tree


@pytest.fixture(scope="module")
def shared_api_tree(django_db_setup, django_db_blocker):
    """The API tree, built once for the module (tests/factories.py ``shared``)."""
    yield from factories.shared(django_db_blocker, Tree)


@pytest.fixture
def tree(shared_api_tree, db):
    return factories.reloaded(shared_api_tree)


@pytest.fixture
def client():
    return APIClient()
