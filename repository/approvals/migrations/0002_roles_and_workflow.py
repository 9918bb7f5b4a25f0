"""The global role groups and the publication workflow, assigned to the tree's root.

Historical models only. Permissions that other apps create later (the audit
app's ``view_audit_trail``) and agency groups are completed after every
migrate by ``signals.on_post_migrate`` (``roles.ensure_global_groups``,
``roles.grant_agency_roles``), which is idempotent.
"""

from django.db import migrations

WORKFLOW_NAME = "การขออนุมัติเผยแพร่ข้อมูลผ่านเว็บไซต์"
TASKS = [
    ("RequestTask", "ยื่นขออนุมัติเผยแพร่ (ผู้รับผิดชอบการให้ข้อมูล)"),
    ("ApprovalTask", "อนุมัติรับรอง (ผู้อนุมัติรับรอง)"),
    ("PublicationTask", "นำข้อมูลขึ้นเผยแพร่ (ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่)"),
]
GROUPS = ["ผู้ตรวจสอบ", "ผู้ดูแลระบบ"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Page = apps.get_model("wagtailcore", "Page")

    for name in GROUPS:
        Group.objects.get_or_create(name=name)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    for order, (model_name, task_name) in enumerate(TASKS):
        model = apps.get_model("approvals", model_name)
        content_type, _ = ContentType.objects.get_or_create(app_label="approvals", model=model_name.lower())
        task = model.objects.filter(name=task_name).first()
        if task is None:
            task = model.objects.create(name=task_name, content_type=content_type, active=True)
        WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": order})
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def backwards(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
