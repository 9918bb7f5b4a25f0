"""Navigation pages and the base every disclosure page shares.

The tree reads like an agency website:
``HomePage → AgencyPage (→ AgencyPage…) → ItemGroupPage → ItemPage → disclosures``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..fiscal import fiscal_year_of
from ..slugs import page_slug, unique_slug
from ..thai import format_be_date, to_arabic_digits
from .agencies import Agency
from .forms import DisclosurePageForm, ItemPageForm, ThaiPageForm
from .page_types import DISCLOSURE_TYPES


def _gate():
    """The publication gate. The models know it only by this one import, made when a disclosure is
    published or saved live: ``repository.approvals`` builds on the models, so it cannot be imported
    while they are being defined."""
    from repository.approvals import gate  # deferred: genuine cycle, the gate builds on these models

    return gate




class ThaiSlugMixin:
    """Fill an empty slug from the title, romanising Thai (see repository.slugs);
    the admin form does the same for the browser's lossy slugs (``forms.py``)."""

    base_form_class = ThaiPageForm

    def full_clean(self, *args, **kwargs):
        if not self.slug and self.title and self.path:
            self.slug = unique_slug(page_slug(self.title, self._meta.model_name), self.get_parent(), self)
        return super().full_clean(*args, **kwargs)


class ListingMixin:
    """Index pages list their live children, newest first."""

    listing_per_page = 20

    def listing(self):
        children = self.get_children().live().public().specific()
        return children.order_by("-first_published_at", "-pk")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.listing(), self.listing_per_page)
        context["children"] = paginator.get_page(request.GET.get("page"))
        return context


class HomePage(ThaiSlugMixin, ListingMixin, Page):
    """The site root: the list of agencies."""

    intro = models.TextField("คำนำ", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["repository.AgencyPage"]
    template = "repository/index_page.html"
    max_count = 1

    class Meta:
        verbose_name = "หน้าแรก"


class AgencyPage(ThaiSlugMixin, ListingMixin, Page):
    """The part of the tree an agency owns. Agencies nest: province → office."""

    agency = models.OneToOneField(
        "repository.Agency", verbose_name="หน่วยงาน", on_delete=models.PROTECT, related_name="page"
    )
    intro = models.TextField("แนะนำหน่วยงาน", blank=True)

    content_panels = Page.content_panels + [FieldPanel("agency"), FieldPanel("intro")]
    parent_page_types = ["repository.HomePage", "repository.AgencyPage"]
    subpage_types = ["repository.AgencyPage", "repository.ItemGroupPage"]
    template = "repository/index_page.html"

    class Meta:
        verbose_name = "หน้าหน่วยงาน"

    def item_page(self, slug):
        """This agency's own item page with that slug (not a sub-agency's)."""
        return ItemPage.objects.descendant_of(self).filter(depth=self.depth + 2, slug=slug).first()


class ItemGroupPage(ThaiSlugMixin, ListingMixin, Page):
    """A group of disclosure items, e.g. การจัดซื้อจัดจ้าง."""

    intro = models.TextField("คำอธิบาย", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["repository.AgencyPage"]
    subpage_types = ["repository.ItemPage"]
    template = "repository/index_page.html"

    class Meta:
        verbose_name = "หมวดข้อมูล"


class ItemPage(ThaiSlugMixin, ListingMixin, Page):
    """One disclosure item (e.g. ข่าวประชาสัมพันธ์), answering OIT items of several years."""

    intro = models.TextField("คำอธิบาย", blank=True)
    items = ParentalManyToManyField("repository.FrameworkItem", verbose_name="ตอบรายการ OIT", blank=True)
    page_types = models.JSONField(
        "ประเภทหน้าที่สร้างได้", default=list, blank=True,
        help_text="เลือกประเภทข้อมูลเผยแพร่ที่สร้างใต้รายการนี้ได้ เว้นว่างไว้เพื่ออนุญาตทุกประเภท",
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("items"), FieldPanel("page_types")]
    parent_page_types = ["repository.ItemGroupPage"]
    subpage_types = DISCLOSURE_TYPES
    base_form_class = ItemPageForm
    template = "repository/index_page.html"

    class Meta:
        verbose_name = "รายการข้อมูล"

    def allows(self, page_class):
        """Whether a disclosure of ``page_class`` may be created or moved here (``page_types``)."""
        return not self.page_types or page_class._meta.label in self.page_types

    def listing(self):
        return (
            DisclosurePage.objects.child_of(self).live().public().specific()
            .order_by("-issue_date", "-first_published_at", "-pk")
        )


class DisclosureTag(TaggedItemBase):
    content_object = ParentalKey("repository.DisclosurePage", related_name="tagged_items", on_delete=models.CASCADE)


class DisclosurePage(ThaiSlugMixin, Page):
    """What every disclosure shares. Concrete (multi-table) so that listings,
    filters and the answer sheet query all types in one table; never created
    on its own (``GeneralDisclosurePage`` is the plain kind)."""

    # How far an editor may set the fiscal year away from the issue date's.
    # Plans and reports legitimately name the year they cover.
    fiscal_year_tolerance = 0

    summary = models.TextField("สรุป", blank=True)
    body = RichTextField("รายละเอียด", blank=True)
    agency = models.ForeignKey(
        "repository.Agency", verbose_name="หน่วยงาน", null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="disclosures",
    )
    items = ParentalManyToManyField(
        "repository.FrameworkItem", verbose_name="ตอบรายการ OIT", blank=True, related_name="disclosures",
        help_text="เว้นว่างไว้เพื่อใช้รายการ OIT ของหน้ารายการข้อมูลที่อยู่เหนือขึ้นไป",
    )
    document_number = models.CharField(
        "เลขที่เอกสาร", max_length=100, blank=True, help_text="พิมพ์ตามต้นฉบับ เช่น ๒๒๔/๒๕๖๑"
    )
    document_number_normalized = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    issue_date = models.DateField("วันที่ออกเอกสาร", null=True, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(
        "ปีงบประมาณ (พ.ศ.)", null=True, blank=True, db_index=True,
        help_text="เว้นว่างไว้เพื่อคำนวณจากวันที่ออกเอกสาร (1 ต.ค. – 30 ก.ย.)",
    )
    external_link = models.URLField("Link ภายนอก", max_length=500, blank=True)
    tags = ClusterTaggableManager(through=DisclosureTag, blank=True, verbose_name="แท็ก")

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("document_number"), FieldPanel("issue_date"), FieldPanel("fiscal_year"), FieldPanel("items")],
            heading="ข้อมูลเอกสาร",
        ),
        FieldPanel("external_link"),
        InlinePanel("attachments", label="เอกสารแนบ"),
        FieldPanel("tags"),
    ]
    search_fields = Page.search_fields + [
        # The title of the latest draft too: the admin's search finds a page by the title its editors see
        # (the page row keeps the last published one until the draft is published).
        index.SearchField("draft_title"),
        index.AutocompleteField("draft_title"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("document_number"),
        index.FilterField("agency"),
        index.FilterField("fiscal_year"),
        index.FilterField("issue_date"),
    ]
    parent_page_types = ["repository.ItemPage"]
    subpage_types = []
    is_creatable = False
    base_form_class = DisclosurePageForm
    template = "repository/disclosure_page.html"

    class Meta:
        verbose_name = "ข้อมูลเผยแพร่"
        verbose_name_plural = "ข้อมูลเผยแพร่"
        indexes = [models.Index(fields=["agency", "fiscal_year"]), models.Index(fields=["issue_date"])]

    @classmethod
    def can_exist_under(cls, parent):
        """Only the types the item page offers (``ItemPage.page_types``), for creating and moving alike."""
        if not super().can_exist_under(parent):
            return False
        item_page = parent if isinstance(parent, ItemPage) else parent.specific
        return not isinstance(item_page, ItemPage) or item_page.allows(cls)

    # --- derived values -------------------------------------------------

    def derived_fiscal_year(self):
        return fiscal_year_of(self.issue_date) if self.issue_date else None

    def nearest_agency(self):
        """The agency owning the part of the tree this page sits in."""
        if not self.path:
            return None
        # The agency of the deepest AgencyPage among the paths of Wagtail's ancestor_of(self), in one query
        # that builds no page (it runs on every save).
        paths = [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]
        return next(iter(Agency.objects.filter(page__path__in=paths).order_by("-page__depth")[:1]), None)

    def inherited_items(self):
        parent = self.get_parent() if self.path else None
        if parent is not None and isinstance(parent.specific, ItemPage):
            return list(parent.specific.items.all())
        return []

    @property
    def issue_date_be(self):
        return format_be_date(self.issue_date)

    # --- validation -----------------------------------------------------

    def clean(self):
        super().clean()
        errors = {}
        if self.issue_date and self.issue_date > timezone.localdate():
            errors["issue_date"] = "วันที่ออกเอกสารต้องไม่เป็นวันในอนาคต"
        derived = self.derived_fiscal_year()
        if self.fiscal_year is not None:
            if not 2400 <= self.fiscal_year <= 2700:
                errors["fiscal_year"] = "ปีงบประมาณต้องเป็นปีพุทธศักราช เช่น 2568"
            elif derived is not None and abs(self.fiscal_year - derived) > self.fiscal_year_tolerance:
                errors["fiscal_year"] = (
                    f"ปีงบประมาณ {self.fiscal_year} ไม่ตรงกับวันที่ออกเอกสาร "
                    f"({format_be_date(self.issue_date)} อยู่ในปีงบประมาณ {derived})"
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.fiscal_year is None:
            self.fiscal_year = self.derived_fiscal_year()
        self.document_number_normalized = to_arabic_digits(self.document_number or "").strip()
        update_fields = kwargs.get("update_fields")
        # A save of named fields without the agency (Wagtail's save_revision) would not store it.
        agency = self.nearest_agency() if update_fields is None or "agency" in update_fields else None
        if agency is not None:
            self.agency = agency
        if self.pk is None and not list(self.items.all()):
            inherited = self.inherited_items()
            if inherited:
                self.items = inherited
        if self.pk is None and self.live and self.live_revision_id is None:
            # Wagtail's ``live`` defaults to True; a new disclosure is a draft until the gate publishes it.
            self.live = False
            self.has_unpublished_changes = True
        if self.live and (update_fields is None or {"live", "live_revision"} & set(update_fields)):
            # A disclosure becomes live only through the publication gate (repository/approvals/gate.py).
            stored = DisclosurePage.objects.filter(pk=self.pk).values_list("live", "live_revision_id").first()
            _gate().check_save(self, *(stored or (False, None)))
        return super().save(*args, **kwargs)

    # --- publication: always through the gate ----------------------------

    def publish(self, revision, user=None, changed=True, log_action=True, previous_revision=None,
                skip_permission_checks=False):
        """Wagtail's publish, through the publication gate (approved revision or recorded override only)."""
        return _gate().GatedPublishAction(
            revision, user=user, changed=changed, log_action=log_action, previous_revision=previous_revision,
        ).execute(skip_permission_checks=skip_permission_checks)

    def copy(self, *args, **kwargs):
        """A copy is a new draft: it goes live only through the procedure, never by ``keep_live``."""
        kwargs["keep_live"] = False
        return super().copy(*args, **kwargs)


class DisclosureAttachment(Orderable):
    """A Wagtail document attached to a disclosure, with the title shown for it."""

    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.PROTECT, related_name="+", verbose_name="เอกสาร")
    title = models.CharField("ชื่อที่แสดง", max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = "เอกสารแนบ"
        verbose_name_plural = "เอกสารแนบ"

    def display_title(self):
        return self.title or self.document.title
