"""A near-linear diff of two token sequences (patience diff), with difflib's opcode format.

``difflib.SequenceMatcher`` costs O(n·m) and more on long texts with repeated words: two ~90 KB
Thai bodies took 16–54 s of CPU. This diff costs O((n + m) log(n + m)) plus bounded small pieces:

0. a piece of at most ``SMALL_PRODUCT`` token pairs is diffed by ``difflib`` (same answer as before);
1. the common prefix and suffix are equal;
2. tokens that occur exactly once on each side are matched in order (the longest increasing
   subsequence, patience sorting), and the gaps between those anchors are diffed the same way;
3. a gap with no such anchor (or below ``MAX_DEPTH`` levels) goes to ``difflib`` when it is small
   (``SMALL_PRODUCT`` token pairs at most), else it is a replacement.

Step 3 bounds the quadratic work: a piece costs at most ``SMALL_PRODUCT`` comparisons and the
pieces are disjoint, so the total stays proportional to the length. The result is a correct edit
script (applying it to ``a`` gives ``b``); it may be less minimal than difflib's on texts that
share few unique words, which is the point of the bound.
"""

import bisect
import difflib
from collections import Counter

SMALL_PRODUCT = 40_000
MAX_DEPTH = 12


def _anchors(a, b, alo, ahi, blo, bhi):
    """Pairs (i, j) of tokens unique in both ranges, in a's order, forming an increasing sequence in b."""
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {}
    for j in range(blo, bhi):
        token = b[j]
        if count_b[token] == 1 and count_a.get(token) == 1:
            where_b[token] = j
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi) if a[i] in where_b]
    if not pairs:
        return []
    # Longest increasing subsequence of the b positions (patience sorting).
    tails, tails_at, back = [], [], [None] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, j)
        back[k] = tails_at[pos - 1] if pos else None
        if pos == len(tails):
            tails.append(j)
            tails_at.append(k)
        else:
            tails[pos] = j
            tails_at[pos] = k
    chain, k = [], tails_at[-1]
    while k is not None:
        chain.append(pairs[k])
        k = back[k]
    chain.reverse()
    return chain


def _small(a, b, alo, ahi, blo, bhi):
    na, nb = ahi - alo, bhi - blo
    if na == 0 and nb == 0:
        return []
    if na == 0:
        return [("insert", alo, ahi, blo, bhi)]
    if nb == 0:
        return [("delete", alo, ahi, blo, bhi)]
    if na * nb > SMALL_PRODUCT:
        return [("replace", alo, ahi, blo, bhi)]
    matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
    return [(tag, i1 + alo, i2 + alo, j1 + blo, j2 + blo) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _diff(a, b, alo, ahi, blo, bhi, depth, out):
    if (ahi - alo) * (bhi - blo) <= SMALL_PRODUCT:  # small: difflib's own (minimal, leftmost) answer
        out.extend(_small(a, b, alo, ahi, blo, bhi))
        return
    # Common prefix and suffix.
    start_a, start_b = alo, blo
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo += 1
        blo += 1
    if alo > start_a:
        out.append(("equal", start_a, alo, start_b, blo))
    end_a, end_b = ahi, bhi
    while ahi > alo and bhi > blo and a[ahi - 1] == b[bhi - 1]:
        ahi -= 1
        bhi -= 1
    suffix = ("equal", ahi, end_a, bhi, end_b) if ahi < end_a else None

    anchors = _anchors(a, b, alo, ahi, blo, bhi) if depth < MAX_DEPTH and alo < ahi and blo < bhi else []
    if not anchors:
        out.extend(_small(a, b, alo, ahi, blo, bhi))
    else:
        i, j = alo, blo
        for ai, bj in anchors:
            _diff(a, b, i, ai, j, bj, depth + 1, out)
            out.append(("equal", ai, ai + 1, bj, bj + 1))
            i, j = ai + 1, bj + 1
        _diff(a, b, i, ahi, j, bhi, depth + 1, out)
    if suffix:
        out.append(suffix)


def opcodes(a, b):
    """Like ``difflib.SequenceMatcher(None, a, b).get_opcodes()``: (tag, i1, i2, j1, j2), adjacent
    equal runs merged."""
    a, b = list(a), list(b)
    raw = []
    _diff(a, b, 0, len(a), 0, len(b), 0, raw)
    merged = []
    for op in raw:
        if op[1] == op[2] and op[3] == op[4]:
            continue
        if merged and merged[-1][0] == op[0] == "equal":
            last = merged[-1]
            merged[-1] = ("equal", last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return merged
