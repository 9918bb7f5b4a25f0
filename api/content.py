"""Reading public pages: look-ups and the detail document. Plain functions the views call."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page

from repository.models import DisclosurePage

from .exceptions import ParameterError
from .params import get_fields, get_list
from .representations import allowed_fields, serialize_page
from .representations.expansions import EXPANSIONS, expand
from .visibility import public_pages, url_path_for


def _public_specific(queryset, message):
    """The one page of a public-page queryset as its specific type, or 404.

    Two narrow queries: the public row's id and type, then the specific row
    (``.specific`` on a whole ``Page`` instance costs a wide row and a model
    instance more for the same answer).
    """
    row = queryset.values_list("pk", "content_type_id").first()
    if row is None:
        raise Http404(message)
    model = ContentType.objects.get_for_id(row[1]).model_class() or Page
    return model._default_manager.filter(pk=row[0]).first() or Page.objects.get(pk=row[0])


def page_at_path(path, root):
    """The public page at ``path`` below the site root, as its specific type, or 404."""
    return _public_specific(public_pages(root).filter(url_path=url_path_for(path, root)), "No public page at this path.")


def page_by_id(page_id, root):
    return _public_specific(public_pages(root).filter(pk=page_id), "No public page with this id.")


def requested_fields(query, model):
    """``fields=`` of a page's document or of a listing's rows (``model`` = DisclosurePage for any
    disclosure, a type's own model when the listing has one type): the keys asked for, or None."""
    return get_fields(query, allowed_fields(model), "field for this page type")


def requested_expansions(query):
    names = get_list(query, "expand", limit=len(EXPANSIONS))  # each block once at most
    for name in names:
        if name not in EXPANSIONS:
            raise ParameterError("expand", f"'expand' accepts {', '.join(EXPANSIONS)}; got '{name[:40]}'.")
    return names


def detail_document(page, ctx, query):
    """The JSON of one page with ``fields=`` and ``expand=`` applied."""
    fields = requested_fields(query, type(page))
    names = requested_expansions(query)
    data = serialize_page(page, ctx, fields)
    data.update(expand(page, ctx, names))
    return data


def children_of(page, root):
    """Public children of a page, in tree order."""
    return public_pages(root).filter(path__startswith=page.path, depth=page.depth + 1).order_by("path")


def is_disclosure(page):
    return isinstance(page, DisclosurePage)
