"""Active emergency announcements (measure 1.2), shown on every portal page until they expire.

Read from the public API on every page view (never cached by the portal, so a
new announcement shows at once and an expired one goes at once): one call,
``/disclosures?active=true`` with the announcement's own fields in ``fields=``.
"""

import datetime

from django.utils import timezone

from .api_client import ApiError

LIMIT = 5
FIELDS = "id,title,path,summary,severity,severity_label,affected_area,valid_until,valid_until_be,active,issue_date_be"
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def active_emergencies(client):
    """The active announcements, most severe first then newest; ``[]`` if the API cannot say."""
    try:
        listing = client.get("disclosures", active="true", ordering="-published", per_page=LIMIT, fields=FIELDS)
    except ApiError:
        return []
    out = [row for row in listing["results"] if row.get("active") and not _past(row.get("valid_until"))]
    out.sort(key=lambda d: SEVERITY_ORDER.get(d.get("severity"), 3))
    return out


def _past(valid_until):
    """True once ``valid_until`` has passed. A shared cache in front of the API may keep a listing up
    to ``max-age`` seconds, so the portal also checks the end time itself: the banner goes at the
    announced minute."""
    if not valid_until:
        return False
    try:
        moment = datetime.datetime.fromisoformat(valid_until)
    except ValueError:
        return False
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment <= timezone.now()
