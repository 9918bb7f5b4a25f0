"""Which source records a bulk import has already turned into pages."""

from django.db import models


class ImportedSource(models.Model):
    """One imported source record: its source id and the page it became.

    Written in the same transaction as the page, so a re-run (or a run resumed
    after an interruption) skips exactly what is there. ``page_id`` is a plain
    number, not a foreign key: a page deleted on purpose keeps its row, so a
    re-import does not bring it back.
    """

    source_id = models.CharField("รหัสต้นทาง", max_length=255, unique=True)
    page_id = models.BigIntegerField("หน้า")
    imported_at = models.DateTimeField("นำเข้าเมื่อ", auto_now_add=True)

    class Meta:
        verbose_name = "รายการที่นำเข้าแล้ว"
        verbose_name_plural = "รายการที่นำเข้าแล้ว"

    def __str__(self):
        return f"{self.source_id} → page {self.page_id}"
