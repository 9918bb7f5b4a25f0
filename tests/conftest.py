import itertools
import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, tmp_path_factory):
    """On SQLite the test database is a file, one per xdist worker, never Django's shared in-memory database.

    In memory, Django gives the live server's threads the test's own connection, so a browser test's
    concurrent requests (the page, its translations, the editing-session pings) and the test's own reads
    interleaved on one connection: "no such savepoint", "database table is locked" (seen in CI). A file gives
    each thread its own connection, with SQLite's locking and busy timeout, as the product runs.
    With ``--reuse-db`` the file is kept in var/ (``test-db``, ``test-db_gw0``…), so the next run skips the
    migrations; ``--create-db`` builds it anew. Without it, in the run's temporary folder. PostgreSQL as
    before."""
    from django.conf import settings

    from config.env import VAR_DIR

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get("NAME"):
        if request.config.getvalue("reuse_db"):
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            folder = VAR_DIR
        else:
            folder = tmp_path_factory.getbasetemp()
        database.setdefault("TEST", {})["NAME"] = str(folder / "test-db")
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")  # pytest-django's: _gw0, _gw1...


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a per-test folder, never into var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _api_memo():
    """Every test starts with the API's per-process memo empty, as a fresh process would.

    Tests run with the production memo; within a test any public change (or any write in
    the process) drops it, but a rolled-back test may leave ids the next one reuses.
    """
    from api import state

    state.clear()
    yield
    state.clear()


@pytest.fixture(autouse=True)
def search_settings(settings, tmp_path):
    """Every test searches the embedded engine, in an index of its own folder (never var/).

    Whatever the environment says (``ELASTICSEARCH_URL`` set to run the Elasticsearch
    suite, say), publishing in a test feeds this index; the Elasticsearch tests choose
    their engine themselves (tests/search/conftest.py ``engine_config``). Backends built
    from earlier settings are dropped before and after.
    """
    import search

    search.reset_backends()
    settings.SEARCH = {
        "BACKEND": "embedded",
        "EMBEDDED_PATH": str(tmp_path / "search.sqlite3"),
        "ELASTICSEARCH_URL": "",
        "ELASTICSEARCH_INDEX_PREFIX": "disclosures",
    }
    yield settings.SEARCH
    search.reset_backends()


def _is_transactional(item):
    """Whether a test runs outside a rolled-back transaction (pytest-django then flushes after it)."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool({"transactional_db", "live_server"} & fixtures) or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )


@pytest.fixture(autouse=True)
def _flushable_audit_trail(request):
    """Let a transactional test's final flush pass the audit trail's append-only triggers.

    On SQLite Django flushes with ``DELETE FROM`` every table, which the audit tables'
    triggers refuse (PostgreSQL flushes with ``TRUNCATE``, which row triggers do not see).
    After the test, and before pytest-django's own flush, the tables are emptied with the
    triggers lifted and the triggers put back, so every later test has them.

    What migrations created (Wagtail's root page, locale and collection, the workflow, the
    groups) a flush removes too: tests that need it after another transactional test mark
    themselves ``django_db(transaction=True, serialized_rollback=True)``, Django's own way
    (every transactional test must: see pytest_collection_modifyitems).
    """
    if not _is_transactional(request.node):
        yield
        return
    request.getfixturevalue("transactional_db")  # so that this fixture's teardown runs before the flush
    yield
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    from repository.audit import triggers

    triggers.drop_triggers(connection)
    try:
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    finally:
        triggers.create_triggers(connection)



@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test and its flush, put back what migrations made (Wagtail's root page and
    locale, the groups, the approval workflow), as Django's ``serialized_rollback`` would before the next such
    test.

    pytest-django runs transactional tests after the other tests with a database, but before the tests
    without one (whose module fixtures may still read it), and pytest-xdist's ``worksteal`` (pyproject) can
    hand a worker tests taken from another's queue after it ran one: without this, those tests — and a
    module's shared tree built for them — found an empty database (tests/test_after_a_transactional_test.py).
    """
    yield
    if nextitem is None or not _is_transactional(item):
        return  # after the last test the session's fixtures are gone already, the test database with them
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)


def _starts_from_migrations(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


def _uses_shared_tree(item):
    """Whether a test reads a tree built once for its module (a ``shared_*`` fixture: tests/factories.py ``shared``)."""
    return any(name.startswith("shared_") for name in getattr(item, "fixturenames", ()))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Every transactional test must start from what migrations made: ``serialized_rollback=True``.

    A flush after a test that reloads the migrated data does not re-create content types and
    permissions (Django inhibits post_migrate then), and a flush after one that does not reload
    re-creates them with new keys on PostgreSQL (whose flush keeps sequences), which a later
    reload collides with. Either way a mix breaks whichever test comes next, so none is allowed.
    """
    # A module's shared tree stays in the database from its first test to the module's end: the
    # module's tests that do not ask for it run first (in their order, within the order pytest-django
    # chose), so none of them sees it.
    runs = [list(run) for _, run in itertools.groupby(items, key=lambda item: item.nodeid.split("::")[0])]
    items[:] = [item for run in runs for item in sorted(run, key=_uses_shared_tree)]
    shared = [item.nodeid for item in items if _is_transactional(item) and _uses_shared_tree(item)]
    if shared:
        raise pytest.UsageError("a transactional test cannot read a shared tree (tests/factories.py shared): " + ", ".join(shared))
    mixed = [item.nodeid for item in items if _is_transactional(item) and not _starts_from_migrations(item)]
    if mixed:
        raise pytest.UsageError(
            "transactional tests must mark django_db(transaction=True, serialized_rollback=True) "
            "(see tests/conftest.py): " + ", ".join(mixed)
        )
    keep_live_search_out_of_workers(items)


def keep_live_search_out_of_workers(items):
    """The live Elasticsearch suite stops and restarts its node: in one of several pytest-xdist workers it
    would pull the node from under the other workers' tests. It runs in a process of its own (Makefile); in a
    worker each of its tests is skipped, saying so."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    skip = pytest.mark.skip(reason="the live Elasticsearch suite runs in one process, not in pytest-xdist workers: "
                                   "`pytest -m elasticsearch tests/search` (the Makefile's `make test` does)")
    for item in items:
        if item.get_closest_marker("elasticsearch"):
            item.add_marker(skip)
