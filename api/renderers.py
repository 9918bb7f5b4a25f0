"""CSV output for the OIT answer sheet (``?format=csv`` or ``Accept: text/csv``).

The columns are the JSON's keys; a list is one line per element. ``carried_over`` gives each old item
mapped to the row's item as ``<year>:<code> <decision> <pages>`` (``2568:O4 proposed 1``: the agency's
pages answering the old item and not this one; once confirmed they are counted in ``answering_pages``).
"""

import io

from rest_framework.renderers import BaseRenderer

from repository.models.frameworks import item_key
from security import spreadsheets

SHEET_COLUMNS = [
    "code", "name_th", "name_en", "group", "recurrence", "status",
    "current_pages", "answering_pages", "latest_issue_date", "latest_issue_date_be", "urls", "item_page_urls", "evidence_form_ids",
    "carried_over",
]


class AnswerSheetCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        # A byte-order mark so spreadsheet programs read the Thai correctly.
        out.write("\ufeff")
        writer = spreadsheets.writer(out)
        writer.writerow(SHEET_COLUMNS)
        for item in data["items"]:
            row = dict(item)
            row["urls"] = "\n".join(item["urls"])
            row["item_page_urls"] = "\n".join(item["item_page_urls"])
            row["evidence_form_ids"] = " ".join(str(e["form_id"]) for e in item["evidence"])
            row["carried_over"] = "\n".join(f"{item_key(c['framework_year'], c['code'])} {c['decision']} {c['pages']}"
                                             for c in item.get("carried_over", ()))
            writer.writerow([row.get(c, "") for c in SHEET_COLUMNS])
        return out.getvalue().encode("utf-8")
