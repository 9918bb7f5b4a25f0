"""Event payloads and the outbox write."""

import json
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from ..visibility import path_below_root

logger = logging.getLogger(__name__)


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
    from .models import WebhookEndpoint

    return [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(event)]


def enqueue(event, page_data):
    """Write one outbox row per interested active endpoint, in the current transaction.

    Errors are logged and swallowed inside a savepoint: a webhook must never
    fail or block the publish that triggered it.
    """
    from .models import WebhookDelivery

    try:
        with transaction.atomic():
            endpoints = interested_endpoints(event)
            if not endpoints:
                return []
            now = timezone.now()
            rows = []
            for endpoint in endpoints:
                event_id = uuid.uuid4()
                body = json.dumps(
                    {"id": str(event_id), "event": event, "occurred_at": now.isoformat(), "page": page_data},
                    ensure_ascii=False, separators=(",", ":"),
                )
                rows.append(WebhookDelivery(endpoint=endpoint, event_id=event_id, event=event, body=body,
                                            created_at=now, next_attempt_at=now))
            return WebhookDelivery.objects.bulk_create(rows)
    except Exception:  # noqa: BLE001 - never fail the publish
        logger.exception("Could not enqueue webhook event %s", event)
        return []
