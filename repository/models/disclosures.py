"""The concrete disclosure page types, one per category of the ITA list."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from ..fiscal import first_half_bounds, fiscal_year_of
from ..thai import format_be_month
from .forms import DisclosurePageForm
from .pages import DisclosurePage


class OfficialOrderPage(DisclosurePage):
    """คำสั่ง / ประกาศ / ระเบียบ: an official order or announcement."""

    class Kind(models.TextChoices):
        ORDER = "order", "คำสั่ง"
        ANNOUNCEMENT = "announcement", "ประกาศ"
        REGULATION = "regulation", "ระเบียบ/ข้อบังคับ"

    kind = models.CharField("ประเภท", max_length=16, choices=Kind.choices, default=Kind.ORDER)
    signed_by = models.CharField("ผู้ลงนาม", max_length=255, blank=True)
    issue_year = models.PositiveSmallIntegerField(
        "ปีที่ออก (พ.ศ.)", null=True, blank=True,
        help_text="ใช้เมื่อไม่ทราบวันที่ออกที่แน่นอน; คำนวณจากวันที่ออกเอกสารเมื่อทราบ",
    )
    date_note = models.CharField("หมายเหตุเรื่องวันที่", max_length=255, blank=True)

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("signed_by"), FieldPanel("issue_year"), FieldPanel("date_note")],
            heading="คำสั่ง/ประกาศ",
        )
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("signed_by")]
    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "คำสั่ง/ประกาศ"
        verbose_name_plural = "คำสั่ง/ประกาศ"

    def clean(self):
        super().clean()
        if self.issue_date is None and self.issue_year is None:
            raise ValidationError({"issue_date": "กรุณาระบุวันที่ออกเอกสาร หรือปีที่ออก (พ.ศ.) หากไม่ทราบวันที่"})

    def save(self, *args, **kwargs):
        if self.issue_date is not None:
            self.issue_year = self.issue_date.year + 543
        return super().save(*args, **kwargs)


class NewsPage(DisclosurePage):
    """ข่าวประชาสัมพันธ์ (measure 1.3)."""

    source_url = models.URLField("แหล่งที่มา", max_length=500, blank=True, db_index=True)
    source_category = models.CharField("หมวดข่าวต้นทาง", max_length=255, blank=True)

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel([FieldPanel("source_url"), FieldPanel("source_category")], heading="ที่มา")
    ]
    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "ข่าวประชาสัมพันธ์"
        verbose_name_plural = "ข่าวประชาสัมพันธ์"


class EmergencyAnnouncementPage(DisclosurePage):
    """ประกาศเหตุเร่งด่วน (measure 1.2): shown prominently until it expires."""

    class Severity(models.TextChoices):
        INFO = "info", "แจ้งเพื่อทราบ"
        WARNING = "warning", "เฝ้าระวัง"
        CRITICAL = "critical", "วิกฤต"

    severity = models.CharField("ระดับความรุนแรง", max_length=16, choices=Severity.choices, default=Severity.WARNING)
    affected_area = models.CharField("พื้นที่ที่ได้รับผลกระทบ", max_length=500)
    valid_until = models.DateTimeField("มีผลถึง")

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("severity"), FieldPanel("affected_area"), FieldPanel("valid_until")], heading="เหตุเร่งด่วน"
        )
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("affected_area")]
    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "ประกาศเหตุเร่งด่วน"
        verbose_name_plural = "ประกาศเหตุเร่งด่วน"

    def is_active(self, at=None):
        return (at or timezone.now()) < self.valid_until

    def clean(self):
        super().clean()
        if self.valid_until and self.issue_date and self.valid_until.date() < self.issue_date:
            raise ValidationError({"valid_until": "วันที่สิ้นสุดผลต้องไม่ก่อนวันที่ออกประกาศ"})


class ProcurementMethod(models.TextChoices):
    SPECIFIC = "specific", "วิธีเฉพาะเจาะจง"
    SELECTION = "selection", "วิธีคัดเลือก"
    E_BIDDING = "e_bidding", "วิธีประกาศเชิญชวนทั่วไป (e-bidding)"
    E_MARKET = "e_market", "วิธีตลาดอิเล็กทรอนิกส์ (e-market)"
    OTHER = "other", "วิธีอื่น"


class ProcurementAnnouncementPage(DisclosurePage):
    """ประกาศเกี่ยวกับการจัดซื้อจัดจ้าง: invitation, result, cancellation."""

    class Stage(models.TextChoices):
        PLAN = "plan", "ประกาศแผนการจัดซื้อจัดจ้าง"
        INVITATION = "invitation", "ประกาศเชิญชวน"
        RESULT = "result", "ประกาศผู้ชนะการเสนอราคา"
        CANCELLATION = "cancellation", "ประกาศยกเลิก"

    stage = models.CharField("ประเภทประกาศ", max_length=16, choices=Stage.choices, default=Stage.INVITATION)
    method = models.CharField("วิธีการจัดหา", max_length=16, choices=ProcurementMethod.choices)
    budget = models.DecimalField("วงเงินงบประมาณ (บาท)", max_digits=15, decimal_places=2, null=True, blank=True)
    reference_price = models.DecimalField("ราคากลาง (บาท)", max_digits=15, decimal_places=2, null=True, blank=True)
    egp_project_number = models.CharField("เลขที่โครงการ e-GP", max_length=32, blank=True, db_index=True)
    winner = models.CharField("ผู้ได้รับการคัดเลือก", max_length=255, blank=True)
    agreed_price = models.DecimalField("ราคาที่ตกลง (บาท)", max_digits=15, decimal_places=2, null=True, blank=True)
    outcome = models.TextField("ผลการพิจารณา", blank=True)

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("stage"),
                FieldPanel("method"),
                FieldRowPanel([FieldPanel("budget"), FieldPanel("reference_price")]),
                FieldPanel("egp_project_number"),
                FieldRowPanel([FieldPanel("winner"), FieldPanel("agreed_price")]),
                FieldPanel("outcome"),
            ],
            heading="การจัดซื้อจัดจ้าง",
        )
    ]
    search_fields = DisclosurePage.search_fields + [index.SearchField("egp_project_number"), index.SearchField("winner")]
    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "ประกาศจัดซื้อจัดจ้าง"
        verbose_name_plural = "ประกาศจัดซื้อจัดจ้าง"

    def clean(self):
        super().clean()
        errors = {}
        for name in ("budget", "reference_price", "agreed_price"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "จำนวนเงินต้องไม่ติดลบ"
        if self.stage == self.Stage.RESULT and not self.winner:
            errors["winner"] = "ประกาศผู้ชนะต้องระบุผู้ได้รับการคัดเลือก"
        if self.egp_project_number and not self.egp_project_number.isdigit():
            errors["egp_project_number"] = "เลขที่โครงการ e-GP ต้องเป็นตัวเลขเท่านั้น"
        if errors:
            raise ValidationError(errors)


def summary_rows_error(no_procurement, row_count):
    """The one rule between the flag and the rows of a สขร.1, as a Thai message or None."""
    if no_procurement and row_count:
        return "เลือก \"ไม่มีการจัดซื้อจัดจ้าง\" แล้ว ต้องไม่มีรายการในตาราง"
    if not no_procurement and not row_count:
        return "กรุณาเพิ่มรายการจัดซื้อจัดจ้างอย่างน้อยหนึ่งรายการ หรือเลือก \"ไม่มีการจัดซื้อจัดจ้าง\""
    return None


class ProcurementSummaryForm(DisclosurePageForm):
    def clean(self):
        cleaned = super().clean()
        formset = self.formsets.get("procurement_rows")
        if formset is not None:
            kept = [
                form for index, form in enumerate(formset.forms)
                if not formset._should_delete_form(form)
                and (index < formset.initial_form_count() or form.has_changed())
            ]
            message = summary_rows_error(cleaned.get("no_procurement"), len(kept))
            if message:
                self.add_error("no_procurement", message)
        return cleaned


class ProcurementSummaryPage(DisclosurePage):
    """สรุปผลการจัดซื้อจัดจ้างรายเดือน (แบบ สขร.1), Official Information Act s.9(8).

    A month without procurement is still published, saying so.
    """

    month = models.DateField("ประจำเดือน", help_text="วันใดก็ได้ในเดือนนั้น ระบบจะบันทึกเป็นวันที่ 1")
    no_procurement = models.BooleanField("ไม่มีการจัดซื้อจัดจ้าง", default=False)

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel([FieldPanel("month"), FieldPanel("no_procurement")], heading="แบบ สขร.1"),
        InlinePanel("procurement_rows", label="รายการจัดซื้อจัดจ้าง"),
    ]
    base_form_class = ProcurementSummaryForm
    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "สรุปผลการจัดซื้อจัดจ้างรายเดือน"
        verbose_name_plural = "สรุปผลการจัดซื้อจัดจ้างรายเดือน"

    @property
    def month_be(self):
        return format_be_month(self.month)

    def clean(self):
        if self.month:
            self.month = self.month.replace(day=1)
        super().clean()
        if self.month and self.month > timezone.localdate().replace(day=1):
            raise ValidationError({"month": "ไม่สามารถสรุปผลการจัดซื้อจัดจ้างของเดือนที่ยังมาไม่ถึงได้"})

    def validate_rows(self):
        """The flag/rows rule for code paths that do not go through the admin form."""
        message = summary_rows_error(self.no_procurement, len(self.procurement_rows.all()))
        if message:
            raise ValidationError({"no_procurement": message})

    def derived_fiscal_year(self):
        if self.month:
            return fiscal_year_of(self.month)
        return super().derived_fiscal_year()

    def save(self, *args, **kwargs):
        if self.month:
            self.month = self.month.replace(day=1)
        return super().save(*args, **kwargs)


class ProcurementSummaryRow(Orderable):
    """One procurement in a monthly summary, with the columns of form สขร.1."""

    page = ParentalKey(ProcurementSummaryPage, on_delete=models.CASCADE, related_name="procurement_rows")
    item = models.CharField("งานที่จัดซื้อจัดจ้าง", max_length=500)
    budget = models.DecimalField("วงเงินที่จะซื้อหรือจ้าง (บาท)", max_digits=15, decimal_places=2)
    reference_price = models.DecimalField("ราคากลาง (บาท)", max_digits=15, decimal_places=2, null=True, blank=True)
    method = models.CharField("วิธีซื้อหรือจ้าง", max_length=16, choices=ProcurementMethod.choices)
    bidders = models.TextField("รายชื่อผู้เสนอราคาและราคาที่เสนอ", help_text="หนึ่งรายต่อบรรทัด: ชื่อ ราคา")
    selected_vendor = models.CharField("ผู้ได้รับการคัดเลือก", max_length=255)
    agreed_price = models.DecimalField("ราคาที่ตกลงซื้อหรือจ้าง (บาท)", max_digits=15, decimal_places=2)
    reason = models.CharField("เหตุผลที่คัดเลือกโดยสังเขป", max_length=500)
    contract_number = models.CharField("เลขที่สัญญา", max_length=100, blank=True)
    contract_date = models.DateField("วันที่ของสัญญา", null=True, blank=True)
    egp_project_number = models.CharField("เลขที่โครงการ e-GP", max_length=32, blank=True)

    panels = [
        FieldPanel("item"),
        FieldRowPanel([FieldPanel("budget"), FieldPanel("reference_price")]),
        FieldPanel("method"),
        FieldPanel("bidders"),
        FieldRowPanel([FieldPanel("selected_vendor"), FieldPanel("agreed_price")]),
        FieldPanel("reason"),
        FieldRowPanel([FieldPanel("contract_number"), FieldPanel("contract_date")]),
        FieldPanel("egp_project_number"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "รายการจัดซื้อจัดจ้าง"
        verbose_name_plural = "รายการจัดซื้อจัดจ้าง"

    def clean(self):
        errors = {}
        if self.agreed_price is not None and self.budget is not None and self.agreed_price > self.budget:
            errors["agreed_price"] = "ราคาที่ตกลงต้องไม่เกินวงเงินที่จะซื้อหรือจ้าง"
        if self.contract_date and self.contract_date > timezone.localdate():
            errors["contract_date"] = "วันที่ของสัญญาต้องไม่เป็นวันในอนาคต"
        if errors:
            raise ValidationError(errors)


class PlanReportPage(DisclosurePage):
    """แผน / รายงาน: plans and reports for a fiscal year or half of one."""

    fiscal_year_tolerance = 1

    class Kind(models.TextChoices):
        PLAN = "plan", "แผน"
        MONITORING = "monitoring", "รายงานการกำกับติดตาม"
        REPORT = "report", "รายงานผล"

    class Period(models.TextChoices):
        FULL_YEAR = "full_year", "ทั้งปีงบประมาณ"
        FIRST_HALF = "first_half", "รอบ 6 เดือนแรก (ต.ค. – มี.ค.)"
        MULTI_YEAR = "multi_year", "หลายปี"

    kind = models.CharField("ประเภท", max_length=16, choices=Kind.choices, default=Kind.PLAN)
    period = models.CharField("ช่วงเวลา", max_length=16, choices=Period.choices, default=Period.FULL_YEAR)

    content_panels = DisclosurePage.content_panels + [
        MultiFieldPanel([FieldPanel("kind"), FieldPanel("period")], heading="แผน/รายงาน")
    ]
    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "แผนและรายงาน"
        verbose_name_plural = "แผนและรายงาน"

    def clean(self):
        super().clean()
        if self.period == self.Period.FIRST_HALF and self.issue_date and self.fiscal_year:
            _, end = first_half_bounds(self.fiscal_year)
            if self.kind != self.Kind.PLAN and self.issue_date <= end:
                raise ValidationError({"issue_date": "รายงานรอบ 6 เดือนต้องออกหลังสิ้นเดือนมีนาคมของปีงบประมาณนั้น"})


class GeneralDisclosurePage(DisclosurePage):
    """Any other item: text and attachments only (structure, contacts, manuals...)."""

    template = "repository/disclosure_page.html"
    is_creatable = True

    class Meta:
        verbose_name = "ข้อมูลเผยแพร่ทั่วไป"
        verbose_name_plural = "ข้อมูลเผยแพร่ทั่วไป"


DISCLOSURE_PAGE_MODELS = [
    OfficialOrderPage,
    NewsPage,
    EmergencyAnnouncementPage,
    ProcurementAnnouncementPage,
    ProcurementSummaryPage,
    PlanReportPage,
    GeneralDisclosurePage,
]
