"""Brute force on the admin login: django-axes locks by user name and by address, in Thai; auditors
read the failures in the Wagtail admin and administrators lift a lock-out."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = 5


def _try(client, username, password, ip):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client):
    return client.get("/admin/").status_code == 200


def test_the_right_password_after_n_failures_is_refused_with_a_thai_message(provider):
    client = Client()
    for _ in range(5):
        assert _try(client, "provider", "wrong-guess", "198.51.100.7").status_code in (200, 429)
    response = _try(client, "provider", "pw-provider", "198.51.100.7")
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.content.decode()
    assert not _logged_in(client)


def test_a_user_name_is_locked_from_every_address(provider):
    for n in range(5):
        _try(Client(), "provider", "wrong-guess", f"198.51.100.{n + 1}")
    client = Client()
    assert _try(client, "provider", "pw-provider", "203.0.113.50").status_code == 429
    assert not _logged_in(client)


def test_an_address_is_locked_for_every_user_name(provider, auditor):
    for n in range(5):
        _try(Client(), f"guess-{n}", "wrong-guess", "198.51.100.7")
    client = Client()
    assert _try(client, "auditor", "pw-auditor", "198.51.100.7").status_code == 429
    assert not _logged_in(client)
    # The same user from elsewhere is not locked by that address.
    other = Client()
    assert _try(other, "auditor", "pw-auditor", "203.0.113.50").status_code == 302
    assert _logged_in(other)


def test_a_forged_forwarded_for_does_not_escape_the_address_lock(provider, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        Client().post(LOGIN, {"username": f"guess-{n}", "password": "x"}, REMOTE_ADDR="198.51.100.7",
                      HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert _try(Client(), "provider", "pw-provider", "198.51.100.7").status_code == 429


def test_auditors_read_the_failures_and_administrators_unlock(provider, auditor, administrator):
    for _ in range(5):
        _try(Client(), "provider", "wrong-guess", "198.51.100.7")
    assert AccessFailureLog.objects.filter(username="provider").count() == 5

    reader = Client()
    reader.force_login(auditor)
    page = reader.get("/admin/login-attempts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "ความพยายามเข้าสู่ระบบ" in html and "provider" in html and "198.51.100.7" in html
    assert "ปลดการระงับ" not in html  # reading only
    locked = AccessAttempt.objects.get(username="provider")
    reader.post(f"/admin/login-attempts/{locked.pk}/unlock/")  # Wagtail answers a refusal with a redirect
    assert AccessAttempt.objects.filter(pk=locked.pk).exists()

    admin = Client()
    admin.force_login(administrator)
    assert "ปลดการระงับ" in admin.get("/admin/login-attempts/").content.decode()
    assert admin.post(f"/admin/login-attempts/{locked.pk}/unlock/").status_code == 302
    client = Client()
    assert _try(client, "provider", "pw-provider", "198.51.100.7").status_code == 302
    assert _logged_in(client)


def test_providers_cannot_read_login_attempts(provider):
    client = Client()
    client.force_login(provider)
    assert client.get("/admin/login-attempts/").status_code in (302, 403)
