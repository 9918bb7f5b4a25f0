"""The task backend (repository/task_backend.py): at once outside a batch; inside one, each distinct task once,
at the batch's end, reading the object as it is by then."""

from collections import Counter

import pytest
from django.db import transaction
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from wagtail.models import ReferenceIndex

from repository.importers.batches import batched_side_work
from repository.models import NewsPage
from repository.task_backend import deferred_tasks
from tests.factories import make_agency, make_item_page, news_page, news_records, publish

CALLS = []


@task()
def note(value, suffix=""):
    CALLS.append(f"{value}{suffix}")
    if value == "again":
        note.enqueue("from inside")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def test_outside_a_block_a_task_runs_when_enqueued():
    result = note.enqueue("now")
    assert CALLS == ["now"] and result.status == TaskResultStatus.SUCCESSFUL


def test_inside_a_block_each_distinct_task_runs_once_at_run_in_the_order_first_enqueued():
    with deferred_tasks() as tasks:
        first = note.enqueue("b")
        assert note.enqueue("b") is first  # the same task and arguments: one run
        note.enqueue("a")
        note.enqueue("b", suffix="!")  # other keyword arguments: a task of its own
        assert CALLS == [] and first.status == TaskResultStatus.READY
        tasks.run()
        assert CALLS == ["b", "a", "b!"] and first.status == TaskResultStatus.SUCCESSFUL
        tasks.run()  # nothing left
        assert CALLS == ["b", "a", "b!"]


def test_a_task_enqueued_while_running_the_deferred_ones_runs_at_once():
    with deferred_tasks() as tasks:
        note.enqueue("again")
        tasks.run()
    assert CALLS == ["again", "from inside"]


def test_what_a_block_leaves_pending_is_dropped_and_tasks_run_at_once_again_after_it():
    with pytest.raises(RuntimeError), deferred_tasks():
        note.enqueue("lost")
        raise RuntimeError("the batch failed")
    assert CALLS == []
    note.enqueue("after")
    assert CALLS == ["after"]


@pytest.mark.django_db
def test_in_a_batch_each_saved_page_is_indexed_once_as_it_is_at_the_end():
    """A published page is saved three times (add, revision, publish): Wagtail's reference-index task and the
    admin search's task each ran three times per page before; in a batch, once per page."""
    parent = make_item_page(make_agency("secretariat-pm", "สำนักเลขาธิการนายกรัฐมนตรี", kind="central"), slug="news")
    pages = [news_page(record) for record in news_records()[:2]]
    runs = Counter()

    def count(sender, task_result, **kwargs):
        assert task_result.status == TaskResultStatus.SUCCESSFUL, task_result.errors
        runs[(task_result.task.name, tuple(task_result.args))] += 1

    task_finished.connect(count)
    try:
        with transaction.atomic(), batched_side_work():
            for page in pages:
                parent.add_child(instance=page)
                publish(page)
            assert not [key for key in runs if key[1][1] == "newspage"]  # nothing about the pages ran yet
    finally:
        task_finished.disconnect(count)
    for page in pages:
        for name in ("insert_or_update_object_task", "update_reference_index_task"):
            assert runs[(name, ("repository", "newspage", str(page.pk)))] == 1
        assert NewsPage.objects.get(pk=page.pk).live
        # The reference index holds the page's references as published (its agency, its items).
        assert ReferenceIndex.objects.filter(object_id=str(page.pk)).exists()
