"""The only tags and filters a template body may use (the restricted engine's one built-in library).

Tags: if, for, with, comment, firstof, cycle, spaceless. Filters: plain text formatting only; no `safe`,
`safeseq`, `pprint`, `stringformat` or anything that reaches beyond the value it is given. Ours: az_upper
(upper case with İ/I), az_ordinal (2026 → "2026-cı", 177.2.3 → "177.2.3-cü").
"""

from __future__ import annotations

from typing import Any

from django.template import Library, defaultfilters, defaulttags

from eprok.drafting import azdate

register = Library()

TAGS = ("if", "for", "with", "comment", "firstof", "cycle", "spaceless")
FILTERS = (
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "length",
    "join",
    "first",
    "last",
    "linebreaks",
    "linebreaksbr",
    "yesno",
    "cut",
    "truncatewords",
    "truncatechars",
    "pluralize",
    "add",
    "escape",
)

for _name in TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name in FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]


@register.filter(is_safe=True)
def az_upper(value: Any) -> str:
    return azdate.az_upper(value)


@register.filter(is_safe=False)
def az_ordinal(value: Any) -> str:
    """'2026' → '2026-cı'; a reference '177.2.3' → '177.2.3-cü' (the last number decides)."""
    return azdate.ordinal_text(str(value))
