"""URL slugs for Thai titles: Royal Institute romanisation, word by word.

Why not Thai slugs (IRIs): Django's and Wagtail's slug validation is ``[-\\w]``,
and ``\\w`` excludes Thai vowel and tone marks (Unicode category Mn), so
``slugify("ข่าว", allow_unicode=True)`` gives ``"ขาว"`` — another word — and a
typed ``ข่าว`` is refused as a slug. Keeping them would mean replacing the
slug validation of every path, and the resulting URLs travel percent-encoded
(nine characters per Thai letter) through e-mail, chat, approval forms and OIT
answer sheets. docs/WORKFLOW.md ("Page addresses") gives the whole decision.

So a slug is the title cut into words by the project's segmenter
(``repository.words``) and each Thai word romanised with PyThaiNLP's offline
``royin`` engine: ``ประกาศเหตุฉุกเฉิน`` → ``prakat-het-chukchoen``. Vowels
written above and below the consonant (ิ ี ุ ู ั ็ …) are letters of the
romanisation; the Royal Institute system writes no tones, so two titles that
differ only by a tone mark get the same base and are told apart by the
numeric suffix that makes every slug unique among its siblings.

A slug is never empty and never hyphens only: ``page_slug`` falls back to the
page type's name.
"""

import re

from django.utils.text import slugify
from pythainlp.transliterate import romanize

from .thai import to_arabic_digits
from .words import segment

MAX_LENGTH = 80
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")
_SEPARATORS = re.compile(r"[/\\.,:;|+_]+")
_HYPHENS = re.compile(r"-{2,}")


def has_thai(text):
    return bool(_THAI.search(text or ""))


def _romanise_run(run):
    words = [word for word in segment(run) if word.strip()]
    return " ".join(romanize(word, engine="royin") for word in words)


def thai_slug(title):
    """``"ประกาศเหตุฉุกเฉิน 2568"`` → ``"prakat-het-chukchoen-2568"``; ``""`` when nothing is left."""
    text = _SEPARATORS.sub(" ", to_arabic_digits(title or ""))
    text = _THAI_RUN.sub(lambda run: f" {_romanise_run(run.group())} ", text)
    return tidy(slugify(text))


def tidy(slug):
    """One hyphen at a time, none at the ends, at most ``MAX_LENGTH`` characters."""
    slug = _HYPHENS.sub("-", slug or "").strip("-")
    return slug[:MAX_LENGTH].rstrip("-")


def browser_slug(title):
    """What Wagtail's editor makes of a title while ASCII slugs are on: every Thai
    letter dropped (``"ประกาศ e-bidding"`` → ``"-e-bidding"``), compared after ``tidy``."""
    return tidy(slugify(_THAI_RUN.sub(" ", title or "")))


def page_slug(title, fallback):
    """The slug a page gets from its title, never empty."""
    return thai_slug(title) or tidy(slugify(fallback)) or "page"


def unique_slug(base, parent, page=None):
    """``base``, or ``base-2``, ``base-3``… whichever is free among ``parent``'s children."""
    from wagtail.models import Page

    candidate, suffix = base, 1
    while not Page._slug_is_available(candidate, parent, page):
        suffix += 1
        tail = f"-{suffix}"
        candidate = base[: MAX_LENGTH - len(tail)].rstrip("-") + tail
    return candidate


def needs_generating(slug, title):
    """Whether ``slug`` is no real choice: empty, hyphens only, or what the browser
    derived from a Thai title by dropping its Thai letters."""
    cleaned = tidy(slug)
    if not cleaned:
        return True
    return has_thai(title) and cleaned == browser_slug(title)
