"""Optimistic locking for records several people edit: a `version` every write increases.

A write service locks the row for the rest of its transaction and, when the caller says which version
it saw, refuses the write if someone else changed the record in between (409 `stale_version`), so a
second save never silently overwrites the first.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import Conflict, ValidationFailed

M = TypeVar("M", bound=Model)

STALE_MESSAGE = _("The record was changed by someone else; reload it and try again.")


class StaleVersion(Conflict):
    code = "stale_version"
    default_message = STALE_MESSAGE


def check_version(row: Any, expected_version: int | None) -> None:
    """Conflict when the caller saw another version of `row` than the one locked now."""
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(details={"version": row.version})


def lock_row(queryset: QuerySet[M], pk: Any, expected_version: int | None) -> M:
    """The row `pk` of `queryset`, locked until commit (only its own table), version-checked."""
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    check_version(row, expected_version)
    return row


def expected_version(request: Any, version: int | None) -> int | None:
    """The version a client saw: `version` from its body, else its If-Match header (`"3"`, `W/"3"`)."""
    if version is not None:
        return version
    raw = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise ValidationFailed(_("If-Match must carry the record's version number."), code="if_match_invalid")
    return int(raw)
