"""Event payloads and the outbox write."""

import json
import uuid

from django.utils import timezone

from repository import outbox

from ..visibility import path_below_root
from .models import WebhookDelivery, WebhookEndpoint


def page_payload(page, **extra):
    """What a front end needs to refresh its copy: identity and where it lives, never draft content."""
    path = path_below_root(page)
    return {
        "id": page.pk,
        "type": f"{page._meta.app_label}.{page._meta.object_name}",
        "path": path,
        "api": f"/api/v1/pages/{page.pk}",
        **extra,
    }


def interested_endpoints(event):
    """The active endpoints that want ``event`` (one query; callers check this before costlier work)."""
    return [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(event)]


def enqueue(event, page_data):
    """Write one outbox row per interested active endpoint with the change (``repository.outbox``):
    if the write fails, the change fails with it and the event is never lost. Delivery is later
    (``webhooks deliver``), so a receiver never blocks a publish."""
    now = timezone.now()
    rows = []
    for endpoint in interested_endpoints(event):
        event_id = uuid.uuid4()
        body = json.dumps(
            {"id": str(event_id), "event": event, "occurred_at": now.isoformat(), "page": page_data},
            ensure_ascii=False, separators=(",", ":"),
        )
        rows.append(WebhookDelivery(endpoint=endpoint, event_id=event_id, event=event, body=body,
                                    created_at=now, next_attempt_at=now))
    return outbox.write(rows)
