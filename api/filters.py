"""Filtering and ordering disclosure listings: the parameters parsed once, applied by either engine.

``ListingFilter.parse(query)`` checks every listing parameter (a 400 naming it);
its ``apply`` filters live disclosures in the database and its ``select`` the rows
of a point-in-time listing. ``filter_parameters()`` describes them to drf-spectacular.
"""

import dataclasses
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.filters import BaseFilterBackend

from repository import answers
from repository.models import DISCLOSURE_PAGE_MODELS, Agency, EmergencyAnnouncementPage, FrameworkItem
from repository.models.frameworks import item_key, parse_item_key

from .exceptions import ParameterError
from .params import get_date_range, get_fiscal_years, get_list

ORDERINGS = {
    "issue_date": ("issue_date", "id"),
    "-issue_date": ("-issue_date", "-id"),
    "published": ("first_published_at", "id"),
    "-published": ("-first_published_at", "-id"),
    "modified": ("last_published_at", "id"),
    "-modified": ("-last_published_at", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "fiscal_year": ("fiscal_year", "issue_date", "id"),
    "-fiscal_year": ("-fiscal_year", "-issue_date", "-id"),
    "id": ("id",),
    "-id": ("-id",),
}
# Cursor paging needs an ordering on a unique or nearly unique, non-null column.
CURSOR_ORDERINGS = {"-published", "published", "id", "-id"}
DEFAULT_ORDERING = "-issue_date"
DEFAULT_CURSOR_ORDERING = "-published"

FILTER_PARAMS = ("agency", "item", "framework_year", "type", "fiscal_year", "from", "to", "tag", "active")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def type_names():
    """``{'NewsPage': NewsPage, 'repository.NewsPage': NewsPage, 'newspage': ...}``."""
    names = {}
    for model in DISCLOSURE_PAGE_MODELS:
        label = f"{model._meta.app_label}.{model.__name__}"
        for key in (label, model.__name__):
            names[key] = model
            names[key.lower()] = model
    return names


def agency_ids(codes, param="agency"):
    """The ids of the agencies named and every agency below them."""
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ParameterError(param, f"Unknown agency code '{unknown[0][:40]}'.")
    ids = set()
    for agency in found.values():
        ids |= agency.descendant_ids()
    return ids


def page_types(query):
    """``type=`` as page models, in the order named (a 400 naming the known types for an unknown one)."""
    names = type_names()
    models = []
    for name in get_list(query, "type"):
        model = names.get(name) or names.get(name.lower())
        if model is None:
            raise ParameterError(
                "type", f"Unknown page type '{name[:40]}'. Use one of: "
                + ", ".join(m.__name__ for m in DISCLOSURE_PAGE_MODELS) + "."
            )
        if model not in models:
            models.append(model)
    return models


def get_active(query):
    """``active=true|false`` → True/False, absent → None (a 400 naming ``active`` for anything else)."""
    raw = get_list(query, "active")
    if not raw:
        return None
    if len(raw) > 1 or raw[0].lower() not in BOOLEANS:
        raise ParameterError("active", "'active' takes true or false.")
    return BOOLEANS[raw[0].lower()]


def ordering_of(query, cursor=False):
    """The ``ordering=`` name (checked; the default when absent)."""
    raw = get_list(query, "ordering")
    if len(raw) > 1:
        raise ParameterError("ordering", "'ordering' takes one value.")
    name = raw[0] if raw else (DEFAULT_CURSOR_ORDERING if cursor else DEFAULT_ORDERING)
    allowed = CURSOR_ORDERINGS if cursor else ORDERINGS
    if name not in allowed:
        raise ParameterError(
            "ordering", f"'ordering' accepts {', '.join(sorted(allowed))}"
            + (" with cursor pagination" if cursor else "") + f"; got '{name[:40]}'."
        )
    return name


# ``ordering=`` names → the keys of a point-in-time row they sort on.
ROW_ORDER_KEYS = {
    "issue_date": ("issue_date", "id"),
    "published": ("_first_published_at", "id"),
    "modified": ("_last_published_at", "id"),
    "title": ("title", "id"),
    "fiscal_year": ("fiscal_year", "issue_date", "id"),
    "id": ("id",),
}


@dataclasses.dataclass(frozen=True)
class ListingFilter:
    """The listing parameters, parsed and checked once; then applied by either engine.

    ``apply(queryset)`` filters and orders live disclosures in the database;
    ``select(rows, moment)`` does the same to the plain rows of a point-in-time
    listing (``api.history.listing_as_of``), with every parameter meaning the
    same: ``item``/``framework_year`` on the items the page was linked to then,
    ``tag`` on its tags then, ``active`` on its ``valid_until`` against the
    listing's moment. Every error is a :class:`ParameterError` raised by
    :meth:`parse`, so both engines give the same messages.
    """

    agency_ids: frozenset | None = None
    item_ids: frozenset | None = None  # the items ``item`` and ``framework_year`` leave, when either is given
    framework_years: tuple = ()
    models: tuple = ()
    fiscal_years: tuple = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    tags: frozenset = frozenset()
    active: bool | None = None
    ordering: str = DEFAULT_ORDERING

    @classmethod
    def parse(cls, query, cursor=False):
        codes = get_list(query, "agency")
        framework_years = tuple(get_fiscal_years(query, "framework_year"))
        wanted = []
        for value in get_list(query, "item"):
            try:
                wanted.append(parse_item_key(value))
            except ValueError as error:
                raise ParameterError("item", f"'item': {error}.") from None
        item_ids = None
        if wanted or framework_years:
            items = FrameworkItem.objects.all()
            if wanted:
                # "2565:O22" is that year's O22; a bare "O22" is O22 of any year
                chosen = Q()
                for year, code in wanted:
                    chosen |= Q(code=code, framework__year=year) if year else Q(code=code)
                items = items.filter(chosen)
                known = set(items.values_list("framework__year", "code"))
                missing = [(y, c) for y, c in wanted if not any(c == kc and y in (None, ky) for ky, kc in known)]
                if missing:
                    year, code = missing[0]
                    raise ParameterError("item", f"Unknown OIT item '{item_key(year, code) if year else code}'.")
            if framework_years:
                items = items.filter(framework__year__in=framework_years)
            item_ids = frozenset(items.values_list("pk", flat=True))
        models = page_types(query)
        date_from, date_to = get_date_range(query)
        active = get_active(query)
        if active is not None:
            if models and EmergencyAnnouncementPage not in models:
                raise ParameterError("active", "'active' applies to EmergencyAnnouncementPage only; "
                                     "'type' leaves them out.")
            models = [EmergencyAnnouncementPage]
        return cls(
            agency_ids=frozenset(agency_ids(codes)) if codes else None,
            item_ids=item_ids,
            framework_years=framework_years,
            models=tuple(models),
            fiscal_years=tuple(get_fiscal_years(query, "fiscal_year")),
            date_from=date_from,
            date_to=date_to,
            tags=frozenset(get_list(query, "tag")),
            active=active,
            ordering=ordering_of(query, cursor=cursor),
        )

    @property
    def one_type(self):
        """The one page type the listing is narrowed to (one ``type``, or ``active``), else None."""
        return self.models[0] if len(self.models) == 1 else None

    @property
    def order_by(self):
        return ORDERINGS[self.ordering]

    # --- the database -------------------------------------------------------

    def apply(self, queryset, now=None):
        """Filter a queryset of disclosures (not ordered: see :attr:`order_by`)."""
        if self.agency_ids is not None:
            queryset = queryset.filter(agency_id__in=self.agency_ids)
        if self.item_ids is not None:
            queryset = answers.answering(queryset, self.item_ids)
        if self.models:
            cts = ContentType.objects.get_for_models(*self.models).values()
            queryset = queryset.filter(content_type__in=list(cts))
        if self.fiscal_years:
            queryset = queryset.filter(fiscal_year__in=self.fiscal_years)
        if self.date_from:
            queryset = queryset.filter(issue_date__gte=self.date_from)
        if self.date_to:
            queryset = queryset.filter(issue_date__lte=self.date_to)
        if self.tags:
            queryset = queryset.filter(tagged_items__tag__name__in=self.tags).distinct()
        if self.active is not None:
            moment = now or timezone.now()
            lookup = f"emergencyannouncementpage__valid_until__{'gt' if self.active else 'lte'}"
            queryset = queryset.filter(**{lookup: moment})
        return queryset

    # --- point-in-time rows -------------------------------------------------

    def select(self, rows, moment):
        """The rows that match, ordered, without their ``_``-prefixed working keys."""
        types = {f"{m._meta.app_label}.{m.__name__}" for m in self.models}
        years = set(self.fiscal_years)
        day_from = self.date_from.isoformat() if self.date_from else None
        day_to = self.date_to.isoformat() if self.date_to else None
        kept = []
        for row in rows:
            if self.item_ids is not None and not self.item_ids & set(row["_item_ids"]):
                continue
            if types and row["type"] not in types:
                continue
            if years and row["fiscal_year"] not in years:
                continue
            day = row["issue_date"] or ""
            if day_from and (not day or day < day_from):
                continue
            if day_to and (not day or day > day_to):
                continue
            if self.tags and not self.tags & set(row["_tags"]):
                continue
            if self.active is not None and _active_then(row["_valid_until"], moment) != self.active:
                continue
            kept.append(row)
        keys = ROW_ORDER_KEYS[self.ordering.lstrip("-")]
        kept.sort(key=lambda r: tuple(_sortable(r.get(k)) for k in keys), reverse=self.ordering.startswith("-"))
        return [{k: v for k, v in row.items() if not k.startswith("_")} for row in kept]


def _sortable(value):
    # None sorts first ascending (last descending), like the database's NULLs in PostgreSQL/SQLite.
    return (value is not None, value if value is not None else 0)


def _active_then(valid_until, moment):
    when = parse_datetime(valid_until) if isinstance(valid_until, str) else valid_until
    return when is not None and moment < when


def filter_parameters():
    """The listing filters and ``ordering`` as drf-spectacular parameters (the view is a plain APIView,
    so a filter backend's own schema hook is never asked)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    def param(name, description, kind=OpenApiTypes.STR, enum=None):
        return OpenApiParameter(name, kind, description=description, enum=enum)

    return [
        param("agency", "Agency code(s), comma-separated; includes every agency below them."),
        param("item", "OIT item(s), comma-separated: '<framework year>:<code>' such as 2565:O22, or a bare code "
              "such as O22 for that code in any framework year."),
        param("framework_year", "ITA framework year(s) (BE, e.g. 2568, or Gregorian)."),
        param("type", "Page type(s): " + ", ".join(m.__name__ for m in DISCLOSURE_PAGE_MODELS) + "."),
        param("fiscal_year", "Fiscal year(s), Buddhist Era (2568) or Gregorian (2025)."),
        param("from", "Issued on or after this ISO date.", OpenApiTypes.DATE),
        param("to", "Issued on or before this ISO date.", OpenApiTypes.DATE),
        param("tag", "Tag name(s), comma-separated."),
        param("active", "Emergency announcements only: true = valid_until still ahead (now < valid_until), "
              "false = passed.", enum=["true", "false", "1", "0"]),
        param("ordering", "Sort order (with pagination=cursor: published, -published, id, -id).",
              enum=sorted(ORDERINGS)),
    ]


class DisclosureFilterBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        return ListingFilter.parse(request.query_params).apply(queryset)
