"""Highlighted snippets cut at Thai word boundaries.

The embedded engine keeps each field as segmented text (words joined by
``analysis.WORD_SEPARATOR``), so a snippet is a run of whole words: it never
starts or ends inside a Thai word. Matches are wrapped in ``<mark>…</mark>``;
everything else is HTML-escaped.
"""

import html
import re

from . import analysis

MARK_OPEN = "<mark>"
MARK_CLOSE = "</mark>"
ELLIPSIS = "…"
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
        """The matched term for ``word`` or None."""
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


def snippets(display, matcher, fragment_chars=160, fragments=2):
    """Up to ``fragments`` snippets of about ``fragment_chars`` characters around matches.

    Fragments start and end on word boundaries, prefer windows holding the
    most different terms, and never overlap.
    """
    if not display or not matcher:
        return []
    tokens = _tokens(display)
    hits = []
    for index, (text, is_word) in enumerate(tokens):
        if is_word:
            term = matcher.match(text)
            if term:
                hits.append((index, term))
    if not hits:
        return []
    matched = {index for index, _ in hits}
    windows = []
    for position, (start_hit, _) in enumerate(hits):
        # begin a few words before the first match, on a word
        start = start_hit
        budget = fragment_chars // 4
        while start > 0 and budget - len(tokens[start - 1][0]) > 0:
            start -= 1
            budget -= len(tokens[start][0])
        while start < start_hit and not tokens[start][1]:
            start += 1
        end, size = start, 0
        while end < len(tokens) and (size + len(tokens[end][0]) <= fragment_chars or end <= start_hit):
            size += len(tokens[end][0])
            end += 1
        while end > start_hit + 1 and not tokens[end - 1][1]:
            end -= 1
        terms = {term for index, term in hits[position:] if index < end}
        count = sum(1 for index, _ in hits[position:] if index < end)
        windows.append((len(terms), count, -start, start, end))
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
