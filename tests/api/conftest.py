import pytest
from rest_framework.test import APIClient

from .builders import Tree


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def client():
    return APIClient()
