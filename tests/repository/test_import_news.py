import gzip
import io
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import PageLogEntry

from repository.approvals.imports import override_publisher
from repository.approvals.models import ApprovalForm
from repository.importers.corpus import BadLine, parse_line, read_records
from repository.importers.news import import_news
from repository.models import NewsPage
from tests.factories import fixture_administrator, make_agency, make_item_page

pytestmark = pytest.mark.django_db

def real_lines(count):
    """The first ``count`` lines of the real 5k sample, as text."""
    with gzip.open(settings.NEWS_SAMPLE_PATH, "rt", encoding="utf-8") as handle:
        return [next(handle) for _ in range(count)]


@pytest.fixture
def news_page_parent():
    agency = make_agency("secretariat-pm", "สำนักเลขาธิการนายกรัฐมนตรี", kind="central")
    return make_item_page(agency, slug="news")


def importing():
    """Imports publish through the gate, by an administrator's recorded override (no default path skips it)."""
    return {"publish": override_publisher("นำเข้าข่าวที่เผยแพร่แล้วที่ต้นทาง (ทดสอบ)"), "user": fixture_administrator()}


def write_lines(tmp_path, lines, name="news.jsonl"):
    path = tmp_path / name
    path.write_text("".join(line if line.endswith("\n") else line + "\n" for line in lines), encoding="utf-8")
    return path


def test_import_creates_published_news_pages_with_provenance(tmp_path, news_page_parent):
    lines = real_lines(5)
    report = import_news(write_lines(tmp_path, lines), news_page_parent, **importing())
    assert report.created == 5 and report.errors == []
    first = json.loads(lines[0])
    page = NewsPage.objects.get(source_url=first["source_url"])
    assert page.live and page.issue_date.isoformat() == first["date"]
    assert page.title == first["title"].strip()[:255]
    assert page.agency.code == "secretariat-pm"
    assert page.slug == f"news-{first['id']}"
    paragraph = next(line for line in first["body"].split("\n") if line.strip()).strip()
    assert paragraph[:50] in page.body or paragraph[:50].replace("&", "&amp;") in page.body


def test_import_is_idempotent_by_source_url(tmp_path, news_page_parent):
    path = write_lines(tmp_path, real_lines(4))
    import_news(path, news_page_parent, **importing())
    again = import_news(path, news_page_parent, **importing())
    assert again.created == 0 and again.existing == 4
    assert NewsPage.objects.count() == 4


def test_limit_counts_new_items_only(tmp_path, news_page_parent):
    path = write_lines(tmp_path, real_lines(6))
    assert import_news(path, news_page_parent, **importing(), limit=2).created == 2
    assert import_news(path, news_page_parent, **importing(), limit=3).created == 3
    assert NewsPage.objects.count() == 5


def test_bad_lines_are_reported_with_their_line_number_and_skipped(tmp_path, news_page_parent):
    good = real_lines(2)
    record = json.loads(good[0])
    lines = [
        good[0],
        "{not json",
        json.dumps({**record, "source_url": "ftp://example"}),
        json.dumps({**record, "date": "25 ส.ค. 63", "source_url": record["source_url"] + "?x"}),
        json.dumps({key: value for key, value in record.items() if key != "title"}),
        good[1],
    ]
    report = import_news(write_lines(tmp_path, lines), news_page_parent, **importing())
    assert report.created == 2
    assert [number for number, _ in report.errors] == [2, 3, 4, 5]
    assert "not valid JSON" in report.errors[0][1]
    assert "not an http(s) URL" in report.errors[1][1]
    assert "not YYYY-MM-DD" in report.errors[2][1]
    assert "title" in report.errors[3][1]


def test_a_failing_batch_leaves_nothing_half_written(tmp_path, news_page_parent):
    lines = real_lines(5)
    # A page already holding the slug of the 5th item makes that item fail inside the batch.
    clash = json.loads(lines[4])
    news_page_parent.add_child(instance=NewsPage(title="มีอยู่แล้ว", slug=f"news-{clash['id']}", source_url="https://example.go.th/x"))
    with pytest.raises(ValidationError):
        import_news(write_lines(tmp_path, lines), news_page_parent, **importing(), batch_size=2)
    # Batches 1–2 (items 1–4) landed whole; the failing batch (item 5) left nothing.
    imported = set(NewsPage.objects.exclude(source_url="https://example.go.th/x").values_list("source_url", flat=True))
    assert imported == {json.loads(line)["source_url"] for line in lines[:4]}
    assert NewsPage.objects.filter(source_url=clash["source_url"]).count() == 0
    assert all(page.revisions.exists() and page.live for page in NewsPage.objects.exclude(source_url="https://example.go.th/x"))


def test_reads_gzip_and_plain_files(tmp_path):
    lines = real_lines(2)
    gz = tmp_path / "n.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as handle:
        handle.writelines(lines)
    assert [entry.id for entry in read_records(gz)] == [json.loads(line)["id"] for line in lines]


def test_parse_line_rejects_non_objects():
    with pytest.raises(BadLine) as caught:
        parse_line(7, "[1, 2]")
    assert caught.value.line_number == 7


@pytest.fixture
def administrator(django_user_model):
    return django_user_model.objects.create_superuser("admin", full_name="ผู้ดูแลระบบ", position="ผู้ดูแลระบบ")


def test_command_publishes_by_recorded_override_and_reports_errors(tmp_path, news_page_parent, administrator):
    path = write_lines(tmp_path, real_lines(2) + ["oops"])
    out, err = io.StringIO(), io.StringIO()
    call_command("import_news", str(path), "--agency", "secretariat-pm", stdout=out, stderr=err, verbosity=0)
    assert "Imported 2 news page(s)" in out.getvalue()
    assert "line 3:" in err.getvalue()
    for page in NewsPage.objects.all():
        assert page.live
        form = page.approval_forms.get()
        assert form.kind == ApprovalForm.Kind.OVERRIDE and "ไม่ได้ผ่านขั้นตอนขออนุมัติ" in form.override_reason
        assert PageLogEntry.objects.filter(page=page, action="approvals.override_publish").count() == 1


def test_command_refuses_unknown_agency(tmp_path, administrator):
    with pytest.raises(CommandError, match="No agency page"):
        call_command("import_news", str(tmp_path / "x.jsonl"), "--agency", "nowhere", verbosity=0)


def test_command_refuses_a_publisher_who_is_not_an_administrator(tmp_path, news_page_parent, django_user_model):
    django_user_model.objects.create_user("editor")
    path = write_lines(tmp_path, real_lines(1))
    with pytest.raises(CommandError, match="administrator"):
        call_command("import_news", str(path), "--agency", "secretariat-pm", "--user", "editor", verbosity=0)
    with pytest.raises(CommandError, match="administrator"):
        call_command("import_news", str(path), "--agency", "secretariat-pm", "--user", "nobody", verbosity=0)
    assert not NewsPage.objects.exists()
