"""The transactional outbox both side-effect queues use: the search index's ``IndexTask`` and the
webhooks' ``WebhookDelivery``.

Rows are written in the transaction of the change that causes them (a publish, unpublish, move or
delete): they commit together or not at all. A failed write raises and so fails that change, so an
event is never lost; work that may run right after the commit is scheduled robustly
(``transaction.on_commit(..., robust=True)``) and cannot fail it. Workers (``search sync``,
``webhooks deliver``) apply what is pending and delete or mark what they applied.
"""

from django.db import transaction


def write(rows, after_commit=None):
    """Insert the rows (all of one model) in the current transaction; ``after_commit`` runs once it commits."""
    rows = list(rows)
    if not rows:
        return []
    created = type(rows[0]).objects.bulk_create(rows)
    if after_commit is not None:
        transaction.on_commit(after_commit, robust=True)
    return created
