"""{% case_url "party_add" case.number %}: {% url "cases:party_add" case.number %} without walking the
URLconf on every link (see eprok.cases.links)."""

from __future__ import annotations

from typing import Any

from django import template

from eprok.cases.links import case_url as _case_url
from eprok.cases.links import person_url as _person_url

register = template.Library()


@register.simple_tag
def case_url(name: str, number: str, pk: int | None = None) -> str:
    return _case_url(f"cases:{name}", number, pk)


@register.simple_tag
def person_url(public_id: Any) -> str:
    return _person_url(public_id)
