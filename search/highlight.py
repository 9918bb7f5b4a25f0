"""Highlighted snippets cut at Thai word boundaries.

The embedded engine keeps each field as segmented text (words joined by
``analysis.WORD_SEPARATOR``), so a snippet is a run of whole words: it never
starts or ends inside a Thai word. Matches are wrapped in ``<mark>…</mark>``;
everything else is HTML-escaped.
"""

import bisect
import html
import re

from . import analysis

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
ELLIPSIS = "…"
MAX_SNIPPET_SOURCE = 30_000  # characters of a field scanned for snippets (bounded time per hit)
_SPLIT = re.compile(r"(\u200b|\s+)")
_ENGLISH_SUFFIXES = ("ing", "ed", "es", "s", "ly")


def _stem(word):
    for suffix in _ENGLISH_SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


class Matcher:
    """Decides whether a word of a document matches one of the query's terms."""

    def __init__(self, terms):
        self._cache = {}
        self.exact = set()
        self.thai_parts = []
        self.stems = set()
        for term in terms:
            folded = analysis.fold(term)
            self.exact.add(folded)
            if analysis.is_thai(folded):
                self.thai_parts.append(folded)
            elif folded.isascii() and folded.isalpha():
                self.stems.add(_stem(folded))

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
        if self.stems and folded.isascii() and _stem(folded) in self.stems:
            return _stem(folded)
        return None


def _tokens(display):
    """(text, is_word) pairs; the word separator itself is dropped."""
    tokens = []
    for piece in _SPLIT.split(display):
        if not piece or piece == analysis.WORD_SEPARATOR:
            continue
        tokens.append((piece, not piece.isspace()))
    return tokens


def _render(tokens, matched):
    out = []
    for index, (text, _) in enumerate(tokens):
        escaped = html.escape(text, quote=False)
        out.append(f"{MARK_OPEN}{escaped}{MARK_CLOSE}" if index in matched else escaped)
    return "".join(out)


def highlight_whole(display, matcher):
    """The whole field with its matches marked, or None when nothing matches."""
    if not display or not matcher:
        return None
    tokens = _tokens(display)
    matched = {i for i, (text, is_word) in enumerate(tokens) if is_word and matcher.match(text)}
    if not matched:
        return None
    return _render(tokens, matched)


def snippets(display, matcher, fragment_chars=160, fragments=2, max_hits=2000):
    """Up to ``fragments`` snippets of about ``fragment_chars`` characters around matches.

    Fragments start and end on word boundaries, prefer windows holding the
    most different terms (then the most matches, then the earliest), and never
    overlap. Linear in the length of the text: one pass with two pointers.
    """
    if not display or not matcher:
        return []
    tokens = _tokens(display[:MAX_SNIPPET_SOURCE])
    hits = []
    for index, (text, is_word) in enumerate(tokens):
        if is_word:
            term = matcher.match(text)
            if term:
                hits.append((index, term))
                if len(hits) >= max_hits:
                    break
    if not hits:
        return []
    matched = {index for index, _ in hits}
    offsets = [0]  # offsets[i] = characters before token i
    for text, _ in tokens:
        offsets.append(offsets[-1] + len(text))
    lead = fragment_chars // 4
    windows = []
    counts = {}
    j = 0  # hits[i:j] fall inside the current window
    for i, (hit_index, _) in enumerate(hits):
        start = bisect.bisect_left(offsets, offsets[hit_index] - lead, 0, hit_index + 1)
        while start < hit_index and not tokens[start][1]:
            start += 1
        end = max(hit_index + 1, bisect.bisect_right(offsets, offsets[start] + fragment_chars) - 1)
        end = min(end, len(tokens))
        while end > hit_index + 1 and not tokens[end - 1][1]:
            end -= 1
        if j < i:
            j = i
        while j < len(hits) and hits[j][0] < end:
            counts[hits[j][1]] = counts.get(hits[j][1], 0) + 1
            j += 1
        windows.append((len(counts), j - i, -start, start, end))
        term = hits[i][1]
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
        text = _render(tokens[start:end], {i - start for i in matched if start <= i < end})
        prefix = ELLIPSIS if start > 0 else ""
        suffix = ELLIPSIS if end < len(tokens) else ""
        result.append(f"{prefix}{text.strip()}{suffix}")
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
