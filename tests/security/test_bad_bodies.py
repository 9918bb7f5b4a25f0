"""Forged request bodies get a 400 and change nothing; never a 500."""

import pytest
from django.test import Client
from wagtail.models import Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_page(tree, django_user_model):
    admin = django_user_model.objects.create_superuser(username="admin1", password="x", full_name="ผู้ดูแลระบบ")
    page = tree.news()
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    return client, page


@pytest.mark.parametrize("body", ["not json at all", "[1, 2", '{"blocks": 5, "entityMap": []}', "[]"])
def test_a_forged_editor_post_with_a_non_json_body_is_a_400(editor_page, body):
    client, page = editor_page
    before = Revision.page_revisions.filter(object_id=str(page.pk)).count()
    response = client.post(f"/admin/pages/{page.pk}/edit/", {"title": "แก้ไขปลอม", "slug": page.slug, "body": body})
    assert response.status_code == 400
    assert Revision.page_revisions.filter(object_id=str(page.pk)).count() == before
    page.refresh_from_db()
    assert page.title != "แก้ไขปลอม"


@pytest.mark.parametrize("content_type,body", [
    ("application/json", b"{not json"),
    ("application/json", b"\xff\xfe"),
    ("multipart/form-data; boundary=x", b"--y\r\n"),
])
def test_api_bodies_that_do_not_parse_are_problem_documents(tree, content_type, body):
    client = Client(raise_request_exception=False)
    for url in ("/api/v1/disclosures", "/api/v1/content/", "/api/v2/pages/"):
        response = client.generic("POST", url, body, content_type=content_type)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        if url.startswith("/api/v1/"):
            assert response["Content-Type"] == "application/problem+json"
