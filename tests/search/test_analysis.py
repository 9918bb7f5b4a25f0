"""Normalisation and segmentation of real Thai text."""

from search import analysis
from search.highlight import Matcher, highlight_whole, snippets

from .helpers import corpus_rows, order_224_text


def test_segmenter_is_nlpo3_and_agrees_with_newmm_on_corpus_text():
    from pythainlp.tokenize import word_tokenize

    assert analysis.engine_name() == "nlpo3"
    for row in corpus_rows(5):
        text = analysis.normalise(row["title"])
        assert analysis.segment(text) == word_tokenize(text, engine="newmm")


def test_segment_keeps_the_text_whole():
    body = analysis.normalise(corpus_rows(1)[0]["body"])
    assert "".join(analysis.segment(body)) == body


def test_analyse_joins_words_with_the_invisible_separator():
    order = analysis.normalise(order_224_text())
    analysed = analysis.analyse(order)
    assert analysed.display.replace(analysis.WORD_SEPARATOR, "") == order
    assert "มาตรการ" + analysis.WORD_SEPARATOR in analysed.display or analysis.WORD_SEPARATOR + "มาตรการ" in analysed.display
    assert " " + analysis.WORD_SEPARATOR not in analysed.display


def test_compound_parts():
    assert analysis.word_parts("จัดซื้อจัดจ้าง") == ("จัดซื้อ", "จัดจ้าง")
    assert analysis.word_parts("นายกรัฐมนตรี") == ("นายก", "รัฐมนตรี")
    assert analysis.word_parts("ระดับ") == ()  # short words are not split
    assert analysis.word_parts("COVID-19") == ()
    assert "จัดซื้อ" in analysis.analyse("ประกาศการจัดซื้อจัดจ้าง").parts


def test_normalise_and_fold():
    assert analysis.normalise("  ก\u0e4d\u0e32\x00  ข\u200b ") == "กำ ข"
    assert analysis.fold("ที่ ๒๒๔/๒๕๖๑ COVID") == "ที่ 224/2561 covid"


def test_query_terms_drop_punctuation_and_keep_document_numbers():
    assert analysis.query_terms("การจัดซื้อ ๒๒๔/๒๕๖๑") == ["การ", "จัดซื้อ", "๒๒๔/๒๕๖๑"]
    assert analysis.query_terms('"*" ( ) -') == []
    assert analysis.query_terms("Prime Minister") == ["Prime", "Minister"]


def test_highlight_marks_whole_words_and_escapes_html():
    matcher = Matcher(["จัดซื้อ", "224"])
    display = analysis.analyse("<b>ประกาศ</b> การจัดซื้อจัดจ้าง ที่ ๒๒๔/๒๕๖๑").display
    marked = highlight_whole(display, matcher)
    assert "<mark>จัดซื้อจัดจ้าง</mark>" in marked
    assert "<mark>๒๒๔</mark>" in marked
    assert "&lt;b&gt;" in marked and "<b>" not in marked
    assert "\u200b" not in marked


def test_snippets_of_a_long_real_text_are_bounded_and_start_on_words():
    order = analysis.analyse(order_224_text())
    found = snippets(order.display, Matcher(["เว็บไซต์"]), fragment_chars=120)
    assert 1 <= len(found) <= 2
    for snippet in found:
        plain = snippet.replace("<mark>", "").replace("</mark>", "").strip("…")
        assert len(plain) <= 160
        assert plain in order.display.replace(analysis.WORD_SEPARATOR, "")


def test_identifiers_stay_one_word():
    """The segmenter cuts letters from digits; an identifier (EGP67019123456, ITA2569) is one word again."""
    title = analysis.normalise(corpus_rows(1, where=lambda row: "UNGA76" in row["title"])[0]["title"])
    words = analysis.segment(title)
    assert "UNGA76" in words and "".join(words) == title
    # typed against Thai letters, as in the examples: still one word
    words = analysis.segment(title.replace(" UNGA76 ", "UNGA76").replace("UNGA76", "EGP67019123456"))
    assert "EGP67019123456" in words
    assert analysis.query_terms("ITA2569") == ["ITA2569"]
    assert analysis.identifier_pieces("ITA2569") == ("ITA", "2569")
    assert analysis.identifier_pieces("COVID") == () and analysis.identifier_pieces("๒๕๖๙") == ()


def test_index_form_folds_digits_and_case_and_stems_english():
    order = analysis.analyse(order_224_text()).display
    folded = analysis.index_form(order)
    assert "224 /\u200b2561" in folded and "๒" not in folded and folded == folded.lower()
    assert folded.count(analysis.WORD_SEPARATOR) == order.count(analysis.WORD_SEPARATOR)
    assert analysis.english_stems("Vaccines vaccinated running") == "run vaccin"
    assert analysis.english_stem("VACCINE") == "vaccin" and analysis.english_stem("วัคซีน") is None
