"""The outbox: index work recorded in the same transaction as the change."""

from django.db import models


class IndexTask(models.Model):
    """A page whose index entry must be brought in line with the database.

    Written by the signal handlers in ``search.signals`` inside the
    transaction that publishes, unpublishes, moves, restricts or deletes the
    page, so the task exists if and only if the change was committed. The
    drainer (``search.outbox.drain``) re-reads the page and indexes or removes
    it, so replaying a task is harmless; tasks are deleted once applied.
    """

    class Reason(models.TextChoices):
        PUBLISHED = "published", "เผยแพร่"
        UNPUBLISHED = "unpublished", "ยกเลิกการเผยแพร่"
        MOVED = "moved", "ย้าย"
        DELETED = "deleted", "ลบ"
        RESTRICTED = "restricted", "เปลี่ยนสิทธิ์การดู"
        REINDEX = "reindex", "สร้างดัชนีใหม่"

    page_id = models.PositiveIntegerField("หน้า", db_index=True)
    reason = models.CharField("เหตุ", max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField("สร้างเมื่อ", auto_now_add=True)
    attempts = models.PositiveIntegerField("จำนวนครั้งที่ลอง", default=0)
    last_error = models.TextField("ข้อผิดพลาดล่าสุด", blank=True)

    class Meta:
        verbose_name = "งานปรับปรุงดัชนีค้นหา"
        verbose_name_plural = "งานปรับปรุงดัชนีค้นหา"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_reason_display()} #{self.page_id}"
