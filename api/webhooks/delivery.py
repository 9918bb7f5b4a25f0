"""Draining the outbox: POST each due delivery, retry with exponential backoff, log every attempt.

``deliver_due()`` claims a row by moving its ``next_attempt_at`` forward in a
conditional UPDATE (a lease), so several drainers never send the same event
twice at once, on SQLite and PostgreSQL alike, and no transaction is held open
during the HTTP call.
"""

import datetime
import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from .models import WebhookAttempt, WebhookDelivery
from .signing import HEADER, sign

logger = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=5)


def conf(name, default):
    return getattr(settings, "WEBHOOKS", {}).get(name, default)


def backoff(attempts):
    """Seconds to wait after the ``attempts``-th failure: base·2^(n-1), capped."""
    base = conf("BACKOFF_BASE", 30)
    return min(base * 2 ** (attempts - 1), conf("BACKOFF_MAX", 6 * 3600))


def post(delivery):
    """One HTTP POST. Returns ``(status_code or None, error text)``."""
    body = delivery.body.encode("utf-8")
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "disclosure-repository-webhooks/1",
            "X-Webhook-Id": str(delivery.event_id),
            "X-Webhook-Event": delivery.event,
            HEADER: sign(delivery.endpoint.secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=conf("TIMEOUT", 10)) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))[:500]


def claim(delivery, now):
    return WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + LEASE) == 1


def attempt(delivery, now=None):
    """Try one delivery once, record it in the log, schedule the retry or give up."""
    now = now or timezone.now()
    started = time.monotonic()
    status_code, error = post(delivery)
    WebhookAttempt.objects.create(
        delivery=delivery, attempted_at=now, status_code=status_code, error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    delivery.attempts += 1
    if status_code is not None and 200 <= status_code < 300:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts >= conf("MAX_ATTEMPTS", 8):
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + datetime.timedelta(seconds=backoff(delivery.attempts))
    delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return delivery


def deliver_due(now=None, limit=100):
    """Send every pending delivery whose time has come. Returns the deliveries tried."""
    now = now or timezone.now()
    due = (
        WebhookDelivery.objects.select_related("endpoint")
        .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__active=True)
        .order_by("next_attempt_at", "pk")[:limit]
    )
    tried = []
    for delivery in list(due):
        if claim(delivery, now):
            tried.append(attempt(delivery, now))
    return tried
