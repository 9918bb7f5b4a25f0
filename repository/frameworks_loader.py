"""Load ITA framework years and their OIT items from a JSON file.

The file (default ``repository/fixtures/ita_frameworks.json``) lists *editions*:
a set of items that applies to one or more assessment years. Loading is
idempotent: a year or item that exists is updated in place, nothing is
duplicated, and items no longer in the file are left alone (they may have
disclosures pointing at them) and reported.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import FrameworkItem, FrameworkYear, Recurrence

DEFAULT_PATH = Path(__file__).resolve().parent / "fixtures" / "ita_frameworks.json"
ITEM_FIELDS = ("name_th", "name_en", "group", "recurrence", "guidance")


class FrameworkFileError(ValueError):
    """The framework file is not in the expected shape; nothing was written."""


@dataclass
class LoadReport:
    years_created: int = 0
    items_created: int = 0
    items_updated: int = 0
    items_not_in_file: list = field(default_factory=list)


def read_editions(path=DEFAULT_PATH):
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    editions = data.get("editions") if isinstance(data, dict) else None
    if not isinstance(editions, list):
        raise FrameworkFileError(f"{path}: expected an object with an 'editions' list")
    valid_recurrences = set(Recurrence.values)
    for number, edition in enumerate(editions, start=1):
        if not edition.get("years") or not edition.get("items"):
            raise FrameworkFileError(f"{path}: edition {number} needs 'years' and 'items'")
        codes = [item.get("code") for item in edition["items"]]
        if len(codes) != len(set(codes)) or not all(codes):
            raise FrameworkFileError(f"{path}: edition {number} has a missing or repeated item code")
        for item in edition["items"]:
            if item.get("recurrence", Recurrence.ONCE) not in valid_recurrences:
                raise FrameworkFileError(f"{path}: item {item['code']} has unknown recurrence {item['recurrence']!r}")
            if not item.get("name_th"):
                raise FrameworkFileError(f"{path}: item {item['code']} has no Thai name")
    return editions


@transaction.atomic
def load_frameworks(path=DEFAULT_PATH):
    """Create or update every framework year and item in the file."""
    report = LoadReport()
    for edition in read_editions(path):
        for year in edition["years"]:
            framework, created = FrameworkYear.objects.get_or_create(
                year=year,
                defaults={"name": edition.get("name", "ITA {year}").format(year=year),
                          "source_note": edition.get("source_note", "")},
            )
            report.years_created += created
            seen = set()
            for order, item in enumerate(edition["items"]):
                seen.add(item["code"])
                values = {name: item.get(name, "") for name in ITEM_FIELDS}
                values["recurrence"] = values["recurrence"] or Recurrence.ONCE
                existing = FrameworkItem.objects.filter(framework=framework, code=item["code"]).first()
                if existing is None:
                    FrameworkItem.objects.create(framework=framework, code=item["code"], sort_order=order, **values)
                    report.items_created += 1
                elif any(getattr(existing, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(existing, name, value)
                    existing.save()
                    report.items_updated += 1
            stale = framework.items.exclude(code__in=seen).values_list("code", flat=True)
            report.items_not_in_file += [f"{year}:{code}" for code in stale]
    return report
