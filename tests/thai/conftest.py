"""The approvals suite's province, page tree and one user per role, reused."""

from tests.approvals.conftest import (  # noqa: F401 (fixtures)
    administrator,
    agency,
    approver,
    auditor,
    news_index,
    other_agency,
    provider,
    publisher,
)
from tests.approvals.conftest import draft, make_draft  # noqa: F401,E402 (fixtures)
