"""The webhook delivery log (Django admin). Endpoints are managed in Wagtail's admin (api/wagtail_hooks.py),
which never shows a secret back."""

from django.contrib import admin

from .webhooks.models import WebhookAttempt, WebhookDelivery


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("attempted_at", "status_code", "error", "duration_ms")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "next_attempt_at", "created_at")
    list_filter = ("status", "event")
    readonly_fields = ("endpoint", "event_id", "event", "body", "attempts", "created_at", "delivered_at")
    inlines = [WebhookAttemptInline]
