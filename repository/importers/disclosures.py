"""The general importer: JSON lines (and CSV for the tabular types) → published disclosure pages.

One JSON object a line::

    {"source_id": "uthai-2567-proc-0001",        # unique; a re-run skips what is already imported
     "agency": "uthai-thani",                    # agency code
     "type": "procurement_announcement",         # see PAGE_TYPES
     "items": ["O20"], "fiscal_year": 2567,      # ITA item code(s) of that framework year, and/or
     "item_page": "announcements",               # the slug of the agency's item page
     "fields": {"title": "…", "issue_date": "2024-05-02", "body": "plain text, one paragraph a line", …},
     "rows": [{"item": "…", "budget": "1200.00", …}],   # procurement summaries (แบบ สขร.1) only
     "attachments": [{"path": "2567/a.pdf", "title": "…"}]}   # files inside the allowed folder

CSV (``.csv``) carries the tabular types only: a header row with ``source_id``,
``agency``, ``type``, ``items`` (space separated), ``fiscal_year``,
``item_page``, ``attachments`` (``;`` separated paths), the page's fields by
name, and for monthly summaries the row columns prefixed ``row_``; consecutive
lines with the same ``source_id`` are the rows of one summary.

Every check that needs no writing is made before anything is written (JSON/CSV,
agency, page type, item for that year, field values, dates, attachment paths,
duplicate source ids); a line that fails one is reported with its line number
and reason and nothing is written for it. What only the page itself can check
(Wagtail's ``full_clean``, the type's own rules) fails inside its batch, which is
rolled back and retried page by page (``batches.write_pages``).
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.text import Truncator, slugify

from ..fiscal import fiscal_year_of
from ..models import (
    AgencyPage,
    DisclosureAttachment,
    DisclosurePage,
    EmergencyAnnouncementPage,
    FrameworkItem,
    GeneralDisclosurePage,
    ImportedSource,
    ItemPage,
    NewsPage,
    OfficialOrderPage,
    PlanReportPage,
    ProcurementAnnouncementPage,
    ProcurementSummaryPage,
    ProcurementSummaryRow,
)
from .batches import ImportReport, PlannedPage, write_pages
from .corpus import BadLine, open_text
from .news import body_to_rich_text, deleted_source_urls

PAGE_TYPES = {
    "news": NewsPage,
    "order": OfficialOrderPage,
    "emergency": EmergencyAnnouncementPage,
    "procurement_announcement": ProcurementAnnouncementPage,
    "procurement_summary": ProcurementSummaryPage,
    "plan_report": PlanReportPage,
    "general": GeneralDisclosurePage,
}
TABULAR_TYPES = ("procurement_announcement", "procurement_summary")
TITLE_MAX = 255
# Set by the importer from other data, never by a line.
NOT_IMPORTABLE = {"agency", "document_number_normalized", "items", "fiscal_year"}
PAGE_FIELDS = ("title", "slug", "search_description")
ROW_FIELDS = tuple(
    f.name for f in ProcurementSummaryRow._meta.concrete_fields if f.name not in ("id", "page", "sort_order")
)


def importable_fields(model):
    """Field name → model field that a line may set for ``model``."""
    names = {}
    for f in model._meta.concrete_fields:
        if f.name in NOT_IMPORTABLE or f.name.endswith("_ptr") or not f.editable:
            continue
        if f.model in (DisclosurePage,) or issubclass(f.model, DisclosurePage) or f.name in PAGE_FIELDS:
            names[f.name] = f
    return names


# --- reading ---------------------------------------------------------------------------------


def read_json_lines(path):
    """Yield (line_number, dict) or BadLine for each non-blank line."""
    with open_text(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                yield BadLine(line_number, f"ไม่ใช่ JSON ที่ถูกต้อง (not valid JSON: {error.msg})")
                continue
            if not isinstance(data, dict):
                yield BadLine(line_number, "ไม่ใช่ JSON object (not a JSON object)")
                continue
            yield line_number, data


PAGE_COLUMNS = ("source_id", "agency", "type", "items", "fiscal_year", "item_page", "attachments")


def read_csv(path):
    """Yield (line_number, dict in the JSON lines shape) or BadLine; consecutive lines of one source id merge."""
    pending = None
    last_line = 1
    with open_text(path) as handle:
        reader = csv.DictReader(handle, strict=True)
        try:
            header = reader.fieldnames or []
            if "source_id" not in header or "type" not in header:
                yield BadLine(1, "CSV ต้องมีหัวคอลัมน์ source_id และ type (header must name source_id and type)")
                return
            for row in reader:
                line_number = last_line = reader.line_num
                if None in row or any(value is None for value in row.values()):
                    yield BadLine(line_number, "จำนวนคอลัมน์ไม่ตรงกับหัวตาราง (wrong number of columns)")
                    continue
                data = _csv_record(row)
                if pending is not None and data["source_id"] and data["source_id"] == pending[1]["source_id"]:
                    pending[1]["rows"].extend(data["rows"])
                    continue
                if pending is not None:
                    yield pending
                pending = (line_number, data)
        except csv.Error as error:
            if pending is not None:
                yield pending
                pending = None
            # At the end of the file inside a quote the reader has not counted the broken line.
            yield BadLine(max(reader.line_num, last_line + 1), f"CSV เสีย (broken CSV: {error})")
    if pending is not None:
        yield pending


def _csv_record(row):
    row = {key.strip(): (value or "").strip() for key, value in row.items()}
    data = {key: row.get(key, "") for key in PAGE_COLUMNS}
    data["items"] = data["items"].split()
    data["attachments"] = [{"path": part.strip()} for part in data["attachments"].split(";") if part.strip()]
    if not data["fiscal_year"]:
        data.pop("fiscal_year")
    data["fields"] = {key: value for key, value in row.items()
                      if key not in PAGE_COLUMNS and not key.startswith("row_") and value != ""}
    procurement_row = {key[4:]: value for key, value in row.items() if key.startswith("row_") and value != ""}
    data["rows"] = [procurement_row] if procurement_row else []
    data["_csv"] = True
    return data


def read_lines(path):
    suffixes = Path(str(path)).suffixes
    if ".csv" in suffixes:
        return read_csv(path)
    return read_json_lines(path)


# --- checking, with every lookup made once --------------------------------------------------


class Resolver:
    """Turns a line into a PlannedPage, or raises BadLine; remembers agencies, item pages and items."""

    def __init__(self, attachments_root=None):
        self.attachments_root = Path(attachments_root).resolve() if attachments_root else None
        self._agency_pages = {}
        self._item_pages = {}
        self._framework_items = {}
        self.known = set(ImportedSource.objects.values_list("source_id", flat=True))
        self._news_urls = None
        self.seen = {}  # source id → line number, within this file

    def news_urls(self):
        if self._news_urls is None:
            self._news_urls = set(NewsPage.objects.values_list("source_url", flat=True)) | deleted_source_urls()
        return self._news_urls

    def agency_page(self, code):
        if code not in self._agency_pages:
            self._agency_pages[code] = AgencyPage.objects.select_related("agency").filter(agency__code=code).first()
        return self._agency_pages[code]

    def framework_items(self, year, codes):
        key = (year, tuple(sorted(codes)))
        if key not in self._framework_items:
            found = {item.code: item for item in FrameworkItem.objects.filter(framework__year=year, code__in=codes)}
            self._framework_items[key] = found
        return self._framework_items[key]

    def item_page(self, agency_page, slug, items):
        key = (agency_page.pk, slug, tuple(sorted(item.pk for item in items)))
        if key not in self._item_pages:
            pages = ItemPage.objects.descendant_of(agency_page).filter(depth=agency_page.depth + 2)
            if slug:
                pages = pages.filter(slug=slug)
            for item in items:
                pages = pages.filter(items=item)
            self._item_pages[key] = pages.order_by("path").first()
        return self._item_pages[key]

    # The one check of each part of a line ------------------------------------------------

    def plan(self, line_number, data, source_check=True):
        """``(line_number, data)`` → PlannedPage, or None when its source id is already imported."""
        source_id = str(data.get("source_id") or "").strip()
        if not source_id:
            raise BadLine(line_number, "ไม่มี source_id (missing source_id)")
        if len(source_id) > 255:
            raise BadLine(line_number, "source_id ยาวเกิน 255 ตัวอักษร (source_id longer than 255)")
        if source_id in self.seen:
            raise BadLine(line_number, f"source_id {source_id!r} ซ้ำกับบรรทัด {self.seen[source_id]} "
                                       f"(duplicate source id, first on line {self.seen[source_id]})")
        self.seen[source_id] = line_number
        if source_id in self.known:
            return None
        type_name = str(data.get("type") or "").strip()
        model = PAGE_TYPES.get(type_name)
        if model is None:
            raise BadLine(line_number, f"ไม่รู้จักประเภท {type_name!r} (unknown page type; one of {', '.join(PAGE_TYPES)})")
        if data.get("_csv") and type_name not in TABULAR_TYPES:
            raise BadLine(line_number, f"CSV รับเฉพาะ {', '.join(TABULAR_TYPES)} (CSV carries the tabular types only)")
        code = str(data.get("agency") or "").strip()
        if not code:
            raise BadLine(line_number, "ไม่ระบุหน่วยงาน (missing agency)")
        agency_page = self.agency_page(code)
        if agency_page is None:
            raise BadLine(line_number, f"ไม่พบหน่วยงาน {code!r} (unknown agency)")
        fields = data.get("fields")
        if not isinstance(fields, dict):
            raise BadLine(line_number, "fields ต้องเป็น object (fields must be an object)")
        values = self.field_values(line_number, model, fields)
        if model is NewsPage and values.get("source_url") and values["source_url"] in self.news_urls():
            return None
        fiscal_year, items = self.ita(line_number, data, values)
        slug = str(data.get("item_page") or "").strip()
        if not items and not slug:
            raise BadLine(line_number, "ต้องระบุรายการ ITA (items + fiscal_year) หรือ item_page (no ITA item or item page)")
        parent = self.item_page(agency_page, slug, items)
        if parent is None:
            wanted = " ".join(item.code for item in items)
            raise BadLine(line_number, f"หน่วยงาน {code!r} ไม่มีหน้ารายการ {slug or ''} ที่ตอบ {wanted} ปี {fiscal_year or ''}"
                                       .replace("  ", " ") + " (no item page of that agency answers it)")
        rows = self.rows(line_number, model, data.get("rows") or [])
        attachments = self.attachments(line_number, data.get("attachments") or [])
        return PlannedPage(
            line_number=line_number, source_id=source_id, parent=parent,
            build=_builder(model, values, fiscal_year if data.get("fiscal_year") else None, items, rows, source_id),
            after_add=_attacher(attachments) if attachments else None,
        )

    def field_values(self, line_number, model, fields):
        allowed = importable_fields(model)
        unknown = sorted(set(fields) - set(allowed) - {"tags"})
        if unknown:
            raise BadLine(line_number, f"ฟิลด์ที่ไม่รู้จักสำหรับ {model._meta.model_name}: {', '.join(unknown)} (unknown fields)")
        values = {}
        probe = model()
        for name, value in fields.items():
            if name == "tags":
                if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
                    raise BadLine(line_number, "tags ต้องเป็นรายการข้อความ (tags must be a list of strings)")
                values["tags"] = [tag.strip()[:100] for tag in value if tag.strip()]
                continue
            if name == "body":
                value = body_to_rich_text(str(value or ""))
            elif name == "title":
                value = Truncator(str(value or "").strip()).chars(TITLE_MAX)
            try:
                values[name] = allowed[name].clean(value, probe)
            except ValidationError as error:
                raise BadLine(line_number, f"{name}: {' '.join(error.messages)} ({value!r})")
        if not values.get("title"):
            raise BadLine(line_number, "ไม่มีหัวเรื่อง (missing title)")
        return values

    def ita(self, line_number, data, values):
        codes = data.get("items") or []
        if isinstance(codes, str):
            codes = codes.split()
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise BadLine(line_number, "items ต้องเป็นรายการรหัส เช่น [\"O7\"] (items must be a list of codes)")
        year = data.get("fiscal_year")
        if year in (None, ""):
            day = values.get("issue_date") or values.get("month")
            year = fiscal_year_of(day) if day else None
        else:
            try:
                year = int(year)
            except (TypeError, ValueError):
                raise BadLine(line_number, f"fiscal_year {year!r} ไม่ใช่ปี พ.ศ. (not a Buddhist Era year)")
        if not codes:
            return year, []
        if year is None:
            raise BadLine(line_number, "ระบุรายการ ITA แต่ไม่ระบุปีงบประมาณ (items without fiscal_year)")
        found = self.framework_items(year, codes)
        missing = [c for c in codes if c not in found]
        if missing:
            raise BadLine(line_number, f"ไม่มีรายการ {', '.join(missing)} ในกรอบการประเมินปี {year} (unknown item for that year)")
        return year, [found[c] for c in codes]

    def rows(self, line_number, model, rows):
        if not rows:
            return []
        if model is not ProcurementSummaryPage:
            raise BadLine(line_number, "rows ใช้ได้กับ procurement_summary เท่านั้น (rows belong to monthly summaries)")
        if not isinstance(rows, list):
            raise BadLine(line_number, "rows ต้องเป็นรายการ (rows must be a list)")
        cleaned = []
        fields = {f.name: f for f in ProcurementSummaryRow._meta.concrete_fields if f.name in ROW_FIELDS}
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise BadLine(line_number, f"แถวที่ {number} ไม่ใช่ object (row {number} is not an object)")
            unknown = sorted(set(row) - set(fields))
            if unknown:
                raise BadLine(line_number, f"แถวที่ {number}: ฟิลด์ที่ไม่รู้จัก {', '.join(unknown)} (unknown row fields)")
            values, probe = {}, ProcurementSummaryRow()
            for name, f in fields.items():
                try:
                    values[name] = f.clean(row.get(name, f.get_default()), probe)
                except ValidationError as error:
                    raise BadLine(line_number, f"แถวที่ {number} {name}: {' '.join(error.messages)}")
            try:
                ProcurementSummaryRow(**values).clean()
            except ValidationError as error:
                raise BadLine(line_number, f"แถวที่ {number}: {' '.join(error.messages)}")
            cleaned.append(values)
        return cleaned

    def attachments(self, line_number, attachments):
        if not isinstance(attachments, list):
            raise BadLine(line_number, "attachments ต้องเป็นรายการ (attachments must be a list)")
        found = []
        for entry in attachments:
            entry = {"path": entry} if isinstance(entry, str) else entry
            if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
                raise BadLine(line_number, "เอกสารแนบต้องระบุ path (an attachment needs a path)")
            found.append((self.attachment_path(line_number, entry["path"]), str(entry.get("title") or "")[:255]))
        return found

    def attachment_path(self, line_number, raw):
        if self.attachments_root is None:
            raise BadLine(line_number, "ไม่ได้กำหนดโฟลเดอร์เอกสารแนบ (no attachments folder allowed: --attachments)")
        text = raw.removeprefix("file://")
        if "://" in text:
            raise BadLine(line_number, f"เอกสารแนบ {raw!r} ต้องเป็นไฟล์ในโฟลเดอร์ที่อนุญาต (only files inside the allowed folder)")
        path = (self.attachments_root / text).resolve()
        if not path.is_relative_to(self.attachments_root):
            raise BadLine(line_number, f"เอกสารแนบ {raw!r} อยู่นอกโฟลเดอร์ที่อนุญาต (outside the allowed folder)")
        if not path.is_file():
            raise BadLine(line_number, f"ไม่พบไฟล์เอกสารแนบ {raw!r} (no such file)")
        extension = path.suffix.lower().lstrip(".")
        if extension not in getattr(settings, "WAGTAILDOCS_EXTENSIONS", [extension]):
            raise BadLine(line_number, f"ชนิดไฟล์ .{extension} ไม่อนุญาต (file type not allowed)")
        return path


def _builder(model, values, fiscal_year, items, rows, source_id):
    def build():
        simple = {name: value for name, value in values.items() if name != "tags"}
        simple.setdefault("slug", slugify(source_id)[:255] or None)
        page = model(**simple)
        if fiscal_year is not None:
            page.fiscal_year = fiscal_year
        if items:
            page.items = list(items)
        if rows:
            page.procurement_rows = [ProcurementSummaryRow(**row) for row in rows]
        for tag in values.get("tags", ()):
            page.tags.add(tag)
        return page

    return build


def _attacher(attachments):
    def attach(page):
        from wagtail.documents import get_document_model

        document_model = get_document_model()
        for sort_order, (path, title) in enumerate(attachments):
            with path.open("rb") as handle:
                document = document_model.objects.create(title=title or path.name, file=File(handle, name=path.name))
            DisclosureAttachment.objects.create(page=page, document=document, title=title, sort_order=sort_order)

    return attach


def plan_lines(path, report, resolver, limit=None, skipped=None):
    """PlannedPages for the good, new lines of ``path``; bad ones go into ``report.errors``."""
    planned = 0
    for entry in read_lines(path):
        if limit is not None and planned >= limit:
            return
        if isinstance(entry, BadLine):
            report.errors.append((entry.line_number, entry.message))
            if skipped:
                skipped(1)
            continue
        line_number, data = entry
        try:
            page = resolver.plan(line_number, data)
        except BadLine as bad:
            report.errors.append((bad.line_number, bad.message))
            if skipped:
                skipped(1)
            continue
        if page is None:
            report.existing += 1
            if skipped:
                skipped(1)
            continue
        planned += 1
        yield page


def import_disclosures(path, *, user, publish, attachments_root=None, limit=None, batch_size=100, bulk=True,
                       progress=None):
    """Import the lines of ``path``; returns an ImportReport.

    ``publish(page, user)`` puts each page live — the command passes
    ``repository.approvals.imports.override_publisher(reason)``.
    """
    report = ImportReport()
    resolver = Resolver(attachments_root)
    write_pages(plan_lines(path, report, resolver, limit=limit, skipped=progress), user=user, publish=publish,
                report=report, batch_size=batch_size, bulk=bulk, progress=progress)
    return report
