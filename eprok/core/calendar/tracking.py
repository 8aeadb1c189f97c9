"""The cross-module index of running terms: what feeds "My work", deadline alerts and overdue lists.

A module's service that starts, extends, suspends or ends a term calls, inside its own transaction:

    tracking.deadline_track(owner=material, key="check", deadline=computed, unit=material.unit,
                            responsible=material.assignee, title=material.number,
                            label=_("Preliminary check"), url=material.get_absolute_url())
    tracking.deadline_close(owner=material, key="check")      # decided: the term no longer runs

The module keeps its own due date for its lists; this table is an index, rebuilt from the modules by
`eprok recompute_deadlines` (each module registers a recomputer for its open records).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from eprok.core.calendar.deadlines import Deadline
from eprok.core.models import AlertLevel, DeadlineState, TrackedDeadline

__all__ = [
    "deadline_close",
    "deadline_track",
    "owner_type_of",
    "recomputers",
    "register_recomputer",
]


def owner_type_of(owner: models.Model) -> str:
    return owner._meta.label_lower


def deadline_track(
    *,
    owner: models.Model,
    key: str,
    deadline: Deadline,
    unit: Any,
    responsible: Any,
    title: str,
    label: str,
    url: str,
) -> TrackedDeadline:
    """Record (or update) the running term `key` of `owner`; a changed due date re-arms its alerts."""
    ends_at = deadline.ends_at()
    row, created = TrackedDeadline.objects.get_or_create(
        owner_type=owner_type_of(owner),
        owner_id=owner.pk,
        key=key,
        defaults={
            "rule_code": deadline.rule_code,
            "ends_at": ends_at,
            "due_is_moment": deadline.due_is_moment,
            "unit": unit,
            "responsible": responsible,
            "title": title[:255],
            "label": str(label)[:255],
            "url": url,
        },
    )
    if created:
        return row
    if row.ends_at != ends_at:
        row.alerted = AlertLevel.NONE
    row.rule_code = deadline.rule_code
    row.ends_at = ends_at
    row.due_is_moment = deadline.due_is_moment
    row.unit = unit
    row.responsible = responsible
    row.title = title[:255]
    row.label = str(label)[:255]
    row.url = url
    row.state = DeadlineState.OPEN
    row.closed_at = None
    row.save()
    return row


def deadline_close(*, owner: models.Model, key: str | None = None) -> int:
    """Stop tracking `owner`'s term `key` (all its terms when key is None); returns how many closed."""
    rows = TrackedDeadline.objects.filter(
        owner_type=owner_type_of(owner), owner_id=owner.pk, state=DeadlineState.OPEN
    )
    if key is not None:
        rows = rows.filter(key=key)
    return rows.update(state=DeadlineState.CLOSED, closed_at=timezone.now())


# A recomputer walks a module's open records and calls deadline_track/deadline_close for each,
# returning how many records it recomputed. `eprok recompute_deadlines` calls every one.
Recomputer = Callable[[], int]
_RECOMPUTERS: dict[str, Recomputer] = {}


def register_recomputer(owner_type: str, recomputer: Recomputer) -> None:
    _RECOMPUTERS[owner_type] = recomputer


def recomputers() -> Iterable[tuple[str, Recomputer]]:
    return sorted(_RECOMPUTERS.items())
