"""Conditional GETs on Django's own machinery: ETag, Last-Modified, 304, Cache-Control.

The ETag is Django's digest of the rendered body (``set_response_etag``), so it
changes exactly when the bytes do; ``Last-Modified`` is :func:`last_public_change`
(publish, unpublish, move, delete, privacy or model change, or a passed expiry;
never a draft save). ``django.utils.cache.get_conditional_response`` compares them
with the request as RFC 9110 says (``If-None-Match`` first, weakly; only without
it ``If-Modified-Since``), once before rendering with the date alone and once
after with the ETag too.
"""

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date
from rest_framework import exceptions, status
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from repository.models import EmergencyAnnouncementPage

from .state import memoized_by_generation

PUBLIC_ACTIONS = (
    "wagtail.publish",
    "wagtail.unpublish",
    "wagtail.publish.scheduled",
    "wagtail.unpublish.scheduled",
    "wagtail.move",
    "wagtail.reorder",
    "wagtail.delete",
    "wagtail.rename",
    "wagtail.view_restriction.create",
    "wagtail.view_restriction.edit",
    "wagtail.view_restriction.delete",
    "wagtail.revert",
)


def last_public_change(now=None):
    """The latest moment at which anything public may have changed."""
    now = now or timezone.now()
    moments = [
        PageLogEntry.objects.filter(action__in=PUBLIC_ACTIONS).order_by("-timestamp")
        .values_list("timestamp", flat=True).first(),
        ModelLogEntry.objects.order_by("-timestamp").values_list("timestamp", flat=True).first(),
        Page.objects.filter(expire_at__lte=now).aggregate(m=Max("expire_at"))["m"],
        # An emergency announcement turning inactive changes `active` and `?active=` listings.
        EmergencyAnnouncementPage.objects.filter(live=True, valid_until__lte=now).aggregate(m=Max("valid_until"))["m"],
    ]
    if moments[0] is None:
        # Pages published without a log entry (bulk imports): their own timestamps.
        moments.append(Page.objects.filter(live=True).aggregate(m=Max("last_published_at"))["m"])
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def last_modified():
    return memoized_by_generation("last_public_change", last_public_change)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "If-Match or If-Unmodified-Since does not hold for the current representation."


def cache_control(response, public):
    if public:
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)


def _timestamp(moment):
    return int(moment.timestamp()) if moment is not None else None


def answer_before_rendering(request, last_modified, public=True):
    """The 304 (or 412) that ``If-Modified-Since`` (``If-Unmodified-Since``) alone decides, else None."""
    if "If-Match" in request.headers:  # needs the ETag: decided after rendering
        return None
    answer = get_conditional_response(request, last_modified=_timestamp(last_modified))
    if answer is None:
        return None
    if last_modified is not None:
        answer["Last-Modified"] = http_date(_timestamp(last_modified))
    cache_control(answer, public)
    return answer


def apply_validators(request, response, last_modified, public=True):
    """Add ETag/Last-Modified/Cache-Control to a rendered 200; the 304 (or 412) when the client is current."""
    set_response_etag(response)
    if last_modified is not None:
        response["Last-Modified"] = http_date(_timestamp(last_modified))
    cache_control(response, public)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=_timestamp(last_modified), response=response
    )
