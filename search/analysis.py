"""Text normalisation and Thai word segmentation, shared by every engine.

Thai is written without spaces between words, so nothing here splits on
whitespace alone:

* ``normalise`` cleans text the same way for documents and queries (Unicode
  NFC, the decomposed sara am ``ํา`` → ``ำ``, control characters dropped,
  runs of whitespace collapsed). Case and digits are kept as written, so that
  snippets show the text as published; ``fold`` lower-cases and turns Thai
  digits into Arabic ones for comparisons (``repository.thai.to_arabic_digits``).
* ``segment`` cuts text into words with PyThaiNLP's ``nlpo3`` engine (the Rust
  implementation of ``newmm``), falling back to ``newmm`` when nlpo3 cannot be
  loaded. Whitespace tokens are kept so the words can be joined back into the
  original text.
* ``word_parts`` splits a compound that the dictionary keeps whole
  (จัดซื้อจัดจ้าง) into the smaller dictionary words it is made of
  (จัดซื้อ, จัดจ้าง, and recursively จัด, ซื้อ, จ้าง), so that a search for a
  part finds the compound. We chose dictionary parts over character n-grams:
  n-grams of Thai match across word boundaries (ตากลม holds ตาก and กลม) and
  multiply the index size; parts are real words, few per token, and cached.

The engines receive *segmented* text: words joined with ``WORD_SEPARATOR``
(U+200B ZERO WIDTH SPACE, the character Thai typesetting itself uses as an
invisible word break), which both SQLite's ``unicode61`` tokenizer and
Elasticsearch treat as a separator.
"""

import functools
import re
import unicodedata
from itertools import chain

from repository.thai import to_arabic_digits

WORD_SEPARATOR = "\u200b"
THAI_RANGE = re.compile(r"[\u0e00-\u0e7f]")
THAI_LETTER = re.compile(r"[\u0e01-\u0e2e]")
# A "word" worth indexing: at least one letter or digit of any script.
WORD_CHAR = re.compile(r"\w", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")

MIN_PART_SOURCE = 6  # shorter words (ระดับ) are not compounds worth splitting
MIN_PART_LENGTH = 2  # parts of one character (a stray vowel) are noise
MAX_SEGMENT_INPUT = 1_000_000  # characters; longer text is cut (a PDF can be huge)


def normalise(text):
    """Clean ``text`` for indexing or querying, keeping case and digits as written."""
    if not text:
        return ""
    text = str(text)
    if not unicodedata.is_normalized("NFC", text):  # most text is: checking is much cheaper
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # นิคหิต + สระอา → สระอำ
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n", text)
    return text.strip()


def fold(text):
    """Comparison form: lower case, Arabic digits."""
    return to_arabic_digits(text or "").lower()


@functools.lru_cache(maxsize=1)
def _engine():
    """The segmentation function: nlpo3 if it loads, else PyThaiNLP's newmm."""
    try:
        from pythainlp.tokenize import nlpo3 as nlpo3_wrapper

        nlpo3_wrapper.segment("ทดสอบ")
        return "nlpo3", functools.partial(nlpo3_wrapper.segment)
    except Exception:  # nlpo3 missing or its dictionary failed to load
        from pythainlp.tokenize import newmm

        return "newmm", functools.partial(newmm.segment)


def engine_name():
    return _engine()[0]


def segment(text):
    """Words of ``text`` (already normalised), whitespace kept as tokens.

    Joining the result gives ``text`` back.
    """
    if not text:
        return []
    text = text[:MAX_SEGMENT_INPUT]
    _, cut = _engine()
    return _join_identifiers(token for token in cut(text) if token)


def _join_identifiers(tokens):
    """Join neighbouring ASCII letter/digit tokens back into one word.

    The segmenter cuts ``EGP67019123456`` into ``EGP`` + ``67019123456`` and ``ITA2569``
    into ``ITA`` + ``2569``; a project number or an identifier is one word to the person
    typing it, so it is indexed and queried whole (``identifier_pieces`` gives the pieces,
    which queries also try as a phrase).
    """
    words = []
    previous = False
    for token in tokens:
        alphanumeric = token.isascii() and token.isalnum()
        if alphanumeric and previous:
            words[-1] += token
        else:
            words.append(token)
        previous = alphanumeric
    return words


_PIECES = re.compile(r"[A-Za-z]+|[0-9]+")


def identifier_pieces(term):
    """``"ITA2569"`` → ``("ITA", "2569")``: letters and digits of an identifier-like word, or () for others."""
    if not (term.isascii() and term.isalnum()):
        return ()
    pieces = tuple(_PIECES.findall(term))
    return pieces if len(pieces) > 1 else ()


def is_word(token):
    return bool(WORD_CHAR.search(token))


def is_thai(token):
    return bool(THAI_LETTER.search(token))


@functools.lru_cache(maxsize=1)
def _dictionary():
    """PyThaiNLP's word list as a set, and its longest word's length."""
    from pythainlp.corpus import thai_words

    words = frozenset(thai_words())
    return words, max(map(len, words))


@functools.lru_cache(maxsize=200_000)
def word_parts(token):
    """The dictionary words a Thai compound is made of.

    ``word_parts("จัดซื้อจัดจ้าง")`` → ``("จัดซื้อ", "จัดจ้าง")``.
    The compound is covered by the fewest dictionary words shorter than itself
    (the maximal-matching rule newmm also follows). Parts are not split again:
    one level finds the words people type (จัดซื้อ) while a second level mostly
    adds syllables that are words by accident (นายก → นา, ยก).
    Tokens with no such cover (names, transliterations) have no parts.
    """
    if len(token) < MIN_PART_SOURCE or not is_thai(token):
        return ()
    words, longest = _dictionary()
    n = len(token)
    # best[i] = (number of words, words) covering token[i:]
    best = [None] * (n + 1)
    best[n] = (0, ())
    for i in range(n - 1, -1, -1):
        choice = None
        for length in range(MIN_PART_LENGTH, min(longest, n - i, n - 1) + 1):
            word = token[i : i + length]
            if word not in words:
                continue
            rest = best[i + length]
            if rest is None:
                continue
            candidate = (rest[0] + 1, (word,) + rest[1])
            # fewer words first; on a tie prefer the longer first word
            if choice is None or candidate[0] <= choice[0]:
                choice = candidate
        best[i] = choice
    if best[0] is None:
        return ()
    return best[0][1]


class Analysed:
    """A text cut into words: ``display`` (joined with WORD_SEPARATOR) and ``parts``."""

    __slots__ = ("display", "parts")

    def __init__(self, display, parts):
        self.display = display
        self.parts = parts


def analyse(text, with_parts=True):
    """Normalise and segment ``text`` for an index.

    Returns the words joined by ``WORD_SEPARATOR`` (whitespace between words
    kept as it was, so the text reads as written) and the list of sub-word
    parts of its compounds.
    """
    text = normalise(text)
    if not text:
        return Analysed("", [])
    words = segment(text)
    display = WORD_SEPARATOR.join(words)
    # no separator next to the whitespace that already separates words
    display = display.replace(WORD_SEPARATOR + " ", " ").replace(" " + WORD_SEPARATOR, " ")
    display = display.replace(WORD_SEPARATOR + "\n", "\n").replace("\n" + WORD_SEPARATOR, "\n")
    parts = []
    if with_parts:
        long_words = [word for word in set(words) if len(word) >= MIN_PART_SOURCE]
        parts = list(chain.from_iterable(map(word_parts, long_words)))
    return Analysed(display, parts)


def query_terms(text):
    """The words of a user's query, normalised, segmented, punctuation dropped.

    ``"การจัดซื้อ ๒๒๔/๒๕๖๑"`` → ``["การ", "จัดซื้อ", "๒๒๔/๒๕๖๑"]``: digits and
    the punctuation between them stay together so a document number remains
    one phrase.
    """
    text = normalise(text)
    if not text:
        return []
    terms = []
    for chunk in text.split():
        if not THAI_RANGE.search(chunk) or _is_number_like(chunk):
            if is_word(chunk):
                terms.append(chunk)
            continue
        for word in segment(chunk):
            if is_word(word):
                terms.append(word)
    return terms


_NUMBER_LIKE = re.compile(r"^[\d\u0e50-\u0e59./\-:]+$")


def _is_number_like(chunk):
    return bool(_NUMBER_LIKE.match(chunk))


# --- the same analysis for an engine without Thai or English plugins ----------------------------
#
# Elasticsearch's core has the ``standard`` tokenizer (Unicode word breaks: it splits at
# WORD_SEPARATOR, keeps a run of Thai letters whole) and the ``lowercase`` filter, but no Thai
# tokenizer, no digit mapping and no stemmer (those are the analysis-common and analysis-icu
# modules). So the text it indexes is prepared here: segmented, Thai digits folded, lower-cased,
# with the English words' Porter stems in a field of their own; queries get the same treatment.

_LATIN_WORD = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def index_form(display):
    """Segmented text as an engine without plugins indexes it: Thai digits → Arabic, lower case."""
    return fold(display)


def english_stems(text):
    """The Porter stems of the Latin-letter words in ``text``, space-separated, each once."""
    words = {word.lower() for word in _LATIN_WORD.findall(text or "") if len(word) > 1}
    if not words:
        return ""
    return " ".join(sorted(set(_stemmer().stemWords(sorted(words)))))


def english_stem(word):
    """The Porter stem of one Latin-letter word (lower case), or None for anything else."""
    if not _LATIN_WORD.fullmatch(word or ""):
        return None
    return _stemmer().stemWord(word.lower())
