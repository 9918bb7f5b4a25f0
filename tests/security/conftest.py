from tests.approvals.conftest import administrator, agency, auditor, provider  # noqa: F401
