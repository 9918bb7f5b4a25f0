import pytest
from rest_framework.test import APIClient

from tests import factories

from .builders import Tree


@pytest.fixture(scope="module")
def shared_api_tree(request, django_db_setup, django_db_blocker):
    """The API tree, built once for the module (tests/factories.py ``shared``), with what the module's
    ``add_to_tree(tree)`` adds to it when the module has one (every test of such a module reads that too)."""
    yield from factories.shared(django_db_blocker, factories.and_then(Tree, getattr(request.module, "add_to_tree", None)))


@pytest.fixture
def tree(shared_api_tree, db):
    return factories.reloaded(shared_api_tree)


@pytest.fixture
def client():
    return APIClient()
