"""ITA disclosure frameworks are data: a framework year holds its OIT items.

The list changes from year to year; adding a year is a fixture or an admin edit,
never a code change (see repository/fixtures/ita_frameworks.json and
``manage.py load_frameworks``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from ..fiscal import normalise_fiscal_year

KEY_SEPARATOR = ":"


def item_key(year, code):
    """An OIT item's public key, ``"2565:O22"``: a code means something only with its framework year."""
    return f"{year}{KEY_SEPARATOR}{code}"


def parse_item_key(value):
    """``"2565:O22"`` → ``(2565, "O22")``; a bare code ``"o22"`` → ``(None, "O22")`` (any year).

    The year may be Buddhist Era or Gregorian (``2022:O22`` is ITA 2565). Raises ``ValueError``
    for anything else (an empty code, a year that is not a plausible fiscal year).
    """
    text = str(value).strip()
    year, separator, code = text.rpartition(KEY_SEPARATOR)
    code = code.strip().upper()
    if not code or len(code) > 8 or any(c.isspace() or c in ",:" for c in code):
        raise ValueError(f"{text[:40]!r} is not an OIT item code (O22) or a year and code (2565:O22)")
    if not separator:
        return None, code
    try:
        return normalise_fiscal_year(year), code
    except ValueError:
        raise ValueError(f"{text[:40]!r}: {year[:12]!r} is not a framework year (2565:O22)") from None


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

    @property
    def key(self):
        return item_key(self.framework.year, self.code)


class FrameworkItemSuccession(models.Model):
    """An item of one framework year carried into the next: ``previous`` (2568's O12) → ``successor``.

    One old item may have several successors (split) and several old items one successor (merge).
    Made by the roll-over (``repository.frameworks_rollover``). Disclosures answering ``previous`` are
    *proposed* for ``successor`` on each agency's answer sheet until the agency decides
    (``CarryOverDecision``).
    """

    previous = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="successions",
                                 verbose_name="รายการเดิม")
    successor = models.ForeignKey(FrameworkItem, on_delete=models.CASCADE, related_name="predecessions",
                                  verbose_name="รายการใหม่")

    class Meta:
        verbose_name = "การเทียบรายการ OIT ข้ามปี"
        verbose_name_plural = "การเทียบรายการ OIT ข้ามปี"
        constraints = [models.UniqueConstraint(fields=["previous", "successor"], name="unique_item_succession")]

    def __str__(self):
        return f"{self.previous.key} → {self.successor.key}"


class CarryOverDecision(models.Model):
    """An agency's decision on a proposal: do its disclosures answering the old item answer the new one?

    Confirmed: they count on the agency's sheet for the new item. Declined: they are no longer proposed.
    Made by a person holding the agency's approver role, with who and when; one decision per agency and
    succession. That role may change it (the row decided again, by whom and when) or withdraw it (the row
    deleted: a proposal again), each a logged action (``repository.frameworks_rollover.change``).
    """

    succession = models.ForeignKey(FrameworkItemSuccession, on_delete=models.CASCADE, related_name="decisions")
    agency = models.ForeignKey("repository.Agency", on_delete=models.CASCADE, related_name="carry_over_decisions")
    confirmed = models.BooleanField("ยืนยัน")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="ผู้ตัดสิน")
    decided_at = models.DateTimeField("เมื่อ", default=timezone.now)

    class Meta:
        verbose_name = "การยืนยันรายการที่ยกมา"
        verbose_name_plural = "การยืนยันรายการที่ยกมา"
        constraints = [models.UniqueConstraint(fields=["succession", "agency"], name="unique_carry_over_decision")]

    def __str__(self):
        return f"{self.agency_id}: {self.succession} {'ยืนยัน' if self.confirmed else 'ไม่รับ'}"
