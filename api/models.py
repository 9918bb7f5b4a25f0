"""Models of the api app (label ``api``): the webhook outbox."""

from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = ["WebhookAttempt", "WebhookDelivery", "WebhookEndpoint"]
