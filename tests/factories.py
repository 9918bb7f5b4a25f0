"""Builders for real page trees, shared by every test package.

They go through Wagtail's own machinery (add_child, save_revision, publish), so
what tests see is what the admin produces. ``publish_many`` builds many published
disclosures at once through the bulk importer's batch writer (the product's own
path: the override gate, one transaction per batch).
"""

import copy
import datetime
import inspect
import itertools
import json
import tempfile
from functools import lru_cache

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.test import override_settings
from wagtail.documents.models import Document
from wagtail.models import Page, Site

from config.env import SHARED_DIR
from repository.accounts.administrators import is_administrator
from repository.approvals.actions import OverridePublishAction
from repository.approvals.gate import is_governed
from repository.documents import agency_collection
from repository.importers.corpus import BadLine, NewsRecord, open_text, read_records
from repository.models import (
    Agency,
    AgencyPage,
    DisclosureAttachment,
    FrameworkItem,
    FrameworkYear,
    HomePage,
    ItemGroupPage,
    ItemPage,
    NewsPage,
)

CORPUS_SAMPLE = SHARED_DIR / "data" / "thaigov-news-5k.jsonl.gz"
_unique = itertools.count(1)


def corpus_rows(limit=None, start=0, where=None):
    """Rows (dicts) of the shared 5k sample of real Thai government news, in file order.

    Skips the first ``start`` rows, keeps only those ``where(row)`` accepts, stops at ``limit``.
    """
    rows = []
    with open_text(CORPUS_SAMPLE) as handle:
        for row in map(json.loads, itertools.islice(handle, start, None)):
            if where is None or where(row):
                rows.append(row)
                if limit is not None and len(rows) >= limit:
                    break
    return rows


@lru_cache(maxsize=1)
def _first_rows():
    return tuple(corpus_rows(limit=400))


def news_records():
    """The first 400 rows of the sample (read once per test run), as a new list tests may slice and extend."""
    return list(_first_rows())


@lru_cache(maxsize=1)
def _first_records():
    return tuple(r for r in itertools.islice(read_records(CORPUS_SAMPLE), 40) if not isinstance(r, BadLine))


def corpus_records(count=12):
    """The sample's first rows as the importers read them (``NewsRecord``, bad lines left out), read once per run."""
    return list(_first_records()[:count])


def as_news_record(row):
    """A corpus row (dict) as the importers' ``NewsRecord``."""
    return NewsRecord(
        line_number=0,
        id=row["id"],
        date=datetime.date.fromisoformat(row["date"]),
        category=row.get("category", ""),
        title=row["title"],
        body=row["body"],
        source_url=row["source_url"],
    )


def record_with(word):
    """The first of ``news_records()`` whose title contains ``word``."""
    return next(r for r in news_records() if word in r["title"])


def news_page(record, **fields):
    """An unsaved NewsPage from a corpus row, with a slug unique within the test run."""
    values = {
        "title": record["title"][:250],
        "slug": f"news-{record['id']}-{next(_unique)}",
        "summary": record["body"][:300],
        "body": "".join(f"<p>{p}</p>" for p in record["body"].split("\n")[:3] if p),
        "issue_date": datetime.date.fromisoformat(record["date"]),
        "source_url": record["source_url"],
        "source_category": record["category"],
    }
    return NewsPage(**{**values, **fields})


def attach(page, name="report.pdf", content=b"%PDF-1.4 " + b"x" * 2048, title="เอกสารแนบ"):
    """A real Wagtail document attached to a disclosure."""
    page = page.specific if hasattr(page, "specific") else page
    collection = {"collection": agency_collection(page.agency)} if getattr(page, "agency", None) else {}
    document = Document.objects.create(title=name, file=ContentFile(content, name=name), **collection)
    DisclosureAttachment.objects.create(page=page, document=document, title=title)
    return document


FIXTURE_REASON = "ข้อมูลสำหรับการทดสอบ เผยแพร่โดยผู้ดูแลระบบพร้อมระบุเหตุผล (test fixture)"


def fixture_administrator():
    """The administrator who publishes fixtures by recorded override (made once per database)."""
    user, _ = get_user_model().objects.get_or_create(
        username="fixture-admin",
        defaults={"is_superuser": True, "is_staff": True, "first_name": "ผู้ดูแลระบบ", "last_name": "ทดสอบ"},
    )
    return user


def publish(page, user=None, reason=FIXTURE_REASON, **revision_kwargs):
    """Save the page's current state as a revision and put it live the way the product allows.

    The caller's object is refreshed and a freshly read one returned. Navigation pages: Wagtail's publish. Disclosures: through the publication gate, by an
    administrator's recorded override (``user`` if an administrator, else the fixture administrator),
    so every published fixture carries its approval form and audit trail.
    """
    page.save_revision(user=user, **revision_kwargs)
    if is_governed(page):
        publisher = user if is_administrator(user) else fixture_administrator()
        OverridePublishAction(page, publisher, reason).execute()
    else:
        page.get_latest_revision().publish(user=user, skip_permission_checks=True)
    page.refresh_from_db()
    return page.__class__.objects.get(pk=page.pk)


def publish_many(parent, pages, user=None, reason=FIXTURE_REASON, batch_size=100):
    """Add and publish many unsaved disclosure pages under ``parent`` through the bulk importer; return them saved.

    ``parent`` is every page's parent, or a list of each page's own (the pages are written in their order).
    Each goes live through the publication gate by a recorded administrator override, as imports do
    (approval form with ``reason``, audit entries, outbox rows), published by ``user`` or, when none
    is given, by an administrator made for fixtures. One transaction per batch; raises if any page fails.
    """
    from repository.approvals.imports import override_publisher
    from repository.importers.batches import ImportReport, PlannedPage, write_pages

    if user is None:
        user = fixture_administrator()
    pages = list(pages)
    parents = parent if isinstance(parent, list) else [parent] * len(pages)
    report = ImportReport()
    write_pages(
        (PlannedPage(line_number=number, source_id="", parent=page_parent, build=lambda page=page: page)
         for number, (page_parent, page) in enumerate(zip(parents, pages, strict=True), start=1)),
        user=user, publish=override_publisher(reason), report=report, batch_size=batch_size,
    )
    if report.errors:
        raise AssertionError(f"publish_many: pages failed (position, reason): {report.errors}")
    return [page.__class__.objects.get(pk=page.pk) for page in pages]


def make_home():
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    for placeholder in Page.objects.filter(depth=2, slug="home"):
        Site.objects.filter(root_page=placeholder).delete()
        placeholder.delete()
    home = HomePage(title="หน้าแรก", slug="home")
    root.add_child(instance=home)
    publish(home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    return HomePage.objects.get(pk=home.pk)


def make_agency(code="uthai-thani", name="จังหวัดอุทัยธานี", parent=None, kind=Agency.Kind.PROVINCE):
    agency = Agency.objects.create(code=code, name_th=name, parent=parent, kind=kind)
    parent_page = parent.page if parent is not None else make_home()
    page = AgencyPage(title=name, slug=code, agency=agency)
    parent_page.add_child(instance=page)
    publish(page)
    return agency


def make_item_page(agency, slug="news", title="ข่าวประชาสัมพันธ์", items=(), group_slug="basic"):
    agency_page = agency.page
    group = ItemGroupPage.objects.child_of(agency_page).filter(slug=group_slug).first()
    if group is None:
        group = ItemGroupPage(title="ข้อมูลพื้นฐาน", slug=group_slug)
        agency_page.add_child(instance=group)
        publish(group)
    page = ItemPage(title=title, slug=slug)
    page.items = list(items)
    group.add_child(instance=page)
    return publish(page)


def make_framework_item(year=2568, code="O4", name="ข่าวประชาสัมพันธ์", recurrence="per_event"):
    framework, _ = FrameworkYear.objects.get_or_create(year=year, defaults={"name": f"ITA {year}"})
    return FrameworkItem.objects.create(framework=framework, code=code, name_th=name, recurrence=recurrence)


def add_disclosure(parent, page, user=None, publish_it=True):
    parent.add_child(instance=page)
    if publish_it:
        return publish(page, user)
    page.save_revision(user=user)
    return page.__class__.objects.get(pk=page.pk)


def shared(django_db_blocker, build):
    """Build content once for a module's tests (``yield from`` it in a module-scoped fixture named ``shared_*``).

    ``build()`` runs in a transaction of its own that stays open while the module's tests run and is
    rolled back after the last one: each test's own transaction (pytest-django's ``db``) is a savepoint
    inside it, so whatever a test writes on top is rolled back as before and the next test finds the
    tree as built. The build writes no files and no search index (its index tasks wait in the outbox,
    drained by each test into its own index). Tests take it through a function fixture that asks for
    ``db`` and hands out :func:`reloaded` (fresh instances: a test's in-memory changes stay its own).
    tests/conftest.py runs the module's other tests before, and refuses transactional tests with it.
    """
    with django_db_blocker.unblock():
        if transaction.get_connection().in_atomic_block:
            raise RuntimeError(
                "a shared tree is built outside every test's transaction: ask for its shared_* fixture by name "
                "(a parameter or usefixtures), not through request.getfixturevalue, and no test may hold another "
                "one of the same module open"
            )
        block = transaction.atomic()
        block.__enter__()
        try:
            with tempfile.TemporaryDirectory() as folder, override_settings(
                MEDIA_ROOT=folder, SEARCH={"BACKEND": "embedded", "EMBEDDED_PATH": f"{folder}/search.sqlite3"}
            ):
                built = build()
        except BaseException:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            raise
    # A request's end closes a connection whose autocommit differs from its settings (Django's
    # close_old_connections): inside this transaction that is every connection, and the transaction would
    # go with it (PostgreSQL; SQLite's in-memory test database ignores the close). A streamed response closed
    # by a test (the audit export) ends its request outside the test client's own guard, which reconnects
    # that receiver after every request: so while the tree stands, the connection itself declines.
    kept = connections[DEFAULT_DB_ALIAS]
    kept.close_if_unusable_or_obsolete = lambda: None
    try:
        yield built
    finally:
        del kept.close_if_unusable_or_obsolete
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            Site.clear_site_root_paths_cache()


def shared_fixtures(name, build, doc, shared_name=None):
    """A module's two fixtures for a tree ``build()`` makes once: ``shared_name`` (``shared_<name>`` unless
    given; module scope, :func:`shared`) and ``name`` (each test's fresh copy, :func:`reloaded`). Assign both
    to module names, e.g. ``shared_item_page, item_page = shared_fixtures("item_page", build, "The item page")``.
    """
    shared_name = shared_name or f"shared_{name}"

    def build_once(django_db_setup, django_db_blocker):
        yield from shared(django_db_blocker, build)

    def fresh(**fixtures):
        return reloaded(fixtures[shared_name])

    # pytest reads a fixture's arguments from its signature: the shared tree by its name, then ``db``.
    keyword = inspect.Parameter.KEYWORD_ONLY
    fresh.__signature__ = inspect.Signature([inspect.Parameter(shared_name, keyword), inspect.Parameter("db", keyword)])
    build_once.__doc__ = f"{doc}, built once for the module (tests/factories.py ``shared``)."
    fresh.__doc__ = f"{doc}, read anew for each test."
    return pytest.fixture(scope="module", name=shared_name)(build_once), pytest.fixture(name=name)(fresh)


def and_then(build, more=None):
    """A build for :func:`shared`: ``build()``, then ``more(built)`` when given (a module's own additions)."""

    def build_all():
        built = build()
        if more is not None:
            more(built)
        return built

    return build_all


def reloaded(built):
    """A copy of what :func:`shared` built for one test, every model instance in it (attributes, dict values) read anew."""
    Site.clear_site_root_paths_cache()  # a rolled-back test may have left its own sites there
    return _reloaded(built)


def _reloaded(built):
    if isinstance(built, models.Model):
        return type(built)._default_manager.get(pk=built.pk)
    if isinstance(built, dict):
        return {key: _reloaded(value) for key, value in built.items()}
    if isinstance(built, (list, tuple)):
        return type(built)(_reloaded(value) for value in built)
    if hasattr(built, "__dict__") and not isinstance(built, type):
        fresh = copy.copy(built)
        fresh.__dict__.update({key: _reloaded(value) for key, value in vars(built).items()})
        return fresh
    return built


def yesterday():
    return datetime.date.today() - datetime.timedelta(days=1)
