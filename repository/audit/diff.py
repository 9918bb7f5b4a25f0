"""Field-level differences between two versions of an object.

``diff_versions(a, b)`` compares two version ids (or two states from
``replay.version_state``) and returns one change per differing field:

* text (rich text, long text, anything with Thai): a word diff — Thai segmented
  with PyThaiNLP (``newmm``), since spaces do not separate Thai words; rich
  text keeps its HTML tags as tokens — as a list of (op, text) with op one of
  ``equal``, ``insert``, ``delete``;
* child rows (procurement rows, attachments, tags): by row id — rows added,
  removed, and changed with their own field changes;
* anything else: before and after.
"""

import datetime
import re
from functools import lru_cache

from django.apps import apps

from repository.sequence_diff import opcodes
from repository.thai import format_be_date

from .replay import entry_state, version_state

# Fields that move on every save and say nothing about content.
IGNORED_FIELDS = frozenset({
    "latest_revision", "latest_revision_created_at", "last_published_at", "has_unpublished_changes",
    "draft_title", "live_revision", "numchild", "locked", "locked_at", "locked_by", "content_type",
    "translation_key", "locale", "path", "depth",
})
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_TAG = re.compile(r"(<[^>]+>)")
WORD_DIFF_MIN_LENGTH = 60


@lru_cache(maxsize=1)
def _tokenizer():
    from pythainlp.tokenize import word_tokenize

    return word_tokenize


def tokenize(text):
    """Words (Thai segmented by PyThaiNLP), spaces and HTML tags, in order; joined they give the text back."""
    tokens = []
    for part in _TAG.split(text):
        if not part:
            continue
        if part.startswith("<") and part.endswith(">"):
            tokens.append(part)
        elif _THAI.search(part):
            tokens.extend(_tokenizer()(part, engine="newmm", keep_whitespace=True))
        else:
            tokens.extend(t for t in re.split(r"(\s+)", part) if t)
    return tokens


def word_diff(before, after):
    """[(op, text)] with op in equal/insert/delete; consecutive tokens of one op are joined."""
    a, b = tokenize(before or ""), tokenize(after or "")
    ops = []

    def emit(op, tokens):
        text = "".join(tokens)
        if not text:
            return
        if ops and ops[-1][0] == op:
            ops[-1] = (op, ops[-1][1] + text)
        else:
            ops.append((op, text))

    for tag, i1, i2, j1, j2 in opcodes(a, b):  # near-linear (repository/sequence_diff.py)
        if tag == "equal":
            emit("equal", a[i1:i2])
        else:
            emit("delete", a[i1:i2])
            emit("insert", b[j1:j2])
    return ops


def _is_text(value_a, value_b):
    for value in (value_a, value_b):
        if isinstance(value, str) and (len(value) >= WORD_DIFF_MIN_LENGTH or _THAI.search(value) or "<" in value):
            return True
    return False


def _is_rows(value):
    return isinstance(value, list) and all(isinstance(v, dict) for v in value) and value != []


def _label(model, name):
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def diff_states(before, after, model=None):
    changes = []
    for name in sorted(set(before) | set(after)):
        if name in IGNORED_FIELDS or name == "id" or name.endswith("__state"):
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        change = {"field": name, "label": _label(model, name), "before": old, "after": new}
        if _is_rows(old) or _is_rows(new):
            change["kind"] = "rows"
            change["rows"] = diff_rows(old or [], new or [], _row_model(model, name))
        elif _is_text(old, new):
            change["kind"] = "text"
            change["ops"] = word_diff(old or "", new or "")
        else:
            change["kind"] = "value"
        changes.append(change)
    return changes


def _row_model(model, name):
    try:
        return model._meta.get_field(name).related_model
    except Exception:
        return None


def diff_rows(before, after, model=None):
    """Rows matched by id: {"added": [...], "removed": [...], "changed": [{"id", "changes"}]}."""
    old = {row["id"]: row for row in before}
    new = {row["id"]: row for row in after}
    return {
        "added": [new[pk] for pk in new if pk not in old],
        "removed": [old[pk] for pk in old if pk not in new],
        "changed": [
            {"id": pk, "changes": diff_states(old[pk], new[pk], model)}
            for pk in new if pk in old and old[pk] != new[pk]
        ],
    }


def diff_versions(a, b, with_drafts=False):
    """Field-level diff from version ``a`` to version ``b`` (ids, or state dicts).

    ``with_drafts`` (auditors only): a version whose entry kept a draft is read as that draft
    (``replay.entry_state``), so a draft edit of a live page shows what the draft changed.
    """
    model = None
    if not isinstance(a, dict):
        from reversion.models import Version

        content_type_id = Version.objects.values_list("content_type_id", flat=True).get(pk=b)
        from django.contrib.contenttypes.models import ContentType

        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if with_drafts:
            a, b = entry_state(a)[0], entry_state(b)[0]
        else:
            a, b = version_state(a), version_state(b)
    elif "_model" in a:
        model = apps.get_model(a["_model"])
    return diff_states(a, b, model)


# How the admin shows a change to a person: text without markup, dates in Buddhist Era. -----------------------

_BLOCK_END = re.compile(r"^</(p|h[1-6]|li|ul|ol|blockquote|div|tr|table)>$|^<br\s*/?>$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def readable_ops(ops):
    """A word diff's ops as text a person reads: HTML tags dropped (a block's end becomes a line break),
    entities unescaped, empty ops left out, neighbours of one op joined."""
    from html import unescape

    readable = []
    for op, text in ops:
        parts = []
        for part in _TAG.split(text):
            if part.startswith("<") and part.endswith(">"):
                if _BLOCK_END.match(part):
                    parts.append("\n")
            elif part:
                parts.append(unescape(part))
        shown = "".join(parts)
        if not shown:
            continue
        if readable and readable[-1][0] == op:
            readable[-1] = (op, readable[-1][1] + shown)
        else:
            readable.append((op, shown))
    while readable and readable[-1][1].strip() == "":
        readable.pop()
    return readable


def readable_value(value):
    """A changed value as shown: ISO dates and times in Buddhist Era (``15 ม.ค. 2568``), the rest as is."""
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return format_be_date(moment.date() if len(value) == 10 else moment, style="abbr")
    return value


def readable_changes(changes):
    """``diff_states`` output with ``shown`` (ops) and ``shown_before``/``shown_after`` for the admin."""
    for change in changes:
        if change["kind"] == "text":
            change["shown"] = readable_ops(change["ops"])
        change["shown_before"] = readable_value(change["before"])
        change["shown_after"] = readable_value(change["after"])
        for row in (change.get("rows") or {}).get("changed", []):
            readable_changes(row.get("changes", []))
    return changes
