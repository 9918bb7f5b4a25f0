from django import template

from ..submission import request_initial

register = template.Library()


@register.simple_tag
def prefill_request_form(form, page):
    """Wagtail's action modal builds the form empty; fill it as the submit dialog does (only when not yet submitted)."""
    if not form.is_bound and page is not None:
        form.initial = {**request_initial(page), **form.initial}
    return ""
