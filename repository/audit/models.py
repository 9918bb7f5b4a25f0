"""What django-reversion's Revision lacks: the action, the object, and the seal.

Every reversion revision gets exactly one ``AuditRecord`` (through
``reversion.add_meta``, or a fallback for revisions opened elsewhere). The
record is inserted once, already sealed into the hash chain, and never
updated: database triggers refuse UPDATE and DELETE on this table and on
reversion's own tables (migration 0002, ``triggers.py``).

``ChainHead`` is the one mutable row: a lock target that serialises appends
and remembers how long the chain is, so that a truncated tail is detected.
"""

from django.db import models, transaction

from .canonical import CanonicalJSONEncoder


class AuditRecord(models.Model):
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.PROTECT, related_name="audit_record", verbose_name="revision"
    )
    sequence = models.PositiveBigIntegerField("ลำดับ", unique=True)
    at = models.DateTimeField("เวลา", db_index=True)
    action = models.CharField("การกระทำ", max_length=255, db_index=True)
    # The object the action was on, as "app_label.model" and its primary key.
    object_model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=191)
    object_repr = models.TextField(blank=True)
    # For pages: the page id, and whether the page was live after the action.
    page_id = models.BigIntegerField(null=True, blank=True)
    live = models.BooleanField(null=True)
    # The version (in this revision) holding the object's own most specific row.
    version_id = models.BigIntegerField(null=True, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    agency_code = models.CharField(max_length=64, blank=True)
    # OIT item codes, space separated with a space at each end: " O7 O22 ".
    item_codes = models.CharField(max_length=1000, blank=True)
    # A snapshot of who acted (the user row may later be deleted; its e-mail is never kept here).
    user_id_snapshot = models.BigIntegerField(null=True, blank=True, db_index=True)
    user_name = models.CharField(max_length=255, blank=True)
    # Where this came from in Wagtail's own log, so the two can be compared.
    log_model = models.CharField(max_length=100, blank=True)
    log_entry_id = models.BigIntegerField(null=True, blank=True)
    # Stored as canonical JSON text (on SQLite the text stays as written; see verification.py).
    extra = models.JSONField(default=dict, blank=True, encoder=CanonicalJSONEncoder)
    previous_seal = models.CharField(max_length=64)
    seal = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "บันทึกการตรวจสอบ"
        verbose_name_plural = "บันทึกการตรวจสอบ"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_model", "object_id", "sequence"]),
            # Covers both a page's timeline (by sequence) and "last entry per page at a moment" (as-of reads).
            models.Index(fields=["page_id", "sequence", "at"], name="audit_page_seq_at_idx"),
            models.Index(fields=["at", "sequence"]),
        ]
        permissions = [("view_audit_trail", "Can view and export the audit trail")]

    def __str__(self):
        return f"#{self.sequence} {self.action} {self.object_model}:{self.object_id}"

    @property
    def is_publication(self):
        return self.action in PUBLICATION_ACTIONS

    def save(self, *args, **kwargs):
        """Insert only: the sequence and seal are assigned here, under the chain lock (or, inside
        ``chain.sealing_in_bulk``, with the block's other records when it ends)."""
        if self.pk is not None:
            raise ValueError("audit records are append-only")
        from .chain import defer_sealing, seal_record  # deferred: genuine cycle, chain seals with these models

        if defer_sealing(self, kwargs.get("using")):
            return
        with transaction.atomic(using=kwargs.get("using")):
            seal_record(self, using=kwargs.get("using"))
            kwargs["force_insert"] = True
            super().save(*args, **kwargs)


class ChainHead(models.Model):
    """One row (pk=1): the last sequence number and seal appended."""

    sequence = models.PositiveBigIntegerField(default=0)
    seal = models.CharField(max_length=64)
    at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "chain head"

    def __str__(self):
        return f"head #{self.sequence} {self.seal}"


class TreeNode(models.Model):
    """One complete subtree of the Merkle tree over the entries (``merkle.py``): inserted once, never changed.

    ``position`` is ``level << 48 | index``: the subtree of ``2**level`` leaves from leaf ``index * 2**level``
    (leaf *i* is entry *i + 1*). Level 0 holds each entry's leaf hash.
    """

    position = models.BigIntegerField(primary_key=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "Merkle tree node"

    def __str__(self):
        return f"node {self.position >> 48}/{self.position & ((1 << 48) - 1)} {self.hash}"


class Checkpoint(models.Model):
    """A signed checkpoint (C2SP tlog-checkpoint: origin, tree size, root hash, Ed25519 signature).

    ``note`` is the signed note exactly as signed and served; the other fields repeat what it says,
    for queries. Append-only (database triggers), like the entries.
    """

    size = models.PositiveBigIntegerField("จำนวนรายการ", db_index=True)
    root_hash = models.CharField(max_length=64)
    note = models.TextField()
    created_at = models.DateTimeField("เวลา", db_index=True)

    class Meta:
        verbose_name = "checkpoint"
        ordering = ["size", "id"]

    def __str__(self):
        return f"checkpoint {self.size} {self.root_hash}"


class Cosignature(models.Model):
    """A witness's cosignature of a checkpoint (C2SP tlog-cosignature/v1), kept beside it."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.CharField(max_length=255)
    line = models.TextField(help_text="the signature line, as appended to the checkpoint's note")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "cosignature"
        constraints = [models.UniqueConstraint(fields=["checkpoint", "witness"], name="audit_one_cosignature_per_witness")]

    def __str__(self):
        return f"{self.witness} on {self.checkpoint}"


# Actions after which the public may see something different.
PUBLICATION_ACTIONS = frozenset(
    {"wagtail.publish", "wagtail.publish.scheduled", "wagtail.unpublish", "wagtail.unpublish.scheduled",
     "wagtail.delete", "wagtail.move", "audit.restore"}
)
