"""Webhook endpoints in Wagtail's admin: permissions, and the secret shown once, never back."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from api.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

INDEX = "/admin/webhook_endpoints/"
ADD = INDEX + "new/"


def edit_url(endpoint):
    return f"{INDEX}edit/{endpoint.pk}/"


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_superuser("root", email="root@uthai.go.th", password="x", full_name="ผู้ดูแล")
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_create_shows_a_generated_secret_once_and_never_again(admin_client):
    response = admin_client.post(ADD, {"name": "เว็บจังหวัด", "url": "https://www.uthaithani.go.th/hook",
                                       "active": "on", "events": ["page.published"]}, follow=True)
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["page.published"] and len(endpoint.secret) >= 32
    shown = " ".join(messages_of(response))
    assert endpoint.secret in shown
    # Not on the listing, the edit form, nor any later page.
    for url in (INDEX, edit_url(endpoint)):
        html = admin_client.get(url).content.decode()
        assert endpoint.secret not in html
    assert f"…{endpoint.secret[-4:]}" in admin_client.get(edit_url(endpoint)).content.decode()


def test_edit_keeps_replaces_or_regenerates_the_secret(admin_client):
    endpoint = WebhookEndpoint.objects.create(name="แอป", url="https://app.example/hook", secret="s" * 40)
    form = {"name": "แอปมือถือ", "url": "https://app.example/hook", "active": "on"}
    response = admin_client.post(edit_url(endpoint), form, follow=True)
    endpoint.refresh_from_db()
    assert endpoint.name == "แอปมือถือ" and endpoint.secret == "s" * 40 and endpoint.events == []
    assert not any("s" * 40 in m for m in messages_of(response))

    typed = "a-secret-typed-in-by-the-admin-1234"
    response = admin_client.post(edit_url(endpoint), {**form, "new_secret": typed}, follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret == typed and typed not in response.content.decode()

    response = admin_client.post(edit_url(endpoint), {**form, "regenerate_secret": "on"}, follow=True)
    endpoint.refresh_from_db()
    assert endpoint.secret != typed and endpoint.secret in " ".join(messages_of(response))

    both = admin_client.post(edit_url(endpoint), {**form, "regenerate_secret": "on", "new_secret": typed})
    assert both.status_code == 200 and "อย่างใดอย่างหนึ่ง" in both.content.decode()


def test_only_users_with_the_model_permissions_manage_endpoints():
    endpoint = WebhookEndpoint.objects.create(name="แอป", url="https://app.example/hook")
    user = get_user_model().objects.create_user("editor", email="editor@uthai.go.th", password="x", full_name="บรรณาธิการ")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    client.force_login(user)
    assert client.get(INDEX).status_code in (302, 403)
    assert client.post(ADD, {"name": "x", "url": "https://evil.example/"}).status_code in (302, 403)
    assert not WebhookEndpoint.objects.filter(name="x").exists()
    user.user_permissions.add(Permission.objects.get(codename="view_webhookendpoint"))
    assert client.get(INDEX).status_code == 200
    assert client.get(edit_url(endpoint)).status_code in (302, 403)
    user.user_permissions.add(Permission.objects.get(codename="change_webhookendpoint"))
    user = get_user_model().objects.get(pk=user.pk)
    client.force_login(user)
    response = client.get(edit_url(endpoint))
    assert response.status_code == 200 and endpoint.secret not in response.content.decode()
