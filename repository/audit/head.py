"""The chain's head row and its lock: what serialises appends to the audit log (sealing a record,
signing a checkpoint)."""

from .canonical import GENESIS_SEAL
from .models import ChainHead


def lock_head(using):
    """Take the chain lock for this transaction and return the head row.

    ``SELECT … FOR UPDATE`` on the single ``ChainHead`` row serialises appends on
    PostgreSQL (a concurrent writer waits until this transaction ends, then reads
    the new head); SQLite's write lock is database-wide already.
    """
    manager = ChainHead.objects.using(using)
    head = manager.select_for_update().filter(pk=1).first()
    if head is None:
        manager.get_or_create(pk=1, defaults={"sequence": 0, "seal": GENESIS_SEAL})
        head = manager.select_for_update().get(pk=1)
    return head
