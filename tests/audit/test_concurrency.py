"""Concurrent writers on PostgreSQL append to one linear chain with no gaps, and one Merkle tree."""

import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from wagtail.log_actions import log

from repository.audit.canonical import canonical_json
from repository.audit.chain import iter_entries, verify_chain
from repository.audit.merkle import leaf_hash, root_of
from repository.audit.models import AuditRecord, TreeNode
from repository.audit.stored_tree import StoredTree
from repository.models import Agency

THREADS = 6
ACTIONS_PER_THREAD = 8

pytestmark = [
    pytest.mark.postgres,
    # Decided before any database is set up: a transactional test on SQLite would end with a flush
    # (DELETE FROM every table) that the audit tables' append-only triggers refuse.
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL=postgres://...): SQLite's global write lock "
               "serialises writers by itself, so there is no concurrency to test",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_concurrent_writers_give_one_valid_chain():
    user = get_user_model().objects.create_user(username="writer", password="x", full_name="ผู้เขียน")
    agencies = [Agency.objects.create(code=f"agency-{n}", name_th=f"หน่วยงาน {n}") for n in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def work(agency_id):
        try:
            agency = Agency.objects.get(pk=agency_id)
            barrier.wait()
            for step in range(ACTIONS_PER_THREAD):
                try:
                    with transaction.atomic():
                        agency.phone = f"056-{step:03d}"
                        agency.save()
                        log(agency, "wagtail.edit", user=user)
                        if step == 3:
                            raise RuntimeError("rolled back: must leave no seal")
                except RuntimeError:
                    pass
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(agency.pk,)) for agency in agencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected = THREADS * (ACTIONS_PER_THREAD - 1)
    edits = AuditRecord.objects.filter(object_model="repository.agency", action="wagtail.edit")
    assert edits.count() == expected  # the rolled-back step of each writer left nothing
    # Every entry (set-up ones too, e.g. the agencies' role groups) in one gapless sequence.
    total = AuditRecord.objects.count()
    sequences = list(AuditRecord.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    previous = list(AuditRecord.objects.values_list("previous_seal", flat=True))
    assert len(set(previous)) == len(previous)  # linear: no two entries claim the same predecessor
    result = verify_chain()
    assert result.ok and result.count == total
    # One Merkle tree: every leaf and subtree stored exactly once, the tree of the entries in sequence order.
    inputs = [canonical_json(payload) for _, payload, _ in iter_entries()]
    tree = StoredTree()
    assert tree.size() == total == len(inputs)
    assert tree.root(total) == root_of([leaf_hash(entry) for entry in inputs])
    assert TreeNode.objects.count() == 2 * total - bin(total).count("1")  # leaves + closed subtrees, no more
    # Interleaved for real: writers' entries alternate rather than arriving thread by thread.
    owners = list(edits.order_by("sequence").values_list("object_id", flat=True))
    switches = sum(1 for a, b in zip(owners, owners[1:], strict=False) if a != b)
    assert switches > THREADS
