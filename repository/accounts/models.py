from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using the admin. Full name and position go on approval forms."""

    full_name = models.CharField("ชื่อ-นามสกุล", max_length=200, blank=True)
    position = models.CharField("ตำแหน่ง", max_length=200, blank=True)

    class Meta:
        verbose_name = "ผู้ใช้งาน"
        verbose_name_plural = "ผู้ใช้งาน"

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def __str__(self):
        return self.get_full_name()
