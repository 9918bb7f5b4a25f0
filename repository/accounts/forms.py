"""Wagtail admin user forms with the two fields the approval form needs."""

from django import forms
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm

ACCOUNT_FIELDS = ("full_name", "position")


class _AccountFieldsMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ACCOUNT_FIELDS:
            self.fields[name].required = True
        # Thai names are kept whole in full_name; Wagtail's split name fields become optional.
        for name in ("first_name", "last_name"):
            if name in self.fields:
                self.fields[name].required = False
        self.fields["full_name"].help_text = "ชื่อ-นามสกุลตามที่จะปรากฏในแบบฟอร์มการขออนุมัติเผยแพร่"
        self.fields["position"].help_text = "ตำแหน่งตามที่จะปรากฏในแบบฟอร์มการขออนุมัติเผยแพร่"

    def clean_full_name(self):
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError("กรุณาระบุชื่อ-นามสกุล")
        return value


class UserCreationForm(_AccountFieldsMixin, WagtailUserCreationForm):
    class Meta(WagtailUserCreationForm.Meta):
        fields = WagtailUserCreationForm.Meta.fields | set(ACCOUNT_FIELDS)


class UserEditForm(_AccountFieldsMixin, WagtailUserEditForm):
    class Meta(WagtailUserEditForm.Meta):
        fields = WagtailUserEditForm.Meta.fields | set(ACCOUNT_FIELDS)
