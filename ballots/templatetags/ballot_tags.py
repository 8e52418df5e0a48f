"""Small helpers for the ballot card's templates."""
from django import template

register = template.Library()


@register.filter
def page_of(pages: dict, code: str) -> str:
    """The URL of the page describing option ``code``, or an empty string."""
    return (pages or {}).get(code, "")
