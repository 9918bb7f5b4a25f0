import os

import pytest

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# CI (.ci/run) sets ELASTICSEARCH_REQUIRED: there a live-suite test without a node fails, never skips.
ELASTICSEARCH_REQUIRED = bool(os.environ.get("ELASTICSEARCH_REQUIRED"))
SKIP_REASON = os.environ.get("ELASTICSEARCH_SKIP_REASON") or (
    "ELASTICSEARCH_URL is not set: the shared suite runs against a real Elasticsearch only "
    "(`make elasticsearch` starts a local node; `make test` does it where Java and Maven are)"
)


def live_marks():
    """Marks of a test that needs the live node: `elasticsearch`, skipped without a node unless required.

    They run in a pytest process of their own, never beside other workers (`make test`, `.ci/run`): some of
    them stop and restart the node."""
    marks = [pytest.mark.elasticsearch]
    if not ELASTICSEARCH_URL and not ELASTICSEARCH_REQUIRED:
        marks.append(pytest.mark.skip(reason=SKIP_REASON))
    return marks


ENGINES = ["embedded", pytest.param("elasticsearch", marks=live_marks())]


def engine_config(name, tmp_dir):
    if name == "embedded":
        return {"BACKEND": "embedded", "EMBEDDED_PATH": str(tmp_dir / "search.sqlite3")}
    return {
        "BACKEND": "elasticsearch",
        "ELASTICSEARCH_URL": ELASTICSEARCH_URL or "http://127.0.0.1:9200",
        "ELASTICSEARCH_INDEX_PREFIX": f"test-search-{os.getpid()}-{tmp_dir.name}".lower(),
        "ELASTICSEARCH_TIMEOUT": 30,
    }
