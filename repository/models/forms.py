"""The admin form every page of ours edits with.

Wagtail's editor fills the slug from the title in the browser; with ASCII slugs
(``WAGTAIL_ALLOW_UNICODE_SLUGS = False``) it drops every Thai letter, so an
all-Thai title gives ``-`` and a second page with that title cannot be saved.
Here the server decides instead (``repository.slugs``): a slug that is empty,
hyphens only or the browser's lossy copy of a Thai title is made from the
title by romanisation and suffixed until it is free among its siblings. A slug
the editor typed is kept (tidied), and Wagtail's own check still refuses a
typed slug that a sibling holds.
"""

from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.models import register_form_field_override

from .. import slugs
from ..fiscal import fiscal_year_of
from ..thai import format_baht, parse_baht
from .frameworks import FrameworkItem, FrameworkYear
from .page_types import DISCLOSURE_TYPES


class MoneyField(forms.DecimalField):
    """Baht in the admin: shown ``2,500,000.00``; typed with or without separators,
    in Arabic or Thai digits."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        return super().to_python(parse_baht(value) if isinstance(value, str) else value)

    def prepare_value(self, value):
        if isinstance(value, str):
            try:
                return format_baht(parse_baht(value))
            except ArithmeticError:
                return value  # what the editor typed, shown back with its error
        return format_baht(value)

    def widget_attrs(self, widget):
        return {"inputmode": "decimal"}  # no number input's step/min: the value holds commas


# Every money field of ours is a DecimalField of baht (disclosures.py).
register_form_field_override(models.DecimalField, override={"form_class": MoneyField})


class ThaiPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "ส่วนท้ายของที่อยู่หน้า (ตัวอักษรละติน) เว้นว่างไว้เพื่อสร้างจากชื่อเรื่องโดยถอดเป็นอักษรโรมัน"
            )

    def clean(self):
        if "slug" in self.fields and "slug" not in self.errors:
            title = self.cleaned_data.get("title") or self.instance.title
            slug = self.cleaned_data.get("slug") or ""
            if slugs.needs_generating(slug, title):
                base = slugs.page_slug(title, self.instance._meta.model_name)
                self.cleaned_data["slug"] = slugs.unique_slug(base, self.parent_page, self.instance)
            else:
                self.cleaned_data["slug"] = slugs.tidy(slug)
        return super().clean()


def disclosure_type_choices():
    from django.apps import apps


    return [(label, apps.get_model(label)._meta.verbose_name) for label in DISCLOSURE_TYPES]


class ItemPageForm(ThaiPageForm):
    """An item page chooses which disclosure types may go under it (``ItemPage.page_types``)."""

    page_types = forms.MultipleChoiceField(
        label="ประเภทหน้าที่สร้างได้", required=False, widget=forms.CheckboxSelectMultiple,
        choices=disclosure_type_choices,
        help_text="เลือกประเภทข้อมูลเผยแพร่ที่สร้างใต้รายการนี้ได้ เว้นว่างไว้เพื่ออนุญาตทุกประเภท",
    )


def framework_year_for(fiscal_year):
    """The framework year a disclosure of ``fiscal_year`` answers: that year's, else the newest before it."""
    years = FrameworkYear.objects.order_by("-year").values_list("year", flat=True)
    return next((year for year in years if fiscal_year is None or year <= fiscal_year), None)


def grouped_item_choices(items):
    """``[(group, [(pk, "O22 name"), …]), …]`` in the framework's order."""
    groups = {}
    for item in items:
        label = f"{item.code} {item.name_th} (ITA {item.framework.year})"
        groups.setdefault(item.group or "รายการ OIT", []).append((item.pk, label))
    return list(groups.items())


class DisclosurePageForm(ThaiPageForm):
    """The OIT item picker offers the items of the page's fiscal year (by its issue date, else
    now), grouped by item group, plus whatever the page already answers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("items")
        if field is None:
            return
        page = self.instance
        fiscal_year = page.fiscal_year or fiscal_year_of(page.issue_date or timezone.localdate())
        year = framework_year_for(fiscal_year)
        chosen = [item.pk for item in page.items.all()]  # the draft's, held in memory by modelcluster
        items = (
            FrameworkItem.objects.filter(Q(framework__year=year) | Q(pk__in=chosen))
            .select_related("framework").order_by("framework__year", "sort_order", "pk")
        )
        field.queryset = items
        field.choices = grouped_item_choices(items)
        field.help_text = (
            f"รายการ OIT ของกรอบการประเมิน ITA {year} (ปีงบประมาณของหน้านี้) "
            "เว้นว่างไว้เพื่อใช้รายการของหน้ารายการข้อมูลที่อยู่เหนือขึ้นไป"
        )
