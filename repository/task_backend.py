"""Wagtail's and modelsearch's background tasks: run at once, or once per object at the end of a batch.

Wagtail (the reference index) and modelsearch (the admin's search index) enqueue a
task on every save of an object they track; with django-tasks' ``ImmediateBackend``
each one runs there and then, reading the object again. A page published by an
import is saved three times, so it would be read and indexed three times.

``ImmediateOrDeferredBackend`` (settings ``TASKS``) is the immediate backend, except
inside ``deferred_tasks()``: there an enqueued task is kept, once per task and
arguments (the object's app, model and id), and the block's ``run()`` executes each
one once, in the order first enqueued, reading the object as it is by then. The
bulk importer's batch (``repository.importers.batches``) opens such a block inside
its transaction, so each saved object is indexed once, before the batch commits.
"""

from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar

from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_pending = ContextVar("deferred_tasks", default=None)


class ImmediateOrDeferredBackend(ImmediateBackend):
    def enqueue(self, task, args, kwargs):
        pending = _pending.get()
        if pending is None:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        key = (task.module_path, repr(args), repr(sorted(kwargs.items())))
        if key not in pending:
            pending[key] = (self, TaskResult(
                task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
                last_attempted_at=None, finished_at=None, args=list(args), kwargs=dict(kwargs), backend=self.alias,
                errors=[], worker_ids=[],
            ))
        return pending[key][1]


class DeferredTasks:
    def __init__(self):
        self.pending = OrderedDict()

    def run(self):
        """Execute what was enqueued so far, each distinct task once; tasks they enqueue run at once."""
        token = _pending.set(None)
        try:
            while self.pending:
                _, (backend, result) = self.pending.popitem(last=False)
                backend._execute_task(result)
        finally:
            _pending.reset(token)


@contextmanager
def deferred_tasks():
    """Inside: tasks enqueued on the immediate backend wait; call ``run()`` on what this yields before leaving
    (what is still pending when the block ends is dropped, as when its transaction rolls back)."""
    deferred = DeferredTasks()
    token = _pending.set(deferred.pending)
    try:
        yield deferred
    finally:
        _pending.reset(token)
