"""/api/v1/content/<path> and /api/v1/pages/<id>."""

import pytest

from .builders import attach, publish

pytestmark = pytest.mark.django_db


def test_content_by_path_returns_the_published_disclosure(client, tree):
    page = tree.news()
    response = client.get(f"/api/v1/content/uthai-thani/news/o4/{page.slug}")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == page.pk
    assert data["type"] == "repository.NewsPage"
    assert data["title"] == page.title
    assert data["path"] == f"uthai-thani/news/o4/{page.slug}"
    assert data["agency"] == {"code": "uthai-thani", "name_th": "จังหวัดอุทัยธานี", "name_en": "", "kind": "province"}
    assert [i["code"] for i in data["items"]] == ["O4"]
    assert data["issue_date"] == page.issue_date.isoformat()
    assert data["issue_date_be"].endswith(str(page.issue_date.year + 543))
    assert data["fiscal_year"] == page.fiscal_year
    assert data["source_url"] == page.source_url
    assert data["canonical_url"].endswith(f"/uthai-thani/news/o4/{page.slug}/")


def test_trailing_slash_and_id_give_the_same_document(client, tree):
    page = tree.news()
    by_path = client.get(f"/api/v1/content/uthai-thani/news/o4/{page.slug}/").json()
    by_id = client.get(f"/api/v1/pages/{page.pk}").json()
    assert by_path == by_id


def test_site_root_and_navigation_pages(client, tree):
    root = client.get("/api/v1/content/").json()
    assert root["type"] == "repository.HomePage"
    assert root["path"] == ""
    agency = client.get("/api/v1/content/uthai-thani").json()
    assert agency["type"] == "repository.AgencyPage"
    assert agency["agency"]["code"] == "uthai-thani"
    item = client.get("/api/v1/content/uthai-thani/news/o4").json()
    assert [i["code"] for i in item["items"]] == ["O4"]


def test_unknown_path_is_a_problem_404(client, tree):
    response = client.get("/api/v1/content/uthai-thani/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == 404


def test_fields_selects_keys(client, tree):
    page = tree.news()
    data = client.get(f"/api/v1/pages/{page.pk}?fields=title,issue_date_be").json()
    assert set(data) == {"id", "type", "title", "issue_date_be"}


def test_unknown_field_is_a_400_naming_fields(client, tree):
    page = tree.news()
    response = client.get(f"/api/v1/pages/{page.pk}?fields=title,password")
    assert response.status_code == 400
    assert response.json()["param"] == "fields"


def test_unknown_parameter_is_a_400_naming_it(client, tree):
    page = tree.news()
    response = client.get(f"/api/v1/pages/{page.pk}?feilds=title")
    assert response.status_code == 400
    assert response.json()["param"] == "feilds"


def test_expand_breadcrumbs_children_attachments(client, tree):
    page = tree.news()
    attach(page, "plan.pdf", b"%PDF-1.4 " + b"x" * 100)
    publish(page)
    data = client.get(f"/api/v1/pages/{page.pk}?expand=breadcrumbs,attachments").json()
    assert [b["path"] for b in data["breadcrumbs"]] == ["", "uthai-thani", "uthai-thani/news", "uthai-thani/news/o4"]
    [attachment] = data["attachments"]
    assert attachment["filename"] == "plan.pdf"
    assert attachment["size"] == 109
    assert attachment["content_type"] == "application/pdf"
    assert attachment["url"].startswith("http://testserver/documents/")
    item = client.get("/api/v1/content/uthai-thani/news/o4?expand=children").json()
    assert item["children"]["total"] == 1
    assert item["children"]["items"][0]["id"] == page.pk


def test_bad_expand_is_a_400(client, tree):
    response = client.get("/api/v1/content/uthai-thani?expand=everything")
    assert response.status_code == 400
    assert response.json()["param"] == "expand"


def test_agency_email_never_appears(client, tree):
    page = tree.news()
    for url in (f"/api/v1/pages/{page.pk}?expand=breadcrumbs,children,approval", "/api/v1/content/uthai-thani?expand=children",
                "/api/v1/disclosures?fields=agency,items,body"):
        assert "@uthai.go.th" not in client.get(url).content.decode()


def test_live_page_with_newer_draft_serves_published_content(client, tree):
    page = tree.news()
    published_title, published_summary = page.title, page.summary
    page.title = "ร่างที่ยังไม่อนุมัติ"
    page.summary = "สรุปฉบับร่าง"
    page.items.set([tree.o12])
    page.save_revision()
    page.refresh_from_db()
    assert page.has_unpublished_changes
    data = client.get(f"/api/v1/pages/{page.pk}").json()
    assert data["title"] == published_title
    assert data["summary"] == published_summary
    assert [i["code"] for i in data["items"]] == ["O4"]
    listing = client.get("/api/v1/disclosures").content.decode()
    assert "ร่างที่ยังไม่อนุมัติ" not in listing
