import pytest

from .builders import Site


@pytest.fixture
def site(db):
    return Site()
