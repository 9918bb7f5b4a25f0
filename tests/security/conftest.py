from tests.api.conftest import shared_api_tree, tree  # noqa: F401
from tests.approvals.conftest import (  # noqa: F401
    administrator,
    agency,
    approver,
    auditor,
    make_draft,
    news_index,
    provider,
    publisher,
)
