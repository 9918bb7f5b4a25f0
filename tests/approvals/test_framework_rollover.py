"""Starting the next ITA framework year in the Wagtail admin, and the agency's confirmation of what carries over.

The new year is a fictional one (2599) with obviously test codes (T…), copied from the repository's
ITA 2568 list: no official 2569/2570 list is in the repository's sources.
"""

import pytest
from wagtail.models import ModelLogEntry

from repository.frameworks_loader import load_frameworks
from repository.frameworks_rollover import ACTION_CONFIRMED, ACTION_ROLLED_OVER
from repository.models import CarryOverDecision, FrameworkItem, FrameworkItemSuccession, FrameworkYear
from tests import factories

from .conftest import make_user

pytestmark = pytest.mark.django_db

URL = "/admin/frameworks/rollover/"
NEW_YEAR = 2599


@pytest.fixture
def ita_2568(db):
    load_frameworks()
    return FrameworkYear.objects.get(year=2568)


@pytest.fixture
def news_2568(agency, ita_2568):
    """A public news page of the agency, under an item page answering ITA 2568's O4 (news)."""
    item_page = factories.make_item_page(agency, items=[ita_2568.items.get(code="O4")])
    return factories.add_disclosure(item_page, factories.news_page(factories.news_records()[0]))


def renamed_copy(source):
    """The draft the tests edit: every 2568 item with its code renamed O<n> → T<n>, names kept."""
    items = [{"code": "T" + item.code[1:], "name_th": item.name_th, "name_en": item.name_en, "group": item.group,
              "recurrence": item.recurrence, "guidance": item.guidance}
             for item in source.items.order_by("sort_order", "pk")]
    mapping = {item.code: ["T" + item.code[1:]] for item in source.items.all()}
    return items, mapping


def form_data(source, items, mapping, year=NEW_YEAR, name="ITA 2599 (ทดสอบ)"):
    data = {"source": source.year, "year": year, "name": name,
            "items-TOTAL_FORMS": len(items), "items-INITIAL_FORMS": len(items),
            "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
            "mapping-TOTAL_FORMS": len(mapping), "mapping-INITIAL_FORMS": len(mapping),
            "mapping-MIN_NUM_FORMS": 0, "mapping-MAX_NUM_FORMS": 1000}
    for n, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{n}-{key}"] = value
    for n, (old, new) in enumerate(mapping.items()):
        data[f"mapping-{n}-old_code"] = old
        data[f"mapping-{n}-new_codes"] = ", ".join(new)
    return data


def split_and_merge(source):
    """O4 split into T4A and T4B; O21 and O22 merged into T21."""
    items, mapping = renamed_copy(source)
    t4 = next(i for i in items if i["code"] == "T4")
    t4["code"] = "T4A"
    items.insert(items.index(t4) + 1, {**t4, "code": "T4B", "name_th": t4["name_th"] + " (ส่วนที่สอง ทดสอบ)"})
    items = [i for i in items if i["code"] != "T22"]
    mapping["O4"] = ["T4A", "T4B"]
    mapping["O22"] = ["T21"]
    return items, mapping


def keys(successions):
    return sorted((s.previous.key, s.successor.key) for s in successions)


def test_administrator_rolls_over_with_split_and_merge(client, administrator, ita_2568):
    client.force_login(administrator)
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="O22"' in html and "เริ่มปีการประเมิน ITA ใหม่" in html  # the draft is a copy of 2568

    items, mapping = split_and_merge(ita_2568)
    response = client.post(URL, form_data(ita_2568, items, mapping))
    assert response.status_code == 302, response.content.decode()[:3000]
    new = FrameworkYear.objects.get(year=NEW_YEAR)
    assert list(new.items.order_by("sort_order").values_list("code", flat=True)) == [i["code"] for i in items]
    assert new.items.get(code="T4B").name_th.endswith("(ส่วนที่สอง ทดสอบ)")
    found = keys(FrameworkItemSuccession.objects.filter(successor__framework=new))
    assert ("2568:O4", "2599:T4A") in found and ("2568:O4", "2599:T4B") in found  # one old → two new
    assert ("2568:O21", "2599:T21") in found and ("2568:O22", "2599:T21") in found  # two old → one new
    assert len(found) == ita_2568.items.count() + 1
    assert ModelLogEntry.objects.filter(action=ACTION_ROLLED_OVER, user_id=administrator.pk).count() == 1
    from repository.audit.models import AuditRecord

    assert AuditRecord.objects.filter(action=ACTION_ROLLED_OVER, object_id=str(new.pk)).count() == 1
    assert FrameworkYear.objects.get(year=2568).items.count() == ita_2568.items.count()  # the old year untouched


def roll_over(client, administrator, source):
    client.force_login(administrator)
    items, mapping = split_and_merge(source)
    assert client.post(URL, form_data(source, items, mapping)).status_code == 302
    client.logout()
    return FrameworkYear.objects.get(year=NEW_YEAR)


def sheet_item(client, agency, code):
    response = client.get(f"/api/v1/oit/{NEW_YEAR}/{agency.code}")
    assert response.status_code == 200, response.content
    return next(i for i in response.json()["items"] if i["code"] == code)


def test_new_years_sheet_proposes_mapped_pages_until_the_agencys_approver_confirms(
        client, administrator, approver, agency, ita_2568, news_2568):
    roll_over(client, administrator, ita_2568)
    t4a = sheet_item(client, agency, "T4A")
    # Proposed, not counted: the page answers 2568's O4, mapped to T4A (and T4B).
    assert t4a["status"] == "missing" and t4a["answering_pages"] == 0
    [carried] = t4a["carried_over"]
    assert (carried["framework_year"], carried["code"], carried["decision"]) == (2568, "O4", "proposed")
    assert carried["pages"] == 1 and carried["urls"][0].endswith(f"/{news_2568.slug}/")
    assert sheet_item(client, agency, "T4B")["carried_over"][0]["decision"] == "proposed"

    # The admin page lists the proposal; the agency's approver confirms it (a recorded action).
    client.force_login(approver)
    url = f"/admin/carry-over/{NEW_YEAR}/{agency.code}/"
    page = client.get(url)
    assert page.status_code == 200 and "ยืนยัน" in page.content.decode()
    response = client.post(url, {"succession": carried["succession_id"], "decision": "confirm"})
    assert response.status_code == 302
    decision = CarryOverDecision.objects.get()
    assert (decision.agency, decision.decided_by, decision.confirmed) == (agency, approver, True)
    assert ModelLogEntry.objects.filter(action=ACTION_CONFIRMED, user_id=approver.pk).count() == 1
    from repository.audit.models import AuditRecord

    # sealed into the audit trail like every other log entry
    assert AuditRecord.objects.filter(action=ACTION_CONFIRMED, object_id=str(decision.pk)).count() == 1
    client.logout()

    t4a = sheet_item(client, agency, "T4A")
    assert t4a["answering_pages"] == 1 and t4a["status"] != "missing"
    assert t4a["carried_over"][0]["decision"] == "confirmed" and t4a["carried_over"][0]["pages"] == 0
    assert t4a["carried_over"][0]["decided_by"] == "สมหญิง รักษ์ธรรม"
    # T4B was not confirmed: still a proposal, still not counted.
    t4b = sheet_item(client, agency, "T4B")
    assert t4b["answering_pages"] == 0 and t4b["carried_over"][0]["decision"] == "proposed"

    # Decline is recorded too; a second decision on the same proposal is refused.
    client.force_login(approver)
    t4b_succession = t4b["carried_over"][0]["succession_id"]
    client.post(url, {"succession": t4b_succession, "decision": "decline"})
    client.post(url, {"succession": t4b_succession, "decision": "confirm"})
    assert list(CarryOverDecision.objects.filter(succession_id=t4b_succession).values_list("confirmed", flat=True)) \
        == [False]
    client.logout()
    assert sheet_item(client, agency, "T4B")["carried_over"][0]["decision"] == "declined"
    assert sheet_item(client, agency, "T4B")["answering_pages"] == 0


@pytest.mark.parametrize("role", ["provider", "approver", "publisher"])
@pytest.mark.usefixtures("shared_province")  # the role's user, asked for by name below, is the province's
def test_only_administrators_roll_over(client, request, role, ita_2568):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    items, mapping = split_and_merge(ita_2568)
    assert client.post(URL, form_data(ita_2568, items, mapping)).status_code == 403
    assert not FrameworkYear.objects.filter(year=NEW_YEAR).exists()
    assert not FrameworkItemSuccession.objects.exists()


def test_only_the_agencys_approvers_decide(client, administrator, provider, publisher, agency, other_agency,
                                           ita_2568, news_2568):
    from repository.approvals import roles

    roll_over(client, administrator, ita_2568)
    succession = FrameworkItemSuccession.objects.filter(previous__code="O4").first()
    url = f"/admin/carry-over/{NEW_YEAR}/{agency.code}/"
    other_approver = make_user("approver-2", "สมศักดิ์ อื่นใด", "หัวหน้าสำนักงาน", roles.APPROVER, agency=other_agency)
    for user in (provider, publisher, other_approver, administrator):
        client.force_login(user)
        response = client.post(url, {"succession": succession.pk, "decision": "confirm"})
        assert response.status_code == 403, user
    client.force_login(provider)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    assert client.get(url).status_code == 200  # administrators may look, not decide for the agency
    assert not CarryOverDecision.objects.exists()


@pytest.mark.parametrize("case, message", [
    ("duplicate", "ซ้ำ"),
    ("unknown_target", "ซึ่งไม่มีในรายการของปีใหม่"),
    ("existing_year", "มีกรอบการประเมินปี 2568 อยู่แล้ว"),
    ("no_name", "กรุณาใส่ชื่อรายการ"),
])
def test_bad_input_is_a_form_error_and_changes_nothing(client, administrator, ita_2568, case, message):
    items, mapping = split_and_merge(ita_2568)
    year = NEW_YEAR
    if case == "duplicate":
        items[1]["code"] = items[0]["code"]
    elif case == "unknown_target":
        mapping["O12"] = ["T12", "T999"]
    elif case == "existing_year":
        year = 2568
    elif case == "no_name":
        items[2]["name_th"] = ""
    client.force_login(administrator)
    before = (FrameworkYear.objects.count(), FrameworkItem.objects.count(), FrameworkItemSuccession.objects.count())
    response = client.post(URL, form_data(ita_2568, items, mapping, year=year))
    assert response.status_code == 400
    assert message in response.content.decode()
    after = (FrameworkYear.objects.count(), FrameworkItem.objects.count(), FrameworkItemSuccession.objects.count())
    assert after == before
    assert not ModelLogEntry.objects.filter(action=ACTION_ROLLED_OVER).exists()


# --- follow-ups: the directory's counts, changing a decision, the CSV ----------------------------


def confirm(client, approver, agency, succession, decision="confirm", **extra):
    client.force_login(approver)
    response = client.post(f"/admin/carry-over/{NEW_YEAR}/{agency.code}/",
                           {"succession": succession.pk, "decision": decision, **extra})
    client.logout()
    return response


def directory_counts(client):
    response = client.get(f"/api/v1/frameworks/{NEW_YEAR}")
    assert response.status_code == 200, response.content
    return {item["code"]: (item["disclosures"], item["page_types"]) for item in response.json()["items"]}


def test_frameworks_directory_counts_what_the_agencys_approver_confirmed(
        client, administrator, approver, agency, other_agency, ita_2568, news_2568):
    """``/api/v1/frameworks/<year>`` counts a confirmed carry-over, by the sheet's rule: only the confirming
    agency's pages, only the successor it confirmed."""
    other_item_page = factories.make_item_page(other_agency, items=[ita_2568.items.get(code="O4")])
    factories.add_disclosure(other_item_page, factories.news_page(factories.news_records()[1]))
    roll_over(client, administrator, ita_2568)
    assert directory_counts(client)["T4A"][0] == 0  # proposed: not counted
    t4a = FrameworkItemSuccession.objects.get(previous__code="O4", successor__code="T4A")

    assert confirm(client, approver, agency, t4a).status_code == 302
    counts = directory_counts(client)
    disclosures, page_types = counts["T4A"]
    # the agency's own page only: the other agency's page answering O4 was confirmed by nobody
    assert disclosures == 1 == sheet_item(client, agency, "T4A")["answering_pages"]
    assert [(t["type"], t["count"]) for t in page_types] == [("repository.NewsPage", 1)]
    assert counts["T4B"][0] == 0  # the other successor of O4 was not confirmed
    assert sheet_item(client, other_agency, "T4A")["answering_pages"] == 0


def test_the_agencys_approver_changes_or_withdraws_a_decision(client, administrator, approver, agency, ita_2568,
                                                              news_2568):
    from repository.audit.models import AuditRecord
    from repository.frameworks_rollover import ACTION_DECLINED, ACTION_WITHDRAWN

    roll_over(client, administrator, ita_2568)
    t4a = FrameworkItemSuccession.objects.get(previous__code="O4", successor__code="T4A")
    assert confirm(client, approver, agency, t4a).status_code == 302
    client.force_login(approver)
    page = client.get(f"/admin/carry-over/{NEW_YEAR}/{agency.code}/").content.decode()
    assert 'name="was" value="confirmed"' in page and 'value="withdraw"' in page  # the change buttons are offered
    client.logout()

    # confirmed → declined: the same row, a new recorded decision naming what it replaced
    assert confirm(client, approver, agency, t4a, "decline", was="confirmed").status_code == 302
    decision = CarryOverDecision.objects.get(succession=t4a)
    assert (decision.confirmed, decision.decided_by) == (False, approver)
    entry = ModelLogEntry.objects.get(action=ACTION_DECLINED, user_id=approver.pk)
    assert entry.data["changed_from"] == "confirmed" and entry.object_id == str(decision.pk)
    assert AuditRecord.objects.filter(action=ACTION_DECLINED, object_id=str(decision.pk)).count() == 1
    t4a_row = sheet_item(client, agency, "T4A")
    assert t4a_row["carried_over"][0]["decision"] == "declined" and t4a_row["answering_pages"] == 0
    assert directory_counts(client)["T4A"][0] == 0

    # a page shown before that change is stale: its "was" no longer holds, nothing changes
    confirm(client, approver, agency, t4a, "withdraw", was="confirmed")
    assert CarryOverDecision.objects.filter(succession=t4a, confirmed=False).exists()

    # declined → undecided: the row goes, the withdrawal is in the audit trail with what was withdrawn
    assert confirm(client, approver, agency, t4a, "withdraw", was="declined").status_code == 302
    assert not CarryOverDecision.objects.filter(succession=t4a).exists()
    withdrawn = ModelLogEntry.objects.get(action=ACTION_WITHDRAWN, user_id=approver.pk)
    assert withdrawn.data["was"] == "declined" and withdrawn.object_id == str(decision.pk)
    assert AuditRecord.objects.filter(action=ACTION_WITHDRAWN, object_id=str(decision.pk)).count() == 1
    assert sheet_item(client, agency, "T4A")["carried_over"][0]["decision"] == "proposed"

    # and it may be decided again
    assert confirm(client, approver, agency, t4a).status_code == 302
    assert sheet_item(client, agency, "T4A")["answering_pages"] == 1


def test_only_the_agencys_approvers_change_a_decision(client, administrator, approver, provider, agency,
                                                      other_agency, ita_2568, news_2568):
    from repository.approvals import roles

    roll_over(client, administrator, ita_2568)
    t4a = FrameworkItemSuccession.objects.get(previous__code="O4", successor__code="T4A")
    confirm(client, approver, agency, t4a)
    other_approver = make_user("approver-2", "สมศักดิ์ อื่นใด", "หัวหน้าสำนักงาน", roles.APPROVER, agency=other_agency)
    url = f"/admin/carry-over/{NEW_YEAR}/{agency.code}/"
    for user in (other_approver, provider, administrator):
        client.force_login(user)
        for decision in ("decline", "withdraw"):
            response = client.post(url, {"succession": t4a.pk, "decision": decision, "was": "confirmed"})
            assert response.status_code == 403, (user, decision)
    # nor through the other agency's own page (the succession is the same, the decision is not theirs)
    client.force_login(other_approver)
    response = client.post(f"/admin/carry-over/{NEW_YEAR}/{other_agency.code}/",
                           {"succession": t4a.pk, "decision": "withdraw", "was": "confirmed"})
    assert response.status_code == 302
    decision = CarryOverDecision.objects.get(succession=t4a)
    assert (decision.agency, decision.confirmed, decision.decided_by) == (agency, True, approver)
    assert ModelLogEntry.objects.filter(action__startswith="repository.carry_over_").count() == 1


def test_the_answer_sheets_csv_has_the_carried_over_column(client, administrator, approver, agency, ita_2568,
                                                          news_2568):
    import csv
    import io

    roll_over(client, administrator, ita_2568)
    confirm(client, approver, agency, FrameworkItemSuccession.objects.get(previous__code="O4", successor__code="T4A"))
    response = client.get(f"/api/v1/oit/{NEW_YEAR}/{agency.code}?format=csv")
    assert response.status_code == 200
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["T4A"]["carried_over"] == "2568:O4 confirmed 0"
    assert rows["T4B"]["carried_over"] == "2568:O4 proposed 1"
    assert rows["T21"]["carried_over"] == "2568:O21 proposed 0\n2568:O22 proposed 0"
    assert rows["T1"]["carried_over"] == "2568:O1 proposed 0"
