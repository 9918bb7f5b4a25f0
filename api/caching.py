"""Conditional GETs: ETag, Last-Modified, 304, Cache-Control.

* ``ETag`` is the SHA-1 of the rendered body, so it changes exactly when the
  bytes do (including ``fields=``/``expand=``/format variants).
* ``Last-Modified`` is the moment of the last change the public could see
  anywhere in the repository: a publish, unpublish, move, delete, privacy
  change (Wagtail's page log), an edit to a document, agency or other model
  (Wagtail's model log), or an expiry (or an emergency announcement's
  ``valid_until``) that has passed. Draft edits are not
  counted, so the header never reveals that a draft was saved.
* ``If-None-Match`` is compared with the ETag (weak comparison, ``*`` and lists
  allowed); only without it is ``If-Modified-Since`` used, as RFC 9110 says.
  When ``If-Modified-Since`` alone already proves the client current, the 304
  is sent before anything is rendered.
"""

import hashlib

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag
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


def etag_for(content):
    return quote_etag(hashlib.sha1(content).hexdigest())


def _etag_matches(header, etag):
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def not_modified_since(request, last_modified):
    """True when only If-Modified-Since is sent and it covers ``last_modified``."""
    if last_modified is None or request.headers.get("If-None-Match"):
        return False
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(last_modified.timestamp()) <= since


def cache_control(public):
    if public:
        max_age = getattr(settings, "API_CACHE_MAX_AGE", 60)
        return f"public, max-age={max_age}"
    return "private, no-cache"


def apply_validators(request, response, last_modified, public=True):
    """Add ETag/Last-Modified/Cache-Control to a rendered 200; answer 304 when the client is current."""
    from django.http import HttpResponseNotModified

    etag = etag_for(response.content)
    headers = {"ETag": etag, "Cache-Control": cache_control(public)}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if_none_match = request.headers.get("If-None-Match")
    fresh = _etag_matches(if_none_match, etag) if if_none_match else not_modified_since(request, last_modified)
    if fresh:
        not_modified = HttpResponseNotModified()
        for key, value in headers.items():
            not_modified[key] = value
        if response.has_header("Vary"):
            not_modified["Vary"] = response["Vary"]
        return not_modified
    for key, value in headers.items():
        response[key] = value
    return response
