"""Webhook endpoints in Wagtail's admin (Settings → ปลายทาง webhook), where administrators manage everything else.

A Wagtail ``ModelViewSet`` with Django's model permissions (add/change/delete/view
``api.webhookendpoint``; superusers have them all). The signing secret is shown
exactly once: in the message after it is generated (on creation, or when
"generate a new secret" is ticked). Forms never display it again; the edit form
names only its last four characters. A secret may also be typed in (it is then
never echoed back).
"""

from django import forms
from django.contrib import messages
from django.urls import include, path
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from . import carry_over_admin
from .webhooks.models import EVENTS, WebhookEndpoint, new_secret


def masked(secret):
    return f"…{secret[-4:]}" if secret else "—"


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label="เหตุการณ์", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(e, e) for e in EVENTS], help_text="ไม่เลือกเลย = รับทุกเหตุการณ์",
    )
    new_secret = forms.CharField(
        label="ตั้งรหัสลับเอง", required=False, max_length=128, min_length=16,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="เว้นว่างไว้: ตอนสร้างระบบจะสุ่มให้และแสดงครั้งเดียว ตอนแก้ไขจะใช้รหัสเดิม",
    )
    regenerate_secret = forms.BooleanField(
        label="สุ่มรหัสลับใหม่", required=False, help_text="รหัสใหม่จะแสดงครั้งเดียวหลังบันทึก รหัสเดิมใช้ไม่ได้อีก",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "active", "events"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.generated_secret = None
        if self.instance.pk:
            self.fields["new_secret"].label = "เปลี่ยนเป็นรหัสลับที่ตั้งเอง"
            self.fields["new_secret"].help_text = f"รหัสปัจจุบันลงท้ายด้วย {masked(self.instance.secret)} — เว้นว่างไว้เพื่อใช้รหัสเดิม"
        else:
            del self.fields["regenerate_secret"]
            self.initial["events"] = []

    def clean(self):
        data = super().clean()
        if data.get("regenerate_secret") and data.get("new_secret"):
            raise forms.ValidationError("เลือกอย่างใดอย่างหนึ่ง: ตั้งรหัสลับเอง หรือ สุ่มรหัสลับใหม่")
        return data

    def save(self, commit=True):
        endpoint = super().save(commit=False)
        endpoint.events = list(self.cleaned_data.get("events") or [])
        typed = self.cleaned_data.get("new_secret")
        if typed:
            endpoint.secret = typed
        elif endpoint._state.adding or self.cleaned_data.get("regenerate_secret"):
            endpoint.secret = self.generated_secret = new_secret()
        if commit:
            endpoint.save()
        return endpoint


class ShowSecretOnce:
    """After saving, show a freshly generated secret once (never the one typed in, never again)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.generated_secret:
            messages.warning(self.request, format_html(
                "รหัสลับของ {}: <code>{}</code> — คัดลอกไปตั้งที่ปลายทางตอนนี้ ระบบจะไม่แสดงรหัสนี้อีก",
                form.instance.name, form.generated_secret,
            ))
        return response


class CreateView(ShowSecretOnce, generic.CreateView):
    pass


class EditView(ShowSecretOnce, generic.EditView):
    pass


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    form_class = WebhookEndpointForm
    add_view_class = CreateView
    edit_view_class = EditView
    icon = "link"
    menu_label = "ปลายทาง webhook"
    add_to_settings_menu = True
    copy_view_enabled = False  # a copy would carry the secret along
    list_display = ["name", "url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm


@hooks.register("register_admin_viewset")
def register_webhook_endpoints():
    return WebhookEndpointViewSet("webhook_endpoints")


@hooks.register("register_admin_viewset")
def register_api_tokens():
    """Wagtail's own API token admin (Settings → API tokens): each user with ``wagtailcore.add_apitoken``
    creates, renames and revokes their own tokens, shown once and stored as digests. Wagtail registers it
    only with ``wagtail.api.v3``, which this project does not use; ``api.authentication`` accepts the tokens."""
    from django.apps import apps

    if apps.is_installed("wagtail.api.v3"):
        return []
    from wagtail.users.views.api_tokens import APITokenViewSet

    return [APITokenViewSet("wagtailusers_api_tokens", url_prefix="api-tokens")]


@hooks.register("register_admin_urls")
def register_carry_over_urls():
    """``/admin/carry-over/<year>/<agency>/``: an agency's approvers decide what a new framework year carries over."""
    return [path("carry-over/", include((carry_over_admin.urlpatterns, "carry_over"), namespace="carry_over"))]
