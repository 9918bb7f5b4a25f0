"""Sealing a batch's audit records together (``chain.sealing_in_bulk``, used by the bulk importer) gives
the chain one-by-one sealing gives: same sequences, links, seals and Merkle subtrees."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.utils import timezone
from reversion.models import Revision, Version

from repository.audit.chain import seal_record, seal_records, sealing_in_bulk, verify_chain
from repository.audit.models import AuditRecord, ChainHead, TreeNode
from repository.audit.recording import describe, record_action
from repository.models import Agency


def _revisions(prefix, count):
    """``count`` reversion revisions with no audit record yet, and an unsaved record for each."""
    records = []
    agencies = [Agency.objects.create(code=f"{prefix}-{n}", name_th=f"หน่วยงาน {n}", kind="office") for n in range(count)]
    for agency in agencies:
        # Written by hand: reversion's create_revision would have them sealed at once (seal_unsealed_revision).
        revision = Revision.objects.create(date_created=timezone.now(), comment=f"สร้าง {agency.code}")
        Version.objects.create(revision=revision, content_type=ContentType.objects.get_for_model(Agency),
                               object_id=str(agency.pk), db="default", format="json", object_repr=str(agency),
                               serialized_data=serializers.serialize("json", [agency]))
        records.append(lambda revision=revision, agency=agency: AuditRecord(
            revision=revision, action="reversion.revision", extra={"n": agency.code}, **describe(agency, "x")))
    return records


def _chain_after(seal):
    """Seal fresh records with ``seal`` in a savepoint rolled back after: what the chain then held."""
    with transaction.atomic():
        seal()
        result = (list(AuditRecord.objects.order_by("sequence").values_list("sequence", "previous_seal", "seal",
                                                                            "version_id")),
                  sorted(TreeNode.objects.values_list("position", "hash")),
                  ChainHead.objects.values_list("sequence", "seal").get(pk=1))
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_bulk_sealing_gives_the_chain_one_by_one_sealing_gives():
    # Seven records after four sealed ones: leaves 4..10 close subtrees at several levels, some of
    # whose left siblings are stored (made before) and some made within the same call.
    for make in _revisions("before", 4):
        make().save()
    makers = _revisions("batch", 7)
    before = AuditRecord.objects.count()

    def one_by_one():
        for make in makers:
            record = seal_record(make())
            AuditRecord.objects.bulk_create([record])

    def together():
        AuditRecord.objects.bulk_create(seal_records([make() for make in makers]))

    expected = _chain_after(one_by_one)
    assert len(expected[0]) == before + 7
    assert _chain_after(together) == expected


@pytest.mark.django_db
def test_records_made_in_a_bulk_block_are_sealed_when_it_ends_in_the_order_made():
    agencies = [Agency.objects.create(code=f"block-{n}", name_th=f"หน่วยงาน {n}", kind="office") for n in range(3)]
    before = AuditRecord.objects.count()
    with transaction.atomic(), sealing_in_bulk():
        for agency in agencies:
            record_action(agency, "audit.test", comment="ในชุด", return_record=False)
        assert AuditRecord.objects.count() == before  # kept for the block's end
    made = list(AuditRecord.objects.filter(action="audit.test").order_by("sequence").values_list("object_id", flat=True))
    assert made == [str(agency.pk) for agency in agencies]
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_record_read_back_inside_a_bulk_block_is_sealed_first():
    first, second = (Agency.objects.create(code=f"read-{n}", name_th="หน่วยงาน", kind="office") for n in range(2))
    with transaction.atomic(), sealing_in_bulk():
        record_action(first, "audit.test", return_record=False)
        record = record_action(second, "audit.test")
        assert record.object_id == str(second.pk) and record.seal
        assert AuditRecord.objects.filter(action="audit.test").count() == 2
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_failed_bulk_block_seals_nothing():
    agency = Agency.objects.create(code="fails", name_th="หน่วยงาน", kind="office")
    head = ChainHead.objects.values_list("sequence", "seal").first()
    with pytest.raises(RuntimeError), transaction.atomic(), sealing_in_bulk():
        record_action(agency, "audit.test", return_record=False)
        raise RuntimeError("the batch fails")
    assert ChainHead.objects.values_list("sequence", "seal").first() == head
    assert not AuditRecord.objects.filter(action="audit.test").exists()
    assert verify_chain().ok


@pytest.mark.django_db
def test_a_pending_record_whose_revision_was_rolled_back_is_refused_not_dropped():
    agency = Agency.objects.create(code="gone", name_th="หน่วยงาน", kind="office")
    with pytest.raises(Revision.DoesNotExist), transaction.atomic(), sealing_in_bulk():
        try:
            with transaction.atomic():
                record_action(agency, "audit.test", return_record=False)
                raise ValueError("rolled back after the record was made")
        except ValueError:
            pass
    assert not AuditRecord.objects.filter(action="audit.test").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bulk_block_outside_a_transaction_is_one_no_revision_is_committed_without_its_record():
    agency = Agency.objects.create(code="autocommit", name_th="หน่วยงาน", kind="office")
    revisions = Revision.objects.count()
    with pytest.raises(RuntimeError), sealing_in_bulk():
        record_action(agency, "audit.test", return_record=False)
        raise RuntimeError("fails after the revision was written")
    assert Revision.objects.count() == revisions
    with sealing_in_bulk():
        record_action(agency, "audit.test", return_record=False)
    assert AuditRecord.objects.filter(action="audit.test").count() == 1
    assert verify_chain().ok
