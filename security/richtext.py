"""The admin's rich-text editor (Draftail) with a forged body answered as a 400, never a 500.

Draftail posts its content as JSON (a Draft.js content state); Wagtail parses it with
``json.loads`` while validating the form, so a hand-made POST whose body is not that JSON raised
out of the view as a server error. Here it is Django's ``BadRequest`` (400), and the request's
transaction (``ATOMIC_REQUESTS``) changes nothing. Configured as the default editor in
``WAGTAILADMIN_RICH_TEXT_EDITORS``.
"""

from django.core.exceptions import BadRequest
from wagtail.admin.rich_text import DraftailRichTextArea as WagtailDraftailRichTextArea


class DraftailRichTextArea(WagtailDraftailRichTextArea):
    def value_from_datadict(self, data, files, name):
        try:
            return super().value_from_datadict(data, files, name)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            raise BadRequest(f"'{name}' is not the rich-text editor's content.") from None
