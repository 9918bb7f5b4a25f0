"""Webhooks: front ends register a URL and secret; page events reach them through an outbox.

* :mod:`.models` — ``WebhookEndpoint``, ``WebhookDelivery`` (the outbox row),
  ``WebhookAttempt`` (the delivery log).
* :mod:`.events` — the event payloads and :func:`.events.enqueue`.
* :mod:`.signals` — Wagtail signal receivers that enqueue publish, unpublish,
  move and delete, so admin edits get them too.
* :mod:`.signing` — ``X-Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``.
* :mod:`.delivery` — ``deliver_due()``: POST, retry with exponential backoff,
  log every attempt; run by ``manage.py webhooks deliver``.
"""
