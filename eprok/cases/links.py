"""Links of a case's pages, from URL patterns reversed once per process.

The card draws some fifty links (its actions, its tabs, the forms of each party, measure and
instruction), and `reverse` walks the URLconf for each. Each named route of a case is reversed once with
placeholder arguments (per script prefix and URLconf) and filled in by replacing them, so the links
still follow eprok/cases/urls.py.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Placeholders that pass the routes' converters (<str:number>, <int:pk>, <slug:tab>) and appear
# nowhere else in the patterns.
_NUMBER = "casenumberplaceholder"
_PK = 987654321987654
_TAB = "tabplaceholder"
_UUID = uuid.UUID("00000000-0000-4000-8000-0000c0ffee00")
# What reverse() leaves unquoted in a path (django.urls.resolvers).
_SAFE = "!$&'()*+,;=/~:@"
_PATTERNS: dict[tuple[str, tuple[Any, ...], str, Any], str] = {}


def _pattern(name: str, args: tuple[Any, ...]) -> str:
    key = (name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    try:
        return _PATTERNS[key]
    except KeyError:
        pattern = _PATTERNS[key] = reverse(name, args=args)
        return pattern


def _number(name: str, number: str) -> str:
    number = str(number)
    if not number or "/" in number:
        raise NoReverseMatch(f"{name}: {number!r} is not a case number")
    return quote(number, safe=_SAFE)


def case_url(name: str, number: str, pk: int | None = None) -> str:
    """reverse(name, args=[number] or [number, pk]) for a route under /cases/<number>/."""
    if pk is None:
        return _pattern(name, (_NUMBER,)).replace(_NUMBER, _number(name, number))
    url = _pattern(name, (_NUMBER, _PK)).replace(str(_PK), str(int(pk)))
    return url.replace(_NUMBER, _number(name, number))


def tab_url(number: str, tab: str) -> str:
    """reverse("cases:tab", args=[number, tab])."""
    url = _pattern("cases:tab", (_NUMBER, _TAB)).replace(_TAB, tab)
    return url.replace(_NUMBER, _number("cases:tab", number))


def person_url(public_id: uuid.UUID) -> str:
    """reverse("persons:detail", args=[public_id]): a party's person card."""
    return _pattern("persons:detail", (_UUID,)).replace(str(_UUID), str(uuid.UUID(str(public_id))))
