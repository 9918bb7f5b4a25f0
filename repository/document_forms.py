"""The admin's document form: says before saving what ``repository.documents`` refuses at the core."""

from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.documents.forms import BaseDocumentForm

from . import documents


class DocumentForm(BaseDocumentForm):
    def clean(self):
        cleaned = super().clean()
        if "file" in self.changed_data and self.instance.pk:
            candidate = self.instance.__class__(pk=self.instance.pk, file=cleaned.get("file"))
            try:
                documents.check_file_change(candidate)
            except PermissionDenied as refusal:
                raise ValidationError({"file": str(refusal)})
        return cleaned
