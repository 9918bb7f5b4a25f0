"""The Merkle tree over the audit entries (RFC 9162 §2.1), kept as entries are appended.

* leaf hash: ``SHA-256(0x00 ‖ entry)``, where *entry* is the entry's canonical
  JSON payload (``canonical.canonical_json``), the same bytes its seal hashes;
* node hash: ``SHA-256(0x01 ‖ left ‖ right)``; the tree of *n* leaves splits at
  the largest power of two below *n* (RFC 9162's MTH); the empty tree's root is
  ``SHA-256("")``.

Stored: every *complete* subtree's hash, as ``TreeNode`` rows keyed by
``position(level, index)`` — the subtree of ``2**level`` leaves starting at leaf
``index * 2**level``. Appending leaf *i* stores it and then one parent for each
trailing 1 bit of *i* (two rows per entry on average). Any subtree an RFC 9162
proof needs is aligned at its left edge, so its hash is the fold of at most
log2(n) stored complete subtrees (``range_nodes``): an inclusion or consistency
proof for any entry and any earlier tree size costs one query for O(log² n) rows.

The functions here are pure (hashes in, hashes out) except ``StoredTree``.
"""

from hashlib import sha256

EMPTY_ROOT = sha256(b"").digest()
HASH_SIZE = 32
_LEVEL_SHIFT = 48  # position = level << 48 | index: 2**48 leaves, 64 levels, in one signed 64-bit key


def leaf_hash(entry):
    return sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return sha256(b"\x01" + left + right).digest()


def position(level, index):
    return (level << _LEVEL_SHIFT) | index


def split_point(size):
    """The largest power of two smaller than ``size`` (> 1): where RFC 9162 splits a tree."""
    return 1 << ((size - 1).bit_length() - 1)


def range_nodes(lo, hi):
    """The complete subtrees (level, index) whose fold is MTH(D[lo:hi]), left to right.

    ``lo`` must be the left edge of an RFC 9162 subtree (true of every range a proof asks for).
    """
    nodes = []
    while hi - lo > 0:
        size = hi - lo
        if size & (size - 1) == 0:  # a power of two: one complete subtree
            level = size.bit_length() - 1
            nodes.append((level, lo >> level))
            break
        k = split_point(size)
        level = k.bit_length() - 1
        nodes.append((level, lo >> level))
        lo += k
    return nodes


def fold(hashes):
    """MTH of a range from its complete subtrees' hashes, left to right (``range_nodes`` order)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(m, n):
    """The ranges whose MTH form the inclusion proof of leaf ``m`` in a tree of ``n`` (RFC 9162 §2.1.3.1).

    PATH(m, D[n]) for n > 1: with k the split point, PATH(m, D[0:k]) : MTH(D[k:n]) if m < k,
    else PATH(m - k, D[k:n]) : MTH(D[0:k]). Returned leaf side first.
    """
    if not 0 <= m < n:
        raise ValueError(f"leaf {m} is not in a tree of size {n}")
    ranges, lo, hi = [], 0, n
    while hi - lo > 1:
        k = split_point(hi - lo)
        if m - lo < k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    return ranges[::-1]


def consistency_ranges(m, n):
    """The ranges whose MTH form the consistency proof from size ``m`` to ``n`` (RFC 9162 §2.1.4.1).

    SUBPROOF(m, D[n], b): {} if m == n and b; {MTH(D[n])} if m == n and not b; else with k the split
    point, SUBPROOF(m, D[0:k], b) : MTH(D[k:n]) if m <= k, else SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]).
    """
    if not 0 < m <= n:
        raise ValueError(f"no consistency proof from size {m} to {n}")
    ranges, lo, hi, complete = [], 0, n, True
    while True:
        if m == hi - lo:
            if not complete:
                ranges.append((lo, hi))
            break
        k = split_point(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            m -= k
            lo += k
            complete = False
    return ranges[::-1]


def new_nodes(index, leaf, hashes_of):
    """The (level, index, hash) rows that appending ``leaf`` at ``index`` completes.

    ``hashes_of(keys)`` gives {(level, index): hash} for the left siblings it needs.
    """
    rows = [(0, index, leaf)]
    siblings, level, i = [], 0, index
    while i & 1:
        siblings.append((level, i - 1))
        level, i = level + 1, i >> 1
    if siblings:
        found = hashes_of(siblings)
        current = leaf
        for level, sibling in siblings:
            current = node_hash(found[(level, sibling)], current)
            rows.append((level + 1, sibling >> 1, current))
    return rows


class CompactRange:
    """The hashes of the complete subtrees covering leaves [0, size): append leaves, read roots.

    Used to recompute roots while streaming leaves (verification), and to continue from a
    verified checkpoint (its size's decomposition into complete subtrees) with new leaves.
    """

    def __init__(self, size=0, hashes=()):
        self.size = size
        self.hashes = list(hashes)  # largest subtree first, as range_nodes(0, size)

    def append(self, leaf):
        """Add the next leaf; return the complete subtrees it closes above it, as (level, index, hash)."""
        self.hashes.append(leaf)
        size, level, closed = self.size, 0, []
        while size & 1:
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)
            size >>= 1
            level += 1
            closed.append((level, size, self.hashes[-1]))
        self.size += 1
        return closed

    def root(self):
        return fold(self.hashes)


def root_of(leaves):
    """MTH of a list of leaf hashes."""
    tree = CompactRange()
    for leaf in leaves:
        tree.append(leaf)
    return tree.root()
