"""Attachments across agencies: replace, list, choose, download (repository/documents.py)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents.models import Document

from repository.approvals import roles
from repository.approvals.actions import ApproveAction, PublishAction, SubmitForApprovalAction
from repository.documents import agency_collection
from repository.models import DisclosureAttachment, NewsPage
from tests.factories import make_item_page

from .conftest import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 " + b"0" * 1024


def _document(agency, name="report.pdf", content=PDF):
    return Document.objects.create(title=name, file=ContentFile(content, name=name),
                                   collection=agency_collection(agency))


def _attach(page, document):
    """The provider attaches ``document`` in the editor: a new draft revision with the attachment row."""
    page = NewsPage.objects.get(pk=page.pk)
    page.attachments.add(DisclosureAttachment(document=document, title="เอกสารแนบ"))
    page.save_revision(user=page.owner)
    return page


@pytest.fixture
def other_provider(other_agency):
    make_item_page(other_agency)
    return make_user("provider-chainat", "สมศรี ชัยนาท", "นักประชาสัมพันธ์", roles.PROVIDER, agency=other_agency)


@pytest.fixture
def live_with_attachment(draft, agency, provider, approver, publisher):
    document = _document(agency)
    page = _attach(draft, document)
    SubmitForApprovalAction(page, provider, confirmed_measure_1_1=True).execute()
    ApproveAction(page, approver).execute()
    PublishAction(page, publisher).execute()
    page.refresh_from_db()
    assert page.live and page.attachments.filter(document=document).exists()
    return page, document


@pytest.fixture
def draft_with_attachment(make_draft, agency):
    document = _document(agency, name="draft-only.pdf", content=b"%PDF-1.4 draft secret " + b"1" * 512)
    page = make_draft()
    DisclosureAttachment.objects.create(page=page, document=document, title="ร่าง")
    return page, document


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_role_groups_hold_document_permissions_on_their_agency_collection_only(agency, other_agency, provider):
    from wagtail.models import GroupCollectionPermission

    own = agency_collection(agency)
    other = agency_collection(other_agency)
    held = GroupCollectionPermission.objects.filter(group__in=provider.groups.all())
    assert held.exists()
    assert set(held.values_list("collection_id", flat=True)) == {own.pk}
    assert own.pk != other.pk


def test_a_provider_of_another_agency_cannot_replace_a_live_attachment(live_with_attachment, other_provider):
    _page, document = live_with_attachment
    response = _client(other_provider).post(
        f"/admin/documents/edit/{document.pk}/",
        {"title": "ปลอม", "file": ContentFile(b"%PDF-1.4 forged", name="forged.pdf"), "collection": document.collection_id},
    )
    assert response.status_code in (302, 403, 404)
    document.refresh_from_db()
    assert document.title != "ปลอม"
    with document.file.open("rb") as handle:
        assert handle.read() == PDF


def test_even_the_owning_provider_cannot_replace_a_file_in_use(live_with_attachment, provider):
    _page, document = live_with_attachment
    response = _client(provider).post(
        f"/admin/documents/edit/{document.pk}/",
        {"title": document.title, "file": ContentFile(b"%PDF-1.4 unapproved", name="new.pdf"),
         "collection": document.collection_id},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "อัปโหลดเป็นเอกสารใหม่" in response.content.decode()
    with document.file.open("rb") as handle:
        assert handle.read() == PDF
    # The core refuses it whatever the path (shell, another view).
    document.file = ContentFile(b"%PDF-1.4 unapproved", name="new.pdf")
    with pytest.raises(PermissionDenied):
        document.save()


def test_a_provider_lists_and_chooses_only_their_agencys_documents(draft_with_attachment, other_provider, provider):
    _page, document = draft_with_attachment
    for url in ("/admin/documents/", "/admin/documents/chooser/"):
        other = _client(other_provider).get(url)
        assert other.status_code == 200
        assert "draft-only" not in other.content.decode()
        own = _client(provider).get(url)
        assert "draft-only" in own.content.decode()


def test_downloads_of_a_drafts_attachment(draft_with_attachment, other_provider, provider, auditor):
    _page, document = draft_with_attachment
    url = document.url
    assert _client().get(url).status_code == 404  # anonymous, by the sequential URL
    assert _client(other_provider).get(url).status_code == 404
    assert _client(provider).get(url).status_code == 200
    assert _client(auditor).get(url).status_code == 200


def test_a_public_pages_attachment_is_public_and_stops_being_so_when_withdrawn(live_with_attachment, publisher):
    page, document = live_with_attachment
    response = _client().get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == PDF
    NewsPage.objects.get(pk=page.pk).unpublish(user=publisher)
    assert _client().get(document.url).status_code == 404


def test_the_media_folder_does_not_serve_documents(draft_with_attachment, settings):
    _page, document = draft_with_attachment
    assert _client().get(f"/media/{document.file.name}").status_code == 404
