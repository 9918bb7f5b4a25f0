import os

import pytest

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ENGINES = [
    "embedded",
    pytest.param(
        "elasticsearch",
        marks=[
            pytest.mark.elasticsearch,
            pytest.mark.skipif(
                not ELASTICSEARCH_URL,
                reason="ELASTICSEARCH_URL is not set: the shared suite runs against a real Elasticsearch only",
            ),
        ],
    ),
]


def engine_config(name, tmp_dir):
    if name == "embedded":
        return {"BACKEND": "embedded", "EMBEDDED_PATH": str(tmp_dir / "search.sqlite3")}
    return {
        "BACKEND": "elasticsearch",
        "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
        "ELASTICSEARCH_INDEX_PREFIX": f"test-search-{os.getpid()}-{tmp_dir.name}".lower(),
        "ELASTICSEARCH_TIMEOUT": 30,
    }
