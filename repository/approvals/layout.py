"""The paper form's layout in one place: the HTML view, the PDF and the CSV all read it.

No official copy of แบบฟอร์มการขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน
was found (see docs/WORKFLOW.md); these are the fields of the common template
agencies publish. Change them here.
"""

from repository.thai import format_be_date

FORM_TITLE = "แบบฟอร์มการขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์ของหน่วยงาน"
FORM_SUBTITLE = "ตามแนวทางการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์ของหน่วยงาน"

KIND_NOTES = {
    "normal": "",
    "emergency": "เผยแพร่ตามช่องทางเร่งด่วน (มาตรการข้อ 1.2): ผู้อนุมัติรับรองเป็นผู้นำข้อมูลขึ้นเผยแพร่ในขั้นตอนเดียว",
    "override": "ผู้ดูแลระบบเผยแพร่นอกขั้นตอนการอนุมัติ",
}


def header_rows(form):
    """(label, value) rows of the form's upper part."""
    rows = [
        ("ชื่อหน่วยงาน", form.agency.name_th),
        ("วัน/เดือน/ปี", format_be_date(form.document_date)),
        ("หัวข้อ", form.subject),
        ("รายละเอียดข้อมูล (โดยสรุปหรือเอกสารแนบ)", form.details),
        ("Link ภายนอก", form.external_link or "-"),
        ("หมายเหตุ", form.remarks or "-"),
    ]
    if form.kind == "override":
        rows.append(("เหตุผลที่เผยแพร่นอกขั้นตอน", form.override_reason))
    return rows


def signature_blocks(form):
    """The three signature blocks: (heading, name, position, date-time)."""
    return [
        ("ผู้รับผิดชอบการให้ข้อมูล", form.provider_name, form.provider_position, format_be_date(form.provided_at)),
        ("ผู้อนุมัติรับรอง", form.approver_name, form.approver_position, format_be_date(form.approved_at)),
        ("ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่", form.publisher_name, form.publisher_position,
         format_be_date(form.published_at)),
    ]


def page_reference(form):
    return f"อ้างอิง: หน้า \u201c{form.page_title}\u201d {form.page_url}".strip()


CSV_COLUMNS = [
    ("id", "เลขที่แบบฟอร์ม"),
    ("agency__code", "รหัสหน่วยงาน"),
    ("agency__name_th", "ชื่อหน่วยงาน"),
    ("fiscal_year", "ปีงบประมาณ"),
    ("document_date", "วัน/เดือน/ปี"),
    ("subject", "หัวข้อ"),
    ("details", "รายละเอียดข้อมูล"),
    ("external_link", "Link ภายนอก"),
    ("remarks", "หมายเหตุ"),
    ("provider_name", "ผู้รับผิดชอบการให้ข้อมูล"),
    ("provider_position", "ตำแหน่ง (ผู้ให้ข้อมูล)"),
    ("provided_at", "วันเวลาที่ให้ข้อมูล"),
    ("approver_name", "ผู้อนุมัติรับรอง"),
    ("approver_position", "ตำแหน่ง (ผู้อนุมัติ)"),
    ("approved_at", "วันเวลาที่อนุมัติ"),
    ("publisher_name", "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่"),
    ("publisher_position", "ตำแหน่ง (ผู้เผยแพร่)"),
    ("published_at", "วันเวลาที่เผยแพร่"),
    ("kind", "ประเภท"),
    ("override_reason", "เหตุผลที่เผยแพร่นอกขั้นตอน"),
    ("corrects_id", "แก้ไขแทนแบบฟอร์มเลขที่"),
    ("page_title", "ชื่อหน้า"),
    ("page_url", "URL"),
]
