"""Filtering and ordering disclosure listings (a DRF filter backend).

``filter_disclosures(queryset, query)`` is the plain function; the backend
wraps it for DRF views and describes the parameters to drf-spectacular.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from rest_framework.filters import BaseFilterBackend

from repository.models import DISCLOSURE_PAGE_MODELS, Agency, EmergencyAnnouncementPage, FrameworkItem
from repository.models.frameworks import item_key, parse_item_key

from .exceptions import ParameterError
from .params import get_date, get_fiscal_years, get_list

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


def get_active(query):
    """``active=true|false`` → True/False, absent → None (a 400 naming ``active`` for anything else)."""
    raw = get_list(query, "active")
    if not raw:
        return None
    if len(raw) > 1 or raw[0].lower() not in BOOLEANS:
        raise ParameterError("active", "'active' takes true or false.")
    return BOOLEANS[raw[0].lower()]


def listing_type(query):
    """The one page type a listing is narrowed to (``type=`` naming one, or ``active=``), else None.

    ``active`` concerns emergency announcements only: with a ``type`` that leaves them out it is a 400.
    """
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
    if get_active(query) is not None:
        if models and EmergencyAnnouncementPage not in models:
            raise ParameterError("active", "'active' applies to EmergencyAnnouncementPage only; "
                                 "'type' leaves them out.")
        return EmergencyAnnouncementPage
    return models[0] if len(models) == 1 else None


def filter_disclosures(queryset, query, now=None):
    codes = get_list(query, "agency")
    if codes:
        queryset = queryset.filter(agency_id__in=agency_ids(codes))

    framework_years = get_fiscal_years(query, "framework_year")
    wanted = []
    for value in get_list(query, "item"):
        try:
            wanted.append(parse_item_key(value))
        except ValueError as error:
            raise ParameterError("item", f"'item': {error}.") from None
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
        queryset = queryset.filter(items__in=list(items.values_list("pk", flat=True))).distinct()

    types = get_list(query, "type")
    if types:
        names = type_names()
        models = []
        for name in types:
            model = names.get(name) or names.get(name.lower())
            if model is None:
                raise ParameterError(
                    "type", f"Unknown page type '{name[:40]}'. Use one of: "
                    + ", ".join(m.__name__ for m in DISCLOSURE_PAGE_MODELS) + "."
                )
            models.append(model)
        cts = ContentType.objects.get_for_models(*models).values()
        queryset = queryset.filter(content_type__in=list(cts))

    years = get_fiscal_years(query, "fiscal_year")
    if years:
        queryset = queryset.filter(fiscal_year__in=years)

    date_from, date_to = get_date(query, "from"), get_date(query, "to")
    if date_from and date_to and date_from > date_to:
        raise ParameterError("from", "'from' is after 'to'.")
    if date_from:
        queryset = queryset.filter(issue_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(issue_date__lte=date_to)

    tags = get_list(query, "tag")
    if tags:
        queryset = queryset.filter(tagged_items__tag__name__in=tags).distinct()

    active = get_active(query)
    if active is not None:
        listing_type(query)  # 400 when 'type' excludes emergency announcements
        moment = now or timezone.now()
        queryset = queryset.filter(content_type=ContentType.objects.get_for_model(EmergencyAnnouncementPage))
        queryset = queryset.filter(**{f"emergencyannouncementpage__valid_until__{'gt' if active else 'lte'}": moment})
    return queryset


def ordering_of(query, cursor=False):
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
    return ORDERINGS[name]


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
        return filter_disclosures(queryset, request.query_params)
