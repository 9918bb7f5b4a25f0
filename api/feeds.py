"""RSS 2.0 and Atom feeds of the latest public disclosures (Django's syndication framework).

``/api/v1/feeds/latest.{rss,atom}``, ``/api/v1/feeds/agency/<code>.{rss,atom}``
(the agency and every agency below it) and ``/api/v1/feeds/item/<code>.{rss,atom}``
(an OIT item code such as O22, any framework year). Every feed gets the same
ETag / Last-Modified / 304 handling as the JSON API.
"""

from math import ceil

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from repository.models import Agency, FrameworkItem
from security import public_url

from . import caching
from .exceptions import problem
from .representations.context import SerializerContext
from .throttling import API_THROTTLES
from .visibility import public_disclosures

FEED_SIZE = 50


class LatestDisclosuresFeed(Feed):
    feed_type = Rss201rev2Feed
    title = "ข้อมูลเผยแพร่ล่าสุด"
    description = "ประกาศและข้อมูลเผยแพร่ต่อสาธารณะล่าสุด"

    def get_object(self, request, *args, **kwargs):
        self.ctx = SerializerContext(request)
        self.request_path = request.path
        return None

    def link(self, obj):
        return self.ctx.canonical_url("")

    def feed_url(self, obj):
        # The feed's own address at the configured public base URL, whatever host served it.
        return public_url.absolute(self.request_path)

    def scoped(self, obj, queryset):
        return queryset

    def items(self, obj):
        queryset = self.scoped(obj, public_disclosures(self.ctx.root)).select_related("agency")
        return queryset.order_by("-first_published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return self.ctx.canonical_url(self.ctx.path_of(item))

    def item_guid(self, item):
        return self.ctx.api_url(self.ctx.path_of(item))

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return item.agency.name_th if item.agency else None


class AgencyFeed(LatestDisclosuresFeed):
    def get_object(self, request, code):
        super().get_object(request)
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise Http404("Unknown agency")
        return agency

    def title(self, obj):
        return f"ข้อมูลเผยแพร่ล่าสุด: {obj.name_th}"

    def description(self, obj):
        return f"ประกาศและข้อมูลเผยแพร่ล่าสุดของ{obj.name_th}และหน่วยงานในสังกัด"

    def scoped(self, obj, queryset):
        return queryset.filter(agency_id__in=obj.descendant_ids())


class ItemFeed(LatestDisclosuresFeed):
    def get_object(self, request, code):
        super().get_object(request)
        items = list(FrameworkItem.objects.filter(code=code.upper()).values_list("pk", flat=True))
        if not items:
            raise Http404("Unknown item")
        return {"code": code.upper(), "items": items}

    def title(self, obj):
        return f"ข้อมูลเผยแพร่ล่าสุด: รายการ {obj['code']}"

    def description(self, obj):
        return f"ข้อมูลเผยแพร่ที่ตอบรายการ OIT {obj['code']}"

    def scoped(self, obj, queryset):
        return queryset.filter(items__in=obj["items"]).distinct()


def atom(feed_class):
    return type(f"Atom{feed_class.__name__}", (feed_class,), {"feed_type": Atom1Feed, "subtitle": feed_class.description})


def throttled(request):
    """The API's rate limits (api/throttling.py) for a feed: a 429 problem, or None to go on."""
    for throttle in (cls() for cls in API_THROTTLES):
        if not throttle.allow_request(request, None):
            wait = throttle.wait()
            headers = {"Retry-After": str(ceil(wait))} if wait is not None else None
            response = problem(429, "Request was throttled.", code="throttled", headers=headers)
            from rest_framework.renderers import JSONRenderer

            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/problem+json"
            response.renderer_context = {}
            return response.render()
    return None


def conditional(feed):
    """Wrap a feed view with the API's rate limits and ETag / Last-Modified / 304."""

    def view(request, *args, **kwargs):
        limited = throttled(request)
        if limited is not None:
            return limited
        last = caching.last_modified()
        answer = caching.answer_before_rendering(request, last)
        if answer is not None:
            return answer
        response = feed(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        return caching.apply_validators(request, response, last)

    return view


latest_rss = conditional(LatestDisclosuresFeed())
latest_atom = conditional(atom(LatestDisclosuresFeed)())
agency_rss = conditional(AgencyFeed())
agency_atom = conditional(atom(AgencyFeed)())
item_rss = conditional(ItemFeed())
item_atom = conditional(atom(ItemFeed)())
