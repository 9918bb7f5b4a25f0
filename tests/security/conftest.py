import pytest

from tests.api.conftest import shared_api_tree, tree  # noqa: F401
from tests.approvals.conftest import (  # noqa: F401
    administrator,
    approver,
    auditor,
    make_draft,
    news_index,
    provider,
    publisher,
)
from tests.factories import make_agency


@pytest.fixture
def agency(db):
    """The province of tests/approvals, built by each test: two modules here also read the shared API tree,
    and a module reads one shared tree at most."""
    return make_agency()
