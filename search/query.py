"""A validated search request and the shape of its results, shared by both engines."""

import dataclasses
import datetime

from repository.fiscal import normalise_fiscal_year
from repository.models.frameworks import item_key, parse_item_key

from .errors import InvalidQuery

MAX_QUERY_LENGTH = 500  # characters; a search box, not a document
MAX_FILTER_VALUES = 50
MAX_PER_PAGE = 100
MAX_PAGE = 500  # deep paging is for the API's listing, not for search
SORTS = ("relevance", "date")
FACETS = ("agency", "item", "page_type", "fiscal_year")


def _as_list(value, param):
    if value is None or value == "":
        return []
    if isinstance(value, (str, int)):
        value = [value]
    try:
        values = [v for v in value if v is not None and str(v).strip() != ""]
    except TypeError:
        raise InvalidQuery("must be a list of values", param=param)
    if len(values) > MAX_FILTER_VALUES:
        raise InvalidQuery(f"at most {MAX_FILTER_VALUES} values", param=param)
    return values


def _as_date(value, param):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidQuery(f"{value!r} is not a date (YYYY-MM-DD)", param=param)


def _as_int(value, param, minimum, maximum):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidQuery(f"{value!r} is not a whole number", param=param)
    if not minimum <= number <= maximum:
        raise InvalidQuery(f"must be between {minimum} and {maximum}", param=param)
    return number


def _check_text(value, param):
    if not isinstance(value, str):
        raise InvalidQuery("must be text", param=param)
    if "\x00" in value:
        raise InvalidQuery("must not contain NUL characters", param=param)
    return value


class SearchQuery:
    """What the public asked for, checked once.

    ``SearchQuery(text="จัดซื้อ", agency=["uthai-thani"], item=["2565:O22"],
    page_type=["newspage"], fiscal_year=[2568], date_from=None, date_to=None,
    sort="relevance", page=1, per_page=20)``

    Raises ``InvalidQuery`` naming the parameter when a value is wrong.
    Fiscal years may be Buddhist Era (2568) or Gregorian (2025 → 2568).
    An item is a framework year and a code, ``2565:O22`` (the facets' values), or a
    bare code, ``O22``, meaning that code in any framework year (``item_keys``/``item_codes``).
    """

    def __init__(
        self,
        text="",
        agency=None,
        item=None,
        page_type=None,
        fiscal_year=None,
        date_from=None,
        date_to=None,
        sort="relevance",
        page=1,
        per_page=20,
    ):
        text = _check_text("" if text is None else text, "text")
        if len(text) > MAX_QUERY_LENGTH:
            raise InvalidQuery(f"at most {MAX_QUERY_LENGTH} characters", param="text")
        self.text = text.strip()
        self.agency = [_check_text(str(v), "agency").strip() for v in _as_list(agency, "agency")]
        self.item_keys, self.item_codes = [], []
        for value in _as_list(item, "item"):
            try:
                year, code = parse_item_key(_check_text(str(value), "item"))
            except ValueError as error:
                raise InvalidQuery(str(error), param="item") from None
            if year is None:
                self.item_codes.append(code)
            else:
                self.item_keys.append(item_key(year, code))
        self.item = self.item_keys + self.item_codes
        self.page_type = [_check_text(str(v), "page_type").strip().lower() for v in _as_list(page_type, "page_type")]
        years = []
        for value in _as_list(fiscal_year, "fiscal_year"):
            try:
                years.append(normalise_fiscal_year(value))
            except (TypeError, ValueError):
                raise InvalidQuery(
                    f"{value!r} is not a fiscal year (e.g. 2568, or 2025 for the same year)", param="fiscal_year"
                )
        self.fiscal_year = sorted(set(years))
        self.date_from = _as_date(date_from, "date_from")
        self.date_to = _as_date(date_to, "date_to")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidQuery("date_from is after date_to", param="date_from")
        if sort not in SORTS:
            raise InvalidQuery(f"must be one of {', '.join(SORTS)}", param="sort")
        self.sort = sort
        self.page = _as_int(page, "page", 1, MAX_PAGE)
        self.per_page = _as_int(per_page, "per_page", 1, MAX_PER_PAGE)

    @property
    def offset(self):
        return (self.page - 1) * self.per_page

    def has_filters(self):
        return bool(
            self.agency or self.item or self.page_type or self.fiscal_year or self.date_from or self.date_to
        )

    def __repr__(self):
        fields = ", ".join(f"{name}={value!r}" for name, value in vars(self).items())
        return f"SearchQuery({fields})"


@dataclasses.dataclass
class SearchHit:
    page_id: int
    title: str
    url_path: str
    page_type: str
    agency: str
    issue_date: datetime.date | None
    fiscal_year: int | None
    score: float
    highlights: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class SearchResults:
    total: int
    hits: list
    facets: dict
    page: int
    per_page: int
    # How the words were found: "phrase" (some document holds them as typed), "all_words"
    # (none does: every result holds all of them, apart), "any_words" (none holds all of them)
    # or "" (no words: a browse).
    match: str = ""

    @property
    def pages(self):
        return (self.total + self.per_page - 1) // self.per_page if self.per_page else 0
