"""Template filters of the supervision pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_count(counts: dict[str, int], key: str) -> int:
    """{{ row.violations|get_count:kind }}: the count of `key` in a dict of counts, 0 when absent."""
    return int(counts.get(key, 0)) if isinstance(counts, dict) else 0
