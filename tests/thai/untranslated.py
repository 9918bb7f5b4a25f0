"""Record every string the admin asks Django to translate into Thai and finds no Thai for.

Django's template tags (``{% translate %}``, ``{% blocktranslate %}``), ``gettext``,
``pgettext``, ``ngettext`` and the lazy strings of forms, models and menus all end in
``DjangoTranslation.gettext`` / ``.ngettext`` of the active language (``pgettext`` asks for
``"context\\x04message"``). Wrapping those two methods while a page renders tells which
messages the merged Thai catalogue (our locale/th, then every app's, then Django's) does not
hold: gettext falls back to the English msgid for them, which is what the user would read.
"""

import ast
import re
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from django.utils.translation import trans_real

CONTEXT_SEPARATOR = "\x04"


def readable(msgid):
    """``"context\\x04message"`` → ``"message [context]"``."""
    if CONTEXT_SEPARATOR in msgid:
        context, message = msgid.split(CONTEXT_SEPARATOR, 1)
        return f"{message} [{context}]"
    return msgid


@contextmanager
def untranslated(language="th", seen=None):
    """Yield a set filled, while the block runs, with the messages that had no translation in ``language``.

    ``seen``, a dict, if given, receives every message asked for and the translation given.
    """
    missing = set()
    gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def recording_gettext(self, message):
        if self.language() == language and message not in self._catalog:
            missing.add(message)
        result = gettext(self, message)
        if seen is not None and self.language() == language:
            seen[message] = result
        return result

    def recording_ngettext(self, singular, plural, number):
        if self.language() == language and (singular, 0) not in self._catalog:
            missing.add(singular)
        result = ngettext(self, singular, plural, number)
        if seen is not None and self.language() == language:
            seen[singular] = result
        return result

    trans_real.DjangoTranslation.gettext = recording_gettext
    trans_real.DjangoTranslation.ngettext = recording_ngettext
    try:
        yield missing
    finally:
        trans_real.DjangoTranslation.gettext = gettext
        trans_real.DjangoTranslation.ngettext = ngettext


def po_entries(path):
    """The entries of a .po file as dicts (``msgid``, ``msgstr`` or ``msgstr[0]``, ``msgctxt``, ``msgid_plural``),
    the header left out: enough of the format for gettext's own catalogues and ours."""
    entries, entry, key = [], {}, None
    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line):
            key = match.group(1)
            entry[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    return entries


class _VisibleText(HTMLParser):
    LABELS = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.hidden = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.LABELS and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    """What a reader (or a screen reader) gets of a page: its text and its labels, without scripts."""
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


# What people reported reading (issue 15), and Wagtail's own odd Thai: never on these pages again.
# Matched as words, case-insensitively (Wagtail upper-cases some labels with CSS).
REPORTED = [
    "Awaiting your review", "Current page status", "In Moderation", "Cancel workflow", "More actions",
    "Write something", "Needs changes", "Save draft", "Submit to", "Resubmit", "Approve", "Publish",
    "Page explorer", "Dashboard", "History", "Comments", "Status", "Actions", "Log out", "Search",
    "Preview", "Edit", "Live", "Draft", "Workflow", "Pages", "Previous", "Next", "Sign in", "Remember me",
]
ODD_THAI = ["หลายๆหน้า", "หลายหน้า", "หัวเรื่อง,หัวข้อ", "หัวข้อ,หัวเรื่อง", "ต่อ,ต่อเนื่อง", "ก๊อปปี้",
            "หน้าจอที่ควบคุม", "ข้อความที่เก็บเอาไว้ทำใหม่", "เว็บไซด์", "ส่วนหนึ่งของURL", "เผยพร่",
            "กำลังเซฟ", "แบบ,รูปแบบ", "ไฟล์นี้จำเป็นต้องใช้"]

# Dotted action codes (wagtail.workflow.approve) the audit views give auditors as tooltips are identifiers.
ACTION_CODE = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b")


def reported_phrases(text):
    text = ACTION_CODE.sub("", text)
    found = [phrase for phrase in REPORTED if re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE)]
    return found + [odd for odd in ODD_THAI if odd in text]
