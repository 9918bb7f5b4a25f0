"""The approval form as a PDF (fpdf2), in Thai, with the Sarabun font shipped in ``fonts/``.

Text shaping (HarfBuzz through uharfbuzz) applies the font's mark positioning,
so stacked vowels and tone marks (ที่, ญี่ปุ่น, น้ำ) sit where they should;
without shaping they overlap. HarfBuzz's Thai-specific shaper decomposes
SARA AM (ำ) into two glyphs, and fpdf2 then writes a bogus ToUnicode entry
for the second one, so copying or extracting the text yields a stray
character. Shaping with the default shaper (``script="latn"``) keeps ำ one
glyph while still applying Sarabun's mark positioning: rendered correctly,
and the text extracts back as the same Thai (tested with pypdf).

fpdf2 wraps lines at spaces only, so a Thai run (no spaces between words) is cut
wherever the line is full, mid-word. ``wrap_words`` breaks it first, at the word
boundaries of the project's segmenter (``repository.words``, the one search uses),
with explicit line breaks; Sarabun has no glyph for a zero-width space, which
fpdf2 would otherwise take as a break opportunity.
"""

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from repository.thai import format_be_date
from repository.words import segment

from . import layout

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_REGULAR = FONT_DIR / "Sarabun-Regular.ttf"
FONT_BOLD = FONT_DIR / "Sarabun-Bold.ttf"
LABEL_STYLE = FontFace(emphasis="BOLD")

# fontTools reports every glyph of every subset at INFO; keep it out of the site's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _new_document(title):
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("Sarabun", "", str(FONT_REGULAR))
    pdf.add_font("Sarabun", "B", str(FONT_BOLD))
    pdf.set_text_shaping(use_shaping_engine=True, script="latn")
    pdf.set_title(title)
    pdf.set_lang("th")
    pdf.set_creator("disclosure-repository")
    return pdf


VALUE_WIDTH = 108  # mm, the form table's value column
LABEL_WIDTH = 62
CELL_SLACK = 4  # mm: the table cell's padding on both sides, with room to spare


def wrap_words(pdf, text, width):
    """``text`` with a line break wherever the line would pass ``width`` (mm, in the
    current font), always between words; a single word wider than a line is left
    for fpdf2 to cut."""
    lines = []
    for paragraph in (text or "").split("\n"):
        line = ""
        for token in segment(paragraph):
            if line.strip() and pdf.get_string_width(line + token) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return "\n".join(lines)


def _line(pdf, text, size=14, style="", align="L", height=8):
    pdf.set_font("Sarabun", style, size)
    pdf.multi_cell(0, height, wrap_words(pdf, text, pdf.epw - 1), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_form(form):
    """``bytes`` of the PDF for one ``ApprovalForm``."""
    pdf = _new_document(f"{layout.FORM_TITLE} — {form.subject}")
    pdf.add_page()
    _line(pdf, layout.FORM_TITLE, size=18, style="B", align="C", height=10)
    _line(pdf, f"เลขที่แบบฟอร์ม {form.pk}  ·  ปีงบประมาณ {form.fiscal_year}", size=12, align="C")
    note = layout.KIND_NOTES.get(form.kind)
    if note:
        _line(pdf, note, size=12, align="C")
    pdf.ln(4)
    pdf.set_font("Sarabun", "", 14)
    with pdf.table(col_widths=(LABEL_WIDTH, VALUE_WIDTH), text_align="LEFT", first_row_as_headings=False,
                   line_height=8) as table:
        for label, value in layout.header_rows(form):
            row = table.row()
            pdf.set_font("Sarabun", "B", 14)
            row.cell(wrap_words(pdf, label, LABEL_WIDTH - CELL_SLACK), style=LABEL_STYLE)
            pdf.set_font("Sarabun", "", 14)
            row.cell(wrap_words(pdf, value or "-", VALUE_WIDTH - CELL_SLACK))
    pdf.ln(6)
    for heading, name, position, when in layout.signature_blocks(form):
        _line(pdf, heading, size=14, style="B")
        _line(pdf, f"ลงชื่อ {name or '-'}", size=14)
        _line(pdf, f"ตำแหน่ง {position or '-'}", size=14)
        _line(pdf, f"วันที่ {when or '-'}", size=14)
        pdf.ln(3)
    _line(pdf, layout.page_reference(form), size=11)
    _line(pdf, f"บันทึกจากขั้นตอนการอนุมัติในระบบเมื่อ {format_be_date(form.created_at)}", size=11)
    if form.corrects_id:
        _line(pdf, f"แบบฟอร์มนี้ใช้แทนแบบฟอร์มเลขที่ {form.corrects_id}", size=11)
    return bytes(pdf.output())
