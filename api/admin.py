"""Registering webhook endpoints and reading the delivery log (Django admin)."""

from django.contrib import admin

from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "active", "created_at")
    list_filter = ("active",)


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
