"""Tree paths a move changes without a log entry: the destination's other children.

Putting a page among siblings (``pos="left"``, ``"right"``, ``"first-sibling"``:
the admin's drag-and-drop reordering) makes treebeard shift the tree paths of the
siblings from that position on, with their branches, in SQL. Wagtail logs only the
moved page, so those siblings' own entries keep paths they no longer have: their
descendants' recorded paths would then sit under the wrong page as of any later
moment, and a view restriction on one sibling would seem to cover another's pages.

The paths of the destination's children are read before the move and after it.
Those that changed are logged once Wagtail has logged the move, as one Wagtail log
entry on the destination page — ``audit.children_renumbered``, by the same user,
in the same log context, with the move's timestamp and log entry id and each
shifted child's path before and after — which the recorder seals like any other.
``replay.moves_as_of`` treats those shifts and the move as one change (each recorded
path follows the one whose old path is its longest prefix).
"""

import threading

from wagtail.log_actions import log
from wagtail.models import Page

ACTION_CHILDREN_RENUMBERED = "audit.children_renumbered"
MOVE_ACTIONS = ("wagtail.move", "wagtail.reorder")

# Per thread: moved page id → its destination's children's paths before the move, then the shifts it made.
_state = threading.local()


def _pending():
    if not hasattr(_state, "before"):
        _state.before, _state.shifted = {}, {}
    return _state


def remember_destination_paths(sender, instance, parent_page_after, **kwargs):
    """pre_page_move: the tree paths of the destination's other children."""
    state = _pending()
    state.shifted.pop(instance.pk, None)  # left by a move that failed before Wagtail logged it
    state.before[instance.pk] = dict(
        Page.objects.child_of(parent_page_after).exclude(pk=instance.pk).values_list("pk", "path"))


def find_shifted_children(sender, instance, parent_page_after, **kwargs):
    """post_page_move: which of those children the move shifted (kept for the move's log entry)."""
    state = _pending()
    before = state.before.pop(instance.pk, {})
    if not before:
        return
    after = dict(Page.objects.filter(pk__in=before).values_list("pk", "path"))
    shifted = sorted(((pk, before[pk], after[pk]) for pk in before if after.get(pk, before[pk]) != before[pk]),
                     key=lambda shift: shift[1])
    if shifted:
        state.shifted[instance.pk] = (parent_page_after.pk, instance.title, shifted)


def log_shifted_children(sender, instance, created, raw=False, **kwargs):
    """post_save of PageLogEntry: when Wagtail logs a move that shifted other pages, log the shifts."""
    if not created or raw or instance.action not in MOVE_ACTIONS:
        return
    parent_id, title, shifted = _pending().shifted.pop(instance.page_id, (None, None, None))
    if not shifted:
        return
    parent = Page.objects.get(pk=parent_id).specific
    log(parent, ACTION_CHILDREN_RENUMBERED, user=instance.user, uuid=instance.uuid, timestamp=instance.timestamp,
        data={
            "moved_page": {"id": instance.page_id, "title": title, "log_entry_id": instance.pk},
            "paths": [{"id": pk, "before": old, "after": new} for pk, old, new in shifted],
            "reason": f"tree paths shifted to make room for {title}",
        })


def shifts_in(data):
    """(moved page's log entry id, [(page id, path before, path after)]) from an entry's log data."""
    moved = (data or {}).get("moved_page") or {}
    paths = [(row.get("id"), row.get("before"), row.get("after")) for row in (data or {}).get("paths") or []
             if isinstance(row, dict)]
    return moved.get("log_entry_id"), [row for row in paths if row[1] and row[2]]
