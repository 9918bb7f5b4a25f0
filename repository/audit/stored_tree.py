"""The Merkle tree of the audit log as stored: its complete subtrees (``TreeNode``), read for roots and
RFC 9162 proofs. The tree's arithmetic, without the database, is ``merkle.py``."""

from django.db import DEFAULT_DB_ALIAS

from .merkle import (
    _LEVEL_SHIFT,
    EMPTY_ROOT,
    CompactRange,
    consistency_ranges,
    fold,
    inclusion_ranges,
    position,
    range_nodes,
)
from .models import TreeNode


class StoredTree:
    """Proofs and roots from the stored complete subtrees (``TreeNode``), one query each."""

    def __init__(self, using=None):
        self.using = using or DEFAULT_DB_ALIAS

    def hashes(self, keys):
        """{(level, index): hash} for the complete subtrees asked for (missing ones absent)."""
        wanted = {position(level, index): (level, index) for level, index in keys}
        found = {}
        rows = TreeNode.objects.using(self.using).filter(position__in=list(wanted)).values_list("position", "hash")
        for pos, digest in rows:
            found[wanted[pos]] = bytes.fromhex(digest)
        return found

    def size(self):
        last = TreeNode.objects.using(self.using).filter(position__lt=1 << _LEVEL_SHIFT).order_by(
            "-position").values_list("position", flat=True).first()
        return 0 if last is None else last + 1

    def range_hashes(self, ranges):
        """MTH of each (lo, hi) range, in one query."""
        needed = {node for lo, hi in ranges for node in range_nodes(lo, hi)}
        found = self.hashes(needed)
        missing = needed - found.keys()
        if missing:
            raise LookupError(f"the stored tree lacks {len(missing)} subtree(s), e.g. {sorted(missing)[0]}")
        return [fold([found[node] for node in range_nodes(lo, hi)]) for lo, hi in ranges]

    def root(self, size):
        return self.range_hashes([(0, size)])[0] if size else EMPTY_ROOT

    def leaf(self, index):
        return self.range_hashes([(index, index + 1)])[0]

    def inclusion_proof(self, index, size):
        return self.range_hashes(inclusion_ranges(index, size))

    def consistency_proof(self, first, second):
        return self.range_hashes(consistency_ranges(first, second)) if first < second else []

    def compact_range(self, size):
        nodes = range_nodes(0, size)
        found = self.hashes(nodes)
        return CompactRange(size, [found[node] for node in nodes])
