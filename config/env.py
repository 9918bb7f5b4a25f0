"""Every environment variable the project reads, in one place.

Settings modules import from here and nowhere else reads ``os.environ``.
With nothing set the project runs locally on SQLite and the embedded search
engine, with no server to start.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
# The shared folder beside the checkout: the source order and the news corpus.
SHARED_DIR = Path(os.environ.get("SHARED_DIR", BASE_DIR.parent / "shared"))


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def database_config():
    """``DATABASE_URL`` (postgres://... or sqlite:///...), SQLite in var/ by default."""
    default = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    if not os.environ.get("DATABASE_URL"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    config = dj_database_url.parse(
        os.environ.get("DATABASE_URL") or default,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
    # One request, one transaction: Wagtail's publish, its log entry, the audit seal and
    # the search and webhook outbox rows commit together or not at all.
    config["ATOMIC_REQUESTS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        options = config.setdefault("OPTIONS", {})
        # Wait for a writer instead of failing with "database is locked" (the busy timeout, seconds);
        # take the write lock when a transaction begins, so two writers queue instead of one failing
        # when it upgrades from reading to writing; WAL so readers never wait for the writer.
        options["timeout"] = env_int("SQLITE_BUSY_TIMEOUT", 20)
        options["transaction_mode"] = "IMMEDIATE"
        options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    return config


def search_config():
    """Which search engine serves public search.

    ``SEARCH_BACKEND`` is ``embedded`` (SQLite FTS5, the default) or
    ``elasticsearch``; setting ``ELASTICSEARCH_URL`` alone selects Elasticsearch.
    """
    es_url = os.environ.get("ELASTICSEARCH_URL", "")
    backend = os.environ.get("SEARCH_BACKEND") or ("elasticsearch" if es_url else "embedded")
    return {
        "BACKEND": backend,
        "ELASTICSEARCH_URL": es_url,
        "ELASTICSEARCH_INDEX_PREFIX": os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "disclosures"),
        "EMBEDDED_PATH": os.environ.get("SEARCH_INDEX_PATH", str(VAR_DIR / "search.sqlite3")),
    }


def audit_log_config():
    """The transparency log's origin line and where its signing key is (never in the database).

    ``AUDIT_SIGNING_KEY`` holds the key itself (``PRIVATE+KEY+…``, from ``manage.py audit keygen``);
    otherwise ``AUDIT_SIGNING_KEY_FILE`` names the file holding it (default ``var/audit-signing.key``).
    ``AUDIT_LOG_ORIGIN`` is the checkpoints' first line (default: BASE_URL's host and ``/audit``).
    ``AUDIT_PUBLIC_KEY``: the log's verifier key, for servers that verify and serve checkpoints but do not
    sign them (without it the key is derived from the signing key).
    ``AUDIT_WITNESS_KEYS``: verifier keys (comma-separated) whose cosignatures are accepted.
    """
    from urllib.parse import urlsplit

    host = urlsplit(os.environ.get("BASE_URL", "http://127.0.0.1:8000")).netloc or "localhost"
    return {
        "ORIGIN": os.environ.get("AUDIT_LOG_ORIGIN") or f"{host}/audit",
        "SIGNING_KEY": os.environ.get("AUDIT_SIGNING_KEY", ""),
        "SIGNING_KEY_FILE": os.environ.get("AUDIT_SIGNING_KEY_FILE") or str(VAR_DIR / "audit-signing.key"),
        "PUBLIC_KEY": os.environ.get("AUDIT_PUBLIC_KEY", ""),
        "WITNESS_KEYS": env_list("AUDIT_WITNESS_KEYS"),
    }
