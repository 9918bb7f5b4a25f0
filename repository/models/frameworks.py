"""ITA disclosure frameworks are data: a framework year holds its OIT items.

The list changes from year to year; adding a year is a fixture or an admin edit,
never a code change (see repository/fixtures/ita_frameworks.json and
``manage.py load_frameworks``).
"""

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable


class Recurrence(models.TextChoices):
    ONCE = "once", "ครั้งเดียว/เมื่อมีการเปลี่ยนแปลง"
    MONTHLY = "monthly", "รายเดือน"
    SEMI_ANNUAL = "semi_annual", "รอบ 6 เดือน"
    ANNUAL = "annual", "รายปี"
    PER_EVENT = "per_event", "ตามเหตุการณ์"


class FrameworkYear(ClusterableModel):
    """The ITA assessment of one Buddhist Era fiscal year, e.g. ITA 2568."""

    year = models.PositiveSmallIntegerField("ปีการประเมิน (พ.ศ.)", unique=True)
    name = models.CharField("ชื่อ", max_length=255)
    source_note = models.TextField(
        "ที่มาของรายการ", blank=True, help_text="รายการอ่านจากแหล่งใด ตรวจสอบแล้วหรือยัง"
    )

    panels = [FieldPanel("year"), FieldPanel("name"), FieldPanel("source_note"), InlinePanel("items", label="รายการ OIT")]

    class Meta:
        verbose_name = "กรอบการประเมิน ITA"
        verbose_name_plural = "กรอบการประเมิน ITA"
        ordering = ["-year"]

    def __str__(self):
        return self.name


class FrameworkItem(Orderable):
    """One OIT item of a framework year: O1 structure, O22 procurement announcements..."""

    framework = ParentalKey(FrameworkYear, on_delete=models.CASCADE, related_name="items", verbose_name="กรอบการประเมิน")
    code = models.CharField("รหัส", max_length=8, help_text="เช่น O1, O22")
    name_th = models.CharField("ชื่อรายการ (ไทย)", max_length=255)
    name_en = models.CharField("ชื่อรายการ (อังกฤษ)", max_length=255, blank=True)
    group = models.CharField("หมวด", max_length=255, blank=True)
    recurrence = models.CharField("ความถี่", max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE)
    guidance = models.TextField("คำอธิบาย", blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("group"),
        FieldPanel("recurrence"),
        FieldPanel("guidance"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "รายการ OIT"
        verbose_name_plural = "รายการ OIT"
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_item_code_per_year")]

    def __str__(self):
        return f"{self.code} {self.name_th} (ITA {self.framework.year})"
