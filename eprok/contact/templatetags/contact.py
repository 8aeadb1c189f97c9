"""Small template helpers of the call centre's pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """mapping[key], or "" (a sector's name by its code in a list)."""
    try:
        return mapping.get(key, "") if key else ""
    except AttributeError:
        return ""
