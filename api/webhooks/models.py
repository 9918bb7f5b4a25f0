import secrets
import uuid

from django.db import models
from django.utils import timezone

EVENTS = ("page.published", "page.unpublished", "page.moved", "page.deleted")


def new_secret():
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A front end that wants to hear about changes to public content."""

    name = models.CharField("ชื่อ", max_length=255)
    url = models.URLField("URL ปลายทาง", max_length=500)
    secret = models.CharField("รหัสลับสำหรับลงลายมือชื่อ (HMAC)", max_length=128, default=new_secret)
    active = models.BooleanField("เปิดใช้งาน", default=True)
    events = models.JSONField(
        "เหตุการณ์", default=list, blank=True,
        help_text="รายชื่อเหตุการณ์ที่ต้องการ เว้นว่างไว้เพื่อรับทุกเหตุการณ์: " + ", ".join(EVENTS),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ปลายทาง webhook"
        verbose_name_plural = "ปลายทาง webhook"

    def __str__(self):
        return f"{self.name} ({self.url})"

    def wants(self, event):
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written with the change itself."""

    class Status(models.TextChoices):
        PENDING = "pending", "รอส่ง"
        DELIVERED = "delivered", "ส่งสำเร็จ"
        FAILED = "failed", "ส่งไม่สำเร็จ (เลิกลองแล้ว)"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event = models.CharField(max_length=32)
    body = models.TextField(help_text="The exact JSON bytes (UTF-8) that are signed and sent.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "การส่ง webhook"
        verbose_name_plural = "การส่ง webhook"
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """The delivery log: one row per POST tried."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"
