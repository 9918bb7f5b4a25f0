"""The forms of the workflow's actions (Wagtail's ``Task.get_form_for_action``)."""

from django import forms


class RequestForm(forms.Form):
    """What the provider fills on submitting: the approval form's own fields."""

    subject = forms.CharField(label="หัวข้อ", max_length=500)
    details = forms.CharField(label="รายละเอียดข้อมูล (โดยสรุปหรือเอกสารแนบ)", widget=forms.Textarea({"rows": 4}))
    external_link = forms.URLField(label="Link ภายนอก", max_length=500, required=False, assume_scheme="https")
    remarks = forms.CharField(label="หมายเหตุ", required=False, widget=forms.Textarea({"rows": 2}))
    confirmed_measure_1_1 = forms.BooleanField(
        label="ข้าพเจ้ายืนยันว่าเนื้อหานี้ไม่มีลักษณะบ่อนทำลายการปกครองระบอบประชาธิปไตยอันมีพระมหากษัตริย์ทรงเป็นประมุข "
        "ความมั่นคงของชาติ ความสงบเรียบร้อย หรือศีลธรรมอันดีของประชาชน (มาตรการข้อ 1.1)",
        required=True,
        error_messages={"required": "ต้องยืนยันว่าเนื้อหาเป็นไปตามมาตรการข้อ 1.1 ก่อนยื่นขออนุมัติ"},
    )

    @staticmethod
    def initial_for_page(page):
        """Prefill from the page: title, summary, external link."""
        page = page.specific
        return {
            "subject": page.title,
            "details": getattr(page, "summary", "") or "",
            "external_link": getattr(page, "external_link", "") or "",
        }


class ApproveForm(forms.Form):
    comment = forms.CharField(label="ความเห็น", required=False, widget=forms.Textarea({"rows": 2}))


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="เหตุผลที่ส่งกลับแก้ไข", required=True, widget=forms.Textarea({"rows": 3}),
        error_messages={"required": "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข"},
    )


class OverridePublishForm(forms.Form):
    reason = forms.CharField(
        label="เหตุผลที่เผยแพร่นอกขั้นตอนการอนุมัติ", required=True, min_length=10, widget=forms.Textarea({"rows": 3}),
        error_messages={"required": "การเผยแพร่นอกขั้นตอนต้องระบุเหตุผล"},
    )
