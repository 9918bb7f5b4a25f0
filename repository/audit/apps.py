from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "repository.audit"
    label = "audit"
    verbose_name = "บันทึกการตรวจสอบ"
