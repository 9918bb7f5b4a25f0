"""Writing imported pages batch by batch, every guarantee kept.

Each page goes through the product's own path: ``add_child`` (validation by
Wagtail's ``full_clean``), ``save_revision`` (logged), then ``publish(page, user)``
— for imports the approvals app's administrator override, which logs the reason,
publishes through the gate and writes the approval form; the audit trail seals
every log entry and the search and webhook outboxes get their rows, all on
Wagtail's signals as for an editor's publish.

A batch is one transaction. What Wagtail would repeat on each of a page's three
saves is done once per batch inside that transaction (``batched_side_work``): its
reference-index and admin-search tasks run once per saved object
(``repository.task_backend``), the admin search index written in one bulk pass per
model (``repository.wagtail_database``). If any page of a batch fails, the
whole batch rolls back and its pages are written again one per transaction, so
the failing line is reported with its reason and the others still land.
"""

from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from repository.audit.chain import sealing_in_bulk
from repository.task_backend import deferred_tasks
from repository.wagtail_database import deferred_adds, flush_deferred

from ..models import ImportedSource


@dataclass
class PlannedPage:
    """A line that passed every check made before writing: where it goes and how to build it."""

    line_number: int
    source_id: str
    parent: object  # the ItemPage
    build: Callable  # () -> an unsaved page, its child rows set
    after_add: Callable | None = None  # (page) -> None, e.g. create attachments


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    errors: list = field(default_factory=list)  # [(line_number, message)]
    retried_batches: int = 0

    @property
    def bad(self):
        return len(self.errors)


@contextmanager
def batched_side_work():
    """Inside one batch's transaction: per-save reference-index, admin-search and audit-sealing work, done
    once at the end (the batch's audit records sealed together in the order they were made).

    Wagtail's and modelsearch's tasks wait and run once per saved object
    (``deferred_tasks``), the admin index's additions are written in one bulk pass
    per model (``deferred_adds``), all before the transaction commits. On an error
    nothing is run or flushed (the transaction rolls back anyway).
    """
    with deferred_tasks() as tasks, deferred_adds(), sealing_in_bulk():
        yield
        tasks.run()
        flush_deferred()


def error_message(error):
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        return " ".join(error.messages)
    return f"{type(error).__name__}: {error}"


def _write_page(planned, user, publish):
    page = planned.build()
    planned.parent.add_child(instance=page)
    if planned.after_add is not None:
        planned.after_add(page)
    # add_child has just run the page's full_clean on these very values (attachments are rows of their own):
    # the revision skips a second one, as Wagtail's own create view does.
    page.save_revision(user=user, log_action=True, clean=False)
    publish(page, user)
    return page


def _write_batch(batch, user, publish, bulk):
    with transaction.atomic(), (batched_side_work() if bulk else nullcontext()):
        pages = [_write_page(planned, user, publish) for planned in batch]
        ImportedSource.objects.bulk_create([
            ImportedSource(source_id=planned.source_id, page_id=page.pk)
            for planned, page in zip(batch, pages, strict=True) if planned.source_id
        ])
    return pages


def write_pages(planned_pages, *, user, publish, report, batch_size=100, bulk=True, progress=None):
    """Write ``planned_pages`` (an iterable of PlannedPage) in batches; count and report into ``report``.

    ``bulk=False`` writes page by page, each in its own transaction with Wagtail's
    per-save work as it comes: the reference the bulk path is compared against.
    ``progress(n)`` is called after each batch with the number of lines it handled.
    """
    batch_size = max(1, batch_size if bulk else 1)
    batch = []

    def flush():
        try:
            _write_batch(batch, user, publish, bulk)
            report.created += len(batch)
        except Exception as error:  # noqa: BLE001 - any failure: roll back the batch, report, go on
            if len(batch) == 1:
                report.errors.append((batch[0].line_number, error_message(error)))
            else:
                report.retried_batches += 1
                for planned in batch:
                    try:
                        _write_batch([planned], user, publish, bulk)
                        report.created += 1
                    except Exception as single_error:  # noqa: BLE001
                        report.errors.append((planned.line_number, error_message(single_error)))
        if progress:
            progress(len(batch))
        batch.clear()

    for planned in planned_pages:
        batch.append(planned)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return report
