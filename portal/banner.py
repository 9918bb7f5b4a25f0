"""Active emergency announcements (measure 1.2), shown on every portal page until they expire.

Read from the public API on every page view (never cached by the portal, so a
new announcement shows at once and an expired one goes at once): the newest
``EmergencyAnnouncementPage`` disclosures from ``/disclosures``, then each
one's detail for ``active`` / ``valid_until`` (listing rows do not carry the
type-specific fields).
"""

import datetime

from django.utils import timezone

from .api_client import ApiError

CANDIDATES = 5
DETAIL_FIELDS = "id,title,path,summary,severity,severity_label,affected_area,valid_until,valid_until_be,active,issue_date_be"
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def active_emergencies(client):
    """The active announcements, most severe first then newest; ``[]`` if the API cannot say."""
    try:
        listing = client.get(
            "disclosures", type="EmergencyAnnouncementPage", ordering="-published",
            per_page=CANDIDATES, fields="id,path",
        )
    except ApiError:
        return []
    out = []
    for row in listing["results"]:
        try:
            detail = client.get_or_none(f"pages/{row['id']}", fields=DETAIL_FIELDS)
        except ApiError:
            continue
        if detail and detail.get("active") and not _past(detail.get("valid_until")):
            out.append(detail)
    out.sort(key=lambda d: SEVERITY_ORDER.get(d.get("severity"), 3))
    return out


def _past(valid_until):
    """True once ``valid_until`` has passed. The API's ``active`` is computed when its document is
    built, and the API may reuse a built document for up to ``API_STATE_TTL`` seconds, so the portal
    also checks the end time itself: the banner goes at the announced minute, not up to a minute later."""
    if not valid_until:
        return False
    try:
        moment = datetime.datetime.fromisoformat(valid_until)
    except ValueError:
        return False
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment <= timezone.now()
