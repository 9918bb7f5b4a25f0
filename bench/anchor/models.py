from django.db import models
from wagtail.fields import RichTextField
from wagtail.models import Page


class AnchorPage(Page):
    """Title (Wagtail's), rich text and a date: the issue's bare page model."""

    body = RichTextField(blank=True)
    date = models.DateField(null=True, blank=True)
