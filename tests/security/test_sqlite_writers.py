"""Two writers at once on SQLite, configured as the project configures it (config.env.database_config):
the second waits for the first instead of failing with "database is locked"."""

import threading
import time

import pytest
from django.db.utils import ConnectionHandler, OperationalError

from config import env


@pytest.fixture(autouse=True)
def _own_database_file(django_db_blocker):
    """These connections go to a scratch file of their own, not the test database."""
    with django_db_blocker.unblock():
        yield


def _handler(tmp_path, monkeypatch, **overrides):
    """Two database aliases on one SQLite file, with the project's settings (connections are per thread)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'writers.sqlite3'}")
    config = env.database_config()
    config["OPTIONS"].update(overrides)
    return ConnectionHandler({"default": dict(config), "other": dict(config)})


def _race(handler):
    """Each writer reads, waits a moment (the other reads meanwhile), then writes, in one transaction."""
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS edits (n INTEGER)")
    handler["default"].close()
    barrier = threading.Barrier(2)
    errors = []

    def write(alias, value):
        connection = handler[alias]
        try:
            barrier.wait()
            connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # as atomic() does
            with connection.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM edits")
                time.sleep(0.3)
                cursor.execute("INSERT INTO edits VALUES (%s)", [value])
            connection.commit()
        except OperationalError as error:
            errors.append(str(error))
            connection.rollback()
        finally:
            connection.set_autocommit(True)
            connection.close()

    threads = [threading.Thread(target=write, args=(alias, n)) for n, alias in enumerate(("default", "other"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_the_project_runs_sqlite_in_wal_with_a_busy_timeout_and_immediate_transactions(tmp_path, monkeypatch):
    a = _handler(tmp_path, monkeypatch)["default"]
    with a.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert a.settings_dict["OPTIONS"]["timeout"] >= 5
    assert a.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    a.close()


def test_two_concurrent_writers_queue_instead_of_failing(tmp_path, monkeypatch):
    assert _race(_handler(tmp_path, monkeypatch)) == []
    check = _handler(tmp_path, monkeypatch)["default"]
    with check.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM edits")
        assert cursor.fetchone()[0] == 2
    check.close()


def test_without_immediate_transactions_the_same_race_fails(tmp_path, monkeypatch):
    """The race above is real: with SQLite's default deferred transactions one writer gets "database is locked"."""
    errors = _race(_handler(tmp_path, monkeypatch, transaction_mode=None))
    assert errors and "locked" in errors[0]
