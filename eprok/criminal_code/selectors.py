"""Reads of the Criminal Code catalogue: lists, search, the version in force on a date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from eprok.core.collation import az_lower
from eprok.criminal_code import access
from eprok.criminal_code.models import Article

_NUMBER_PREFIX = re.compile(r"^\d[\d-]*$")


def in_force_on(queryset: QuerySet[Article], on: dt.date) -> QuerySet[Article]:
    return queryset.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def article_valid_on(number: str, on: dt.date) -> Article | None:
    """The version of article `number` in force on `on`, or None (reference data: no user needed)."""
    return in_force_on(Article.objects.filter(number=number.strip()), on).order_by("-valid_from").first()


def article_list(
    *,
    user: Any,
    q: str = "",
    chapter: int | None = None,
    category: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[Article]:
    """Articles in force on `on` (today by default), in the Code's order.

    `q` is either the start of an article number ("144" finds 144, 144-1, 144-2) or words that must
    all occur in the number or a title, in any letter case (Azerbaijani case rules: "OĞURLUQ" finds
    "Oğurluq"; no folding of "ğ" to "g").
    """
    qs = in_force_on(access.visible_to(user), on or timezone.localdate())
    q = q.strip()
    if q:
        if _NUMBER_PREFIX.match(q):
            qs = qs.filter(number__startswith=q)
        else:
            for word in az_lower(q).split():
                qs = qs.filter(search_key__contains=word)
    if chapter is not None:
        qs = qs.filter(chapter=chapter)
    if category is not None:
        qs = qs.filter(category=category)
    return qs.order_by("sort_key", "valid_from")


def article_versions(*, user: Any, number: str) -> list[Article]:
    """Every version of article `number`, oldest first."""
    return list(access.visible_to(user).filter(number=number.strip()).order_by("valid_from"))


# The Special Part of the Code: chapters 16 (crimes against peace) to 35 (crimes against military service).
CHAPTERS = range(16, 36)


def chapter_choices() -> list[int]:
    """The chapters of the Special Part (fixed by the Code's structure: no query)."""
    return list(CHAPTERS)
