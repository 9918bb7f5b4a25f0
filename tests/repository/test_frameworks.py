import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from repository.frameworks_loader import FrameworkFileError, load_frameworks
from repository.models import FrameworkItem, FrameworkYear

pytestmark = pytest.mark.django_db


def test_shipped_frameworks_load_every_year_with_its_items():
    report = load_frameworks()
    assert set(FrameworkYear.objects.values_list("year", flat=True)) == {2563, 2564, 2565, 2566, 2567, 2568}
    counts = {year: FrameworkItem.objects.filter(framework__year=year).count() for year in (2563, 2565, 2566, 2568)}
    assert counts == {2563: 43, 2565: 43, 2566: 43, 2568: 22}
    assert report.items_created == 43 * 5 + 22
    o22 = FrameworkItem.objects.get(framework__year=2564, code="O22")
    assert "จัดซื้อจัดจ้าง" in o22.name_th and o22.recurrence == "per_event"
    assert FrameworkItem.objects.get(framework__year=2567, code="O21").recurrence == "monthly"
    assert FrameworkItem.objects.get(framework__year=2566, code="O10").name_en == "Personal data protection policy"
    assert FrameworkItem.objects.get(framework__year=2568, code="O4").name_th == "ข่าวประชาสัมพันธ์"


def test_loading_twice_adds_nothing():
    load_frameworks()
    again = load_frameworks()
    assert (again.years_created, again.items_created, again.items_updated) == (0, 0, 0)
    assert FrameworkItem.objects.count() == 43 * 5 + 22


def test_adding_a_year_is_data_not_code(tmp_path):
    path = tmp_path / "ita.json"
    path.write_text(json.dumps({"editions": [{"years": [2569], "name": "ITA {year}", "items": [
        {"code": "O1", "name_th": "โครงสร้างและอำนาจหน้าที่", "recurrence": "once"}]}]}), encoding="utf-8")
    call_command("load_frameworks", str(path), verbosity=0)
    assert FrameworkYear.objects.get(year=2569).items.get(code="O1").name_th == "โครงสร้างและอำนาจหน้าที่"


def test_changed_item_is_updated_in_place_and_missing_items_are_kept(tmp_path):
    load_frameworks()
    path = tmp_path / "ita.json"
    path.write_text(json.dumps({"editions": [{"years": [2568], "items": [
        {"code": "O1", "name_th": "โครงสร้าง (แก้ไข)", "recurrence": "once"}]}]}), encoding="utf-8")
    report = load_frameworks(path)
    assert report.items_updated == 1
    assert FrameworkItem.objects.get(framework__year=2568, code="O1").name_th == "โครงสร้าง (แก้ไข)"
    assert "2568:O4" in report.items_not_in_file
    assert FrameworkItem.objects.filter(framework__year=2568).count() == 22


@pytest.mark.parametrize(
    "content",
    [
        {"years": [2569]},
        {"editions": [{"years": [2569], "items": [{"code": "O1", "name_th": "ก"}, {"code": "O1", "name_th": "ข"}]}]},
        {"editions": [{"years": [2569], "items": [{"code": "O1", "name_th": "ก", "recurrence": "weekly"}]}]},
        {"editions": [{"years": [2569], "items": [{"code": "O1", "name_th": ""}]}]},
    ],
)
def test_bad_file_is_refused_and_changes_nothing(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(FrameworkFileError):
        load_frameworks(path)
    with pytest.raises(CommandError):
        call_command("load_frameworks", str(path), verbosity=0)
    assert not FrameworkYear.objects.exists()
