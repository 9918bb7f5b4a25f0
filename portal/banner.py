"""Active emergency announcements (measure 1.2), shown on every portal page until they expire.

Read from the public API on every page view (never cached by the portal, so a
new announcement shows at once and an expired one goes at once): the newest
``EmergencyAnnouncementPage`` disclosures from ``/disclosures``, then each
one's detail for ``active`` / ``valid_until`` (listing rows do not carry the
type-specific fields).
"""

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
        if detail and detail.get("active"):
            out.append(detail)
    out.sort(key=lambda d: SEVERITY_ORDER.get(d.get("severity"), 3))
    return out
