"""The order's agency roles: their names, and which Wagtail group stands for which agency and role.

A model module of its own so that ``roles`` (group and permission management) and ``models`` (the
workflow tasks, which ask ``roles`` who holds a role) both build on it without importing each other.
"""

from django.db import models

PROVIDER = "provider"
APPROVER = "approver"
PUBLISHER = "publisher"
EMERGENCY_APPROVER = "emergency_approver"

AGENCY_ROLE_CHOICES = [
    (PROVIDER, "ผู้รับผิดชอบการให้ข้อมูล"),
    (APPROVER, "ผู้อนุมัติรับรอง"),
    (PUBLISHER, "ผู้รับผิดชอบการนำข้อมูลขึ้นเผยแพร่"),
    (EMERGENCY_APPROVER, "ผู้อนุมัติเผยแพร่เหตุเร่งด่วน"),
]
ROLE_LABELS = dict(AGENCY_ROLE_CHOICES)


class AgencyRole(models.Model):
    """Which agency and role a Wagtail group stands for (made by ``grant_agency_roles``)."""

    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="agency_role")
    agency = models.ForeignKey("repository.Agency", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("บทบาท", max_length=32, choices=AGENCY_ROLE_CHOICES)

    class Meta:
        verbose_name = "บทบาทในหน่วยงาน"
        verbose_name_plural = "บทบาทในหน่วยงาน"
        constraints = [models.UniqueConstraint(fields=["agency", "role"], name="approvals_one_group_per_agency_role")]

    def __str__(self):
        return self.group.name
