from django import template

from ..forms import RequestForm

register = template.Library()


@register.simple_tag
def prefill_request_form(form, page):
    """Wagtail's action modal builds the form empty; fill it from the page (only when not yet submitted)."""
    if not form.is_bound and page is not None:
        form.initial = {**RequestForm.initial_for_page(page), **form.initial}
    return ""
