"""URL slugs for Thai titles.

Django's unicode slugs match ``\\w``, which excludes Thai vowel and tone marks
(Unicode category Mn): ``slugify("ข่าว", allow_unicode=True)`` gives ``"ขาว"``,
another word. So Thai is romanised (Royal Institute system, offline) instead.
"""

import re

from django.utils.text import slugify
from pythainlp.transliterate import romanize
from pythainlp.util import isthai

from .thai import to_arabic_digits

MAX_LENGTH = 80
_THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


def thai_slug(title):
    """``"ข่าวประชาสัมพันธ์ 2568"`` → ``"khaoprachasamphan-2568"``."""
    text = to_arabic_digits(title or "")
    text = _THAI_RUN.sub(lambda run: f" {romanize(run.group(), engine='royin')} " if isthai(run.group()) else " ", text)
    slug = slugify(text)[:MAX_LENGTH].strip("-")
    return slug
