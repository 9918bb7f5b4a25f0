"""Wagtail's database search backend as configured (repository/wagtail_database.py): a save costs the same in a
grown repository, the admin's page search still finds new pages, and bulk imports index once per batch."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from modelsearch.backends import get_search_backend
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from repository.importers.batches import batched_side_work
from repository.models import NewsPage
from tests.factories import make_agency, make_item_page, news_page, news_records, publish, publish_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent():
    return make_item_page(make_agency("secretariat-pm", "สำนักเลขาธิการนายกรัฐมนตรี", kind="central"), slug="news")


def whole_table_passes(queries):
    """modelsearch's title-norm refresh: an average over every entry, then an UPDATE of the entries' norms."""
    return [q["sql"] for q in queries if "wagtailsearch_indexentry" in q["sql"] and (
        "AVG(" in q["sql"].upper() or (q["sql"].lstrip().upper().startswith("UPDATE") and "title_norm" in q["sql"]))]


def test_a_page_save_makes_no_pass_over_the_whole_index_table(parent):
    """Before: each indexed save ran AVG(LENGTH(title)) and UPDATE … WHERE title_norm = 1.0 over every entry."""
    page = news_page(news_records()[0])
    with CaptureQueriesContext(connection) as queries:
        parent.add_child(instance=page)
        publish(page)
    assert whole_table_passes(queries.captured_queries) == []
    # The admin's page search still finds it.
    title_word = page.title.split()[0]
    assert page.pk in [p.pk for p in get_search_backend().search(title_word, Page)]


def test_a_full_rebuild_still_sets_every_title_norm(parent):
    publish_many(parent, [news_page(record) for record in news_records()[:3]])
    assert IndexEntry.objects.filter(title_norm=1.0).count() >= 3
    from django.core.management import call_command

    call_command("update_index", verbosity=0)
    titled = list(IndexEntry.objects.exclude(title=""))
    assert len({len(e.title) for e in titled}) > 1  # real titles of different lengths…
    assert len({round(e.title_norm, 6) for e in titled}) > 1  # …get their own norms (average length / length)


def test_inside_a_batch_the_admin_index_and_reference_index_are_written_once_at_the_end(parent):
    pages = [news_page(record) for record in news_records()[:3]]
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, batched_side_work():
            for page in pages:
                parent.add_child(instance=page)
                publish(page)
            written_before_end = [q for q in queries.captured_queries
                                  if "wagtailsearch_indexentry" in q["sql"] and q["sql"].lstrip().startswith("INSERT")]
        inserts = [q for q in queries.captured_queries
                   if "wagtailsearch_indexentry" in q["sql"] and q["sql"].lstrip().startswith("INSERT")]
    assert written_before_end == []
    assert len(inserts) == 1  # one bulk insert for the three pages
    for page in pages:
        assert IndexEntry.objects.filter(object_id=str(page.pk)).count() == 1
    assert NewsPage.objects.live().count() == 3
