from django import template

from repository import thai

register = template.Library()


@register.filter
def be_date(value, style="full"):
    """``{{ page.issue_date|be_date }}`` → ``1 มกราคม 2568``; ``|be_date:"abbr"`` → ``1 ม.ค. 2568``."""
    return thai.format_be_date(value, style=style)


@register.filter
def be_month(value):
    return thai.format_be_month(value)


@register.filter
def baht(value):
    """``{{ row.budget|baht }}`` → ``2,500,000.00`` (``""`` for none)."""
    return thai.format_baht(value)
