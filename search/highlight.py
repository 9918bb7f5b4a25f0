"""Highlighted snippets cut at Thai word boundaries.

The embedded engine keeps each field as segmented text (words joined by
``analysis.WORD_SEPARATOR``), so a snippet is a run of whole words: it never
starts or ends inside a Thai word. Matches are wrapped in ``<mark>…</mark>``;
everything else is HTML-escaped; the invisible separators are removed.
"""

import html
import re

from repository.thai import to_thai_digits

from . import analysis

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
ELLIPSIS = "…"
MAX_SNIPPET_SOURCE = 30_000  # characters of a field scanned for snippets (bounded time per hit)
_ENGLISH_SUFFIXES = ("ing", "ed", "es", "s", "ly")
_BOUNDARY = frozenset("\u200b \n\t\r\u00a0")


def _stem(word):
    for suffix in _ENGLISH_SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Matcher:
    """Finds the query's terms in a document's segmented text.

    A term matches a whole word (case-folded, Thai or Arabic digits alike), a
    Thai word it is part of (จัดซื้อ in จัดซื้อจัดจ้าง), or an English word
    with the same stem (vaccine, vaccines). The whole word is marked.
    """

    def __init__(self, terms):
        self._cache = {}
        self.exact = set()
        self.thai_parts = []
        self.stems = set()
        variants = set()
        for term in terms:
            folded = analysis.fold(term)
            self.exact.add(folded)
            variants.update({folded, to_thai_digits(folded)})
            if analysis.is_thai(folded):
                self.thai_parts.append(folded)
            elif folded.isascii() and folded.isalpha():
                self.stems.add(_stem(folded))
                variants.add(_stem(folded))
        variants.discard("")
        self.pattern = None
        if variants:
            alternatives = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
            self.pattern = re.compile(alternatives, re.IGNORECASE)

    def __bool__(self):
        return bool(self.exact)

    def match(self, word):
        """The matched term for ``word`` or None (cached per word)."""
        try:
            return self._cache[word]
        except KeyError:
            result = self._cache[word] = self._match(word)
            return result

    def _match(self, word):
        folded = analysis.fold(word)
        if folded in self.exact:
            return folded
        for part in self.thai_parts:
            if part in folded:  # a part of a compound: จัดซื้อ in จัดซื้อจัดจ้าง
                return part
        if self.stems and folded.isascii():
            stem = _stem(folded)
            for term_stem in self.stems:
                if stem == term_stem or (len(term_stem) >= 3 and folded.startswith(term_stem)):
                    return term_stem
        return None

    def words(self, text, limit=None):
        """(start, end, term) of every matching word of ``text`` (the first ``limit``), in order.

        Candidate places are found by one regular expression (in C); only the
        words around them are checked.
        """
        if self.pattern is None:
            return []
        found = []
        last_end = -1
        for candidate in self.pattern.finditer(text):
            if candidate.start() < last_end:
                continue
            start = _word_start(text, candidate.start())
            end = _word_end(text, candidate.end())
            term = self.match(text[start:end])
            if term:
                found.append((start, end, term))
                last_end = end
                if limit is not None and len(found) >= limit:
                    break
        return found


def _word_start(text, position):
    """The start of the word holding ``position`` (a boundary itself stays put)."""
    while position > 0 and text[position - 1] not in _BOUNDARY:
        position -= 1
    return position


def _word_end(text, position):
    length = len(text)
    while position < length and text[position] not in _BOUNDARY:
        position += 1
    return position


def _clean(fragment):
    return html.escape(fragment.replace(analysis.WORD_SEPARATOR, ""), quote=False)


def _render(text, marks):
    """``text`` HTML-escaped, the (start, end) spans in ``marks`` wrapped in <mark>."""
    out, position = [], 0
    for start, end in marks:
        out.append(_clean(text[position:start]))
        out.append(f"{MARK_OPEN}{_clean(text[start:end])}{MARK_CLOSE}")
        position = end
    out.append(_clean(text[position:]))
    return "".join(out)


def highlight_whole(display, matcher):
    """The whole field with its matches marked, or None when nothing matches."""
    if not display or not matcher:
        return None
    found = matcher.words(display)
    if not found:
        return None
    return _render(display, [(start, end) for start, end, _ in found])


def snippets(display, matcher, fragment_chars=160, fragments=2, max_hits=300):
    """Up to ``fragments`` snippets of about ``fragment_chars`` characters around matches.

    Fragments start and end on word boundaries, prefer windows holding the
    most different terms (then the most matches, then the earliest), and never
    overlap. Linear in the number of matches: one pass with two pointers.
    """
    if not display or not matcher:
        return []
    text = display[:MAX_SNIPPET_SOURCE]
    found = matcher.words(text, limit=max_hits)  # a long query of common words matches everywhere
    if not found:
        return []
    lead = fragment_chars // 4
    windows = []
    counts = {}
    j = 0  # found[i:j] lie inside the current window
    for i, (hit_start, hit_end, term) in enumerate(found):
        start = 0 if hit_start <= lead else _word_start(text, hit_start - lead)
        if start + fragment_chars >= len(text):
            end = len(text)
        else:
            end = max(hit_end, _word_start(text, start + fragment_chars))
        j = max(j, i)
        while j < len(found) and found[j][1] <= end:
            counts[found[j][2]] = counts.get(found[j][2], 0) + 1
            j += 1
        windows.append((len(counts), j - i, -start, start, end))
        if i < j:
            counts[term] -= 1
            if not counts[term]:
                del counts[term]
    windows.sort(reverse=True)
    chosen = []
    for _, _, _, start, end in windows:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
        if len(chosen) == fragments:
            break
    chosen.sort()
    result = []
    for start, end in chosen:
        marks = [(s - start, e - start) for s, e, _ in found if start <= s and e <= end]
        prefix = ELLIPSIS if start > 0 else ""
        suffix = ELLIPSIS if end < len(display) else ""
        result.append(f"{prefix}{_render(text[start:end], marks).strip()}{suffix}")
    return result


def highlights_for(fields, terms, fragment_chars=160):
    """``{"title": [...], "summary": [...], "body": [...]}`` for the fields that match.

    ``fields`` maps a field name to its segmented text; the title is shown whole.
    """
    matcher = Matcher(terms)
    result = {}
    if not matcher:
        return result
    for name, display in fields.items():
        if name == "title":
            whole = highlight_whole(display, matcher)
            if whole:
                result[name] = [whole]
        else:
            found = snippets(display, matcher, fragment_chars=fragment_chars)
            if found:
                result[name] = found
    return result
