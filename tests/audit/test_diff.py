"""Field-level diffs: Thai text by PyThaiNLP words, rich text, procurement rows by row."""

import datetime
import re

from repository.audit.diff import diff_versions, tokenize, word_diff
from repository.audit.replay import published_versions
from repository.models import ProcurementSummaryPage, ProcurementSummaryRow
from tests import factories
from tests.factories import corpus_rows

from .conftest import make_news

THAI_RUN = re.compile(r"[\u0E00-\u0E7F]{40,}")


def _sides(ops):
    before = "".join(text for op, text in ops if op != "insert")
    after = "".join(text for op, text in ops if op != "delete")
    return before, after


def _replace_one_word(text, replacement):
    """Replace one word inside a long Thai run (no spaces around it) by another word."""
    tokens = tokenize(text)
    run = THAI_RUN.search(text)
    assert run, "the corpus text has a long Thai run"
    position = 0
    for index, token in enumerate(tokens):
        if run.start() + 10 <= position and position + len(token) <= run.end() - 10 and len(token) >= 3 \
                and re.fullmatch(r"[\u0E00-\u0E7F]+", token) and token != replacement:
            return tokens, index, "".join(tokens[:index] + [replacement] + tokens[index + 1:]), run.group()
        position += len(token)
    raise AssertionError("no word to replace")


def test_thai_word_diff_on_corpus_text():
    items = corpus_rows(limit=20)
    checked = 0
    for item, other in zip(items, items[1:], strict=False):
        before = item["body"][:1200]
        replacement = next(t for t in tokenize(other["title"]) if len(t) >= 4 and re.fullmatch(r"[\u0E00-\u0E7F]+", t))
        tokens, index, after, run = _replace_one_word(before, replacement)
        ops = word_diff(before, after)
        assert _sides(ops) == (before, after)
        deleted = "".join(text for op, text in ops if op == "delete")
        inserted = "".join(text for op, text in ops if op == "insert")
        # The change is word sized: the replaced word (a neighbour at most, where newmm re-segments),
        # not the whole space-free run a space-splitting diff would report.
        assert tokens[index] in deleted and replacement in inserted
        assert len(deleted) < len(run) and len(deleted) <= len(tokens[index]) + 20
        checked += 1
    assert checked >= 10


def test_rich_text_keeps_tags_and_diffs_words():
    body = corpus_rows(limit=1, start=30)[0]["body"][:600]
    before = f"<p>{body}</p><p>ติดต่อ</p>"
    after = f"<p>{body}</p><p>ติดต่อสอบถาม</p><p>โทร ๐๕๖ ๕๑๑ ๐๖๘</p>"
    ops = word_diff(before, after)
    assert _sides(ops) == (before, after)
    # The untouched paragraph is one equal run with its tags; the change is the word
    # "ติดต่อ" becoming the compound "ติดต่อสอบถาม" (one word to newmm), and a new paragraph.
    assert ops[0] == ("equal", f"<p>{body}</p><p>")
    assert [(op, text) for op, text in ops[1:] if op == "delete"] == [("delete", "ติดต่อ")]
    inserted = "".join(text for op, text in ops if op == "insert")
    assert inserted.startswith("ติดต่อสอบถาม") and inserted.endswith("<p>โทร ๐๕๖ ๕๑๑ ๐๖๘</p>")


def test_diff_versions_of_a_procurement_summary(tree, admin_user):
    page = ProcurementSummaryPage(title="สรุปผลการจัดซื้อจัดจ้าง มกราคม", slug="sum", month=datetime.date(2025, 1, 1),
                                  issue_date=datetime.date(2025, 2, 3), summary=corpus_rows(limit=1, start=5)[0]["body"][:300])
    tree["item_page"].add_child(instance=page)
    row = dict(method="specific", bidders="ร้านเอ 900", selected_vendor="ร้านเอ", reason="ราคาต่ำสุด")
    page.procurement_rows = [
        ProcurementSummaryRow(item="จัดซื้อกระดาษ", budget="1000.00", agreed_price="900.00", sort_order=0, **row),
        ProcurementSummaryRow(item="จัดซื้อหมึกพิมพ์", budget="5000.00", agreed_price="4800.00", sort_order=1, **row),
    ]
    factories.publish(page, admin_user)
    page = ProcurementSummaryPage.objects.get(pk=page.pk)
    paper, ink = page.procurement_rows.all()
    paper.agreed_price = "950.00"
    page.procurement_rows = [paper, ProcurementSummaryRow(item="จ้างซ่อมแอร์", budget="3000.00", agreed_price="2500.00",
                                                          sort_order=2, **row)]
    words = tokenize(page.summary)
    removed = "".join(words[10:16])
    page.summary = "".join(words[:10] + words[16:])
    factories.publish(page, admin_user)
    first, second = [e["version_id"] for e in published_versions(page)]
    changes = {c["field"]: c for c in diff_versions(first, second)}
    assert set(changes) == {"procurement_rows", "summary"}
    rows = changes["procurement_rows"]["rows"]
    assert [r["item"] for r in rows["removed"]] == ["จัดซื้อหมึกพิมพ์"]
    assert [r["item"] for r in rows["added"]] == ["จ้างซ่อมแอร์"]
    assert rows["changed"] == [{"id": paper.pk, "changes": [
        {"field": "agreed_price", "label": "ราคาที่ตกลงซื้อหรือจ้าง (บาท)", "before": "900.00", "after": "950.00",
         "kind": "value"}]}]
    summary = changes["summary"]
    assert summary["kind"] == "text"
    deleted = "".join(text for op, text in summary["ops"] if op == "delete")
    assert removed in deleted and len(deleted) <= len(removed) + 20


def test_diff_of_a_news_title(tree, admin_user):
    page = make_news(tree["item_page"], admin_user, title="ประกาศรับสมัครงาน", body="<p>ก</p>", slug="job")
    page.title = "ประกาศรับสมัครพนักงานราชการ"
    factories.publish(page, admin_user)
    first, second = [e["version_id"] for e in published_versions(page)]
    changes = {c["field"]: c for c in diff_versions(first, second)}
    ops = changes["title"]["ops"]
    assert _sides(ops) == ("ประกาศรับสมัครงาน", "ประกาศรับสมัครพนักงานราชการ")
    assert changes["title"]["kind"] == "text"
    assert "last_published_at" not in changes and "latest_revision" not in changes


def test_the_admin_shows_text_not_markup_and_dates_in_buddhist_era():
    """Issue 13: an auditor reads the words that changed, not ``<p data-block-key=…>``, and BE dates."""
    from repository.audit.diff import diff_states, readable_changes

    body = corpus_rows(limit=1, start=30)[0]["body"][:300]
    before = {"body": f'<p data-block-key="a1b2c">{body}</p><p data-block-key="d3e4f">ติดต่อ</p>',
              "issue_date": "2025-01-15", "go_live_at": "2025-03-01T02:00:00Z", "title": "ข่าว"}
    after = {"body": f'<p data-block-key="a1b2c">{body}</p><p data-block-key="d3e4f">ติดต่อสอบถาม &amp; นัดหมาย</p>',
             "issue_date": "2025-02-01", "go_live_at": "2025-03-02T02:00:00Z", "title": "ข่าว"}
    changes = {c["field"]: c for c in readable_changes(diff_states(before, after))}
    shown = changes["body"]["shown"]
    assert not any("<" in text or "data-block-key" in text for _, text in shown)
    assert shown[0] == ("equal", f"{body}\n")  # the paragraph's end is a line break
    assert ("delete", "ติดต่อ") in shown  # "ติดต่อสอบถาม" is one word to newmm
    assert "".join(text for op, text in shown if op == "insert") == "ติดต่อสอบถาม & นัดหมาย"
    assert (changes["issue_date"]["shown_before"], changes["issue_date"]["shown_after"]) == \
        ("15 ม.ค. 2568", "1 ก.พ. 2568")
    assert changes["go_live_at"]["shown_after"] == "2 มี.ค. 2568 09:00 น."  # Bangkok time
    assert changes["body"]["ops"][0][1].startswith('<p data-block-key="a1b2c">')  # the API's ops keep the markup


def test_a_drafts_child_rows_are_compared_by_row(tree, admin_user):
    """A draft that changes one attachment's title and adds a tag: the auditor's diff (``with_drafts``) names
    that row's change and the new tag, nothing else; the published versions' diff is unchanged by it."""
    from repository.audit.models import AuditRecord
    from repository.audit.replay import entry_state

    [item] = corpus_rows(limit=1, start=40)
    page = make_news(tree["item_page"], admin_user, title=item["title"][:200], body=f"<p>{item['body'][:300]}</p>",
                     slug="with-attachment", publish=False)
    factories.attach(page, title="เอกสารแนบ")
    factories.publish(page, admin_user)
    page.refresh_from_db()
    draft = page.get_latest_revision_as_object()
    rows = list(draft.attachments.all())
    rows[0].title = "เอกสารแนบ ฉบับแก้ไข"
    draft.attachments = rows
    draft.tags.add("ข่าวประชาสัมพันธ์")
    draft.save_revision(user=admin_user, log_action=True)
    live_version = published_versions(page)[-1]["version_id"]
    draft_version = AuditRecord.objects.filter(page_id=page.pk).order_by("-sequence").values_list(
        "version_id", flat=True).first()
    state, is_draft = entry_state(draft_version)
    assert is_draft and state["attachments"][0]["title"] == "เอกสารแนบ ฉบับแก้ไข"
    changes = {c["field"]: c for c in diff_versions(live_version, draft_version, with_drafts=True)}
    assert set(changes) == {"attachments", "tagged_items"}
    [changed] = changes["attachments"]["rows"]["changed"]
    assert [(c["field"], c["before"], c["after"]) for c in changed["changes"]] == [
        ("title", "เอกสารแนบ", "เอกสารแนบ ฉบับแก้ไข")]
    assert len(changes["tagged_items"]["rows"]["added"]) == 1
    assert diff_versions(live_version, draft_version) == []  # the page row: the live content, unchanged
