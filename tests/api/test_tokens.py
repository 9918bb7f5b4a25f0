"""Issue 13: an auditor obtains and revokes their own API token in the Wagtail admin; it is stored as a
digest and expires."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import APIToken


@pytest.fixture
def auditor(db):
    group, _ = Group.objects.get_or_create(name="ผู้ตรวจสอบ")
    group.permissions.add(*Permission.objects.filter(codename__in=[
        "access_admin", "view_audit_trail", "add_apitoken", "change_apitoken", "delete_apitoken", "view_apitoken"]))
    user = get_user_model().objects.create_user(username="auditor-t", password="x", full_name="ผู้ตรวจ")
    user.groups.add(group)
    return user


def _create(client, user, name="สำหรับตรวจสอบ"):
    client.force_login(user)
    response = client.post(reverse("wagtailusers_api_tokens:add"), {"name": name, "user": user.pk})
    assert response.status_code == 200
    return re.search(r"wagtail_[0-9A-Za-z]+", response.content.decode()).group()


def test_an_auditor_creates_uses_and_revokes_their_own_token(client, auditor):
    plaintext = _create(client, auditor)
    token = APIToken.objects.get(user=auditor)
    assert plaintext not in (token.key_hash, token.prefix) and len(token.key_hash) == 64  # only a digest kept
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.get("/api/v1/audit/verify").status_code == 200
    listing = client.get(reverse("wagtailusers_api_tokens:index")).content.decode()
    assert plaintext not in listing and token.name in listing
    client.post(reverse("wagtailusers_api_tokens:delete", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = api.get("/api/v1/audit/verify")
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"


def test_tokens_expire(client, auditor, settings):
    plaintext = _create(client, auditor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.get("/api/v1/audit/verify").status_code == 200
    APIToken.objects.filter(user=auditor).update(created=timezone.now() - datetime.timedelta(days=91))
    assert api.get("/api/v1/audit/verify").status_code == 401
    settings.API_TOKEN_MAX_AGE_DAYS = 120
    assert api.get("/api/v1/audit/verify").status_code == 200


def test_one_auditor_cannot_touch_anothers_token(client, auditor):
    _create(client, auditor)
    token = APIToken.objects.get(user=auditor)
    other = get_user_model().objects.create_user(username="auditor-2", password="x", full_name="อีกคน")
    other.groups.add(*auditor.groups.all())
    client.force_login(other)
    assert client.post(reverse("wagtailusers_api_tokens:delete", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(reverse("wagtailusers_api_tokens:add"), {"name": "x", "user": auditor.pk})
    assert not APIToken.objects.filter(user=auditor, name="x").exists() and response.status_code == 200


def test_malformed_and_unknown_bearer_tokens_are_401_problems(db):
    api = APIClient()
    for header in ("Bearer", "Bearer a b", "Bearer wagtail_nonsense", "Bearer " + "x" * 40):
        api.credentials(HTTP_AUTHORIZATION=header)
        response = api.get("/api/v1/audit/verify")
        assert response.status_code == 401, header
        assert response["Content-Type"] == "application/problem+json"
