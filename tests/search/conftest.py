import os

import pytest

import search


@pytest.fixture(autouse=True)
def search_settings(settings, tmp_path):
    """Each test gets its own embedded index file; cached backends are dropped."""
    search.reset_backends()
    settings.SEARCH = {
        "BACKEND": "embedded",
        "EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
        "ELASTICSEARCH_URL": "",
        "ELASTICSEARCH_INDEX_PREFIX": "disclosures",
    }
    yield settings.SEARCH
    search.reset_backends()


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
