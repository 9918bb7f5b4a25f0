"""The approval form's PDF breaks Thai lines between words, as the search segmenter cuts them."""

import io

import pytest
from pypdf import PdfReader

from repository.approvals.pdf import VALUE_WIDTH, _new_document, wrap_words
from repository.words import segment
from tests.factories import corpus_rows


def boundaries(text):
    positions, at = set(), 0
    for word in segment(text):
        at += len(word)
        positions.add(at)
    return positions


@pytest.fixture(scope="module")
def long_thai():
    rows = corpus_rows(50)
    return max((row["body"] for row in rows), key=len)[:1500].replace("\n", " ")


def test_every_break_is_a_word_boundary_and_every_line_fits(long_thai):
    pdf = _new_document("t")
    pdf.add_page()
    pdf.set_font("Sarabun", "", 14)
    wrapped = wrap_words(pdf, long_thai, VALUE_WIDTH - 4)
    lines = wrapped.split("\n")
    assert len(lines) > 5
    ends, at = boundaries(long_thai), 0
    for line in lines[:-1]:
        at = long_thai.index(line, at) + len(line)
        assert at in ends, f"broken inside a word: …{line[-10:]}|{long_thai[at:at + 10]}…"
        assert pdf.get_string_width(line) <= VALUE_WIDTH - 4
    assert "".join(wrapped.split()) == "".join(long_thai.split())  # nothing lost, nothing added


def test_the_pdf_lines_end_where_words_end(long_thai):
    pdf = _new_document("t")
    pdf.add_page()
    pdf.set_font("Sarabun", "", 14)
    pdf.multi_cell(VALUE_WIDTH, 8, wrap_words(pdf, long_thai, VALUE_WIDTH - 1))
    text = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].extract_text()
    squeezed = "".join(long_thai.split())
    ends, at = {len("".join("".join(segment(long_thai))[:i].split())) for i in boundaries(long_thai)}, 0
    for line in [line for line in text.split("\n") if line.strip()][:-1]:
        at += len("".join(line.split()))
        assert at in ends, squeezed[at - 10:at + 10]
