from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Agency(index.Indexed, models.Model):
    """A government agency: the province, its offices, its districts.

    Agencies form a hierarchy through ``parent``. Each has one ``AgencyPage``
    in the page tree, the part of the site it owns; permissions and listings
    follow that part of the tree.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", "จังหวัด"
        OFFICE = "office", "ส่วนราชการ/สำนักงาน"
        DISTRICT = "district", "อำเภอ"
        LOCAL = "local", "องค์กรปกครองส่วนท้องถิ่น"
        CENTRAL = "central", "ส่วนราชการส่วนกลาง"

    code = models.SlugField("รหัสหน่วยงาน", max_length=64, unique=True, help_text="ใช้ใน URL และ API เช่น uthai-thani")
    name_th = models.CharField("ชื่อหน่วยงาน (ไทย)", max_length=255)
    name_en = models.CharField("ชื่อหน่วยงาน (อังกฤษ)", max_length=255, blank=True)
    kind = models.CharField("ประเภท", max_length=16, choices=Kind.choices, default=Kind.OFFICE)
    parent = models.ForeignKey(
        "self", verbose_name="หน่วยงานต้นสังกัด", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    address = models.TextField("ที่อยู่", blank=True)
    phone = models.CharField("โทรศัพท์", max_length=100, blank=True)
    email = models.EmailField("อีเมล", blank=True)
    website = models.URLField("เว็บไซต์", blank=True)
    collection = models.OneToOneField(
        "wagtailcore.Collection", verbose_name="คอลเลกชันเอกสารแนบ", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="agency",
        help_text="เอกสารแนบของหน่วยงานนี้ (repository.documents)",
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("website"),
    ]
    # What the admin's agency listing and choosers search (the code too: people type "uthai").
    search_fields = [
        index.SearchField("name_th"), index.SearchField("name_en"), index.SearchField("code"),
        index.AutocompleteField("name_th"), index.AutocompleteField("name_en"), index.AutocompleteField("code"),
    ]

    class Meta:
        verbose_name = "หน่วยงาน"
        verbose_name_plural = "หน่วยงาน"
        ordering = ["name_th"]

    def __str__(self):
        return self.name_th

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "หน่วยงานต้นสังกัดต้องไม่เป็นหน่วยงานนี้เองหรือหน่วยงานในสังกัด"})
            ancestor = ancestor.parent

    def descendant_ids(self):
        """Ids of this agency and every agency below it."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in ids]
            ids.update(frontier)
        return ids
