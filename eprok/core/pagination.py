"""Limit/offset pagination for every list operation of the API.

A list operation takes `page: Query[PageParams]`, answers `Page[ItemOut]` and returns
`paginate(queryset, limit=page.limit, offset=page.offset)`:

    @router.get("/units", response={200: Page[UnitOut], **ERRORS})
    def unit_list(request, page: Query[PageParams]):
        return paginate(selectors.unit_list(user=request.user), limit=page.limit, offset=page.offset)

The body is {"items": [...], "count": n, "limit": l, "offset": o}; `count` is the total number of
items the caller may see, so a client pages on until `offset + limit >= count`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


class PageParams(Schema):
    """The query parameters `limit` (1..200, default 50) and `offset` (0 or more)."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items to return (1 to 200).")
    offset: int = Field(0, ge=0, description="How many items to skip from the start of the list.")


class Page(Schema, Generic[T]):
    """One page of a list: its items, the total count and the window that was asked for."""

    items: list[T]
    count: int = Field(..., ge=0, description="How many items the whole list has.")
    limit: int = Field(..., ge=1, le=MAX_LIMIT)
    offset: int = Field(..., ge=0)


def paginate(
    queryset: QuerySet[Any] | Sequence[Any],
    *,
    limit: int,
    offset: int,
    max_limit: int = MAX_LIMIT,
) -> dict[str, Any]:
    """Slice `queryset` to one page: two queries (count and the window) for a QuerySet.

    `limit` is clamped to 1..max_limit and `offset` to 0 or more, so a caller that skipped
    `PageParams` still cannot ask for the whole table. A QuerySet must be ordered, or pages
    would overlap; an unordered one is ordered by primary key.
    """
    limit = max(1, min(int(limit), max_limit))
    offset = max(0, int(offset))
    if isinstance(queryset, QuerySet):
        if not queryset.ordered:
            queryset = queryset.order_by("pk")
        count = queryset.count()
        items = list(queryset[offset : offset + limit]) if offset < count else []
    else:
        count = len(queryset)
        items = list(queryset[offset : offset + limit])
    return {"items": items, "count": count, "limit": limit, "offset": offset}
