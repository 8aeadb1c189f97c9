"""The term of a resolution (dərkənar): rule `documents.resolution` from the shared deadline engine, or
an earlier date the head sets; tracked in the shared index so it shows on "My work", in alerts and on
the unit's overdue list (/deadlines/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, compute_deadline
from eprok.core.models import DeadlineRule
from eprok.org.roles import Clearance

RULE = "documents.resolution"
KEY = "execution"
LABEL = _("Resolution on a letter")


def rule() -> DeadlineRule:
    return DeadlineRule.objects.get(code=RULE)


def computed(start: dt.datetime | dt.date) -> Deadline:
    """The rule's due date for a resolution given at `start`."""
    day = timezone.localtime(start).date() if isinstance(start, dt.datetime) else start
    return compute_deadline(rule(), day)


def explicit(start: dt.date, due: dt.date) -> Deadline:
    """A date the head set: a deadline with no rule steps, ending at the end of that day."""
    return Deadline(
        rule_code=RULE, unit="calendar_days", start=start, due=due, total_length=(due - start).days, steps=()
    )


def deadline_of(resolution: Any) -> Deadline:
    """The resolution's term: the rule's computation (with its steps, so it can be explained) unless the
    head set an earlier date, which has no rule steps."""
    if not resolution.due_set_by_head:
        deadline = computed(resolution.created_at)
        if deadline.due == resolution.due_date:
            return deadline
    start = timezone.localtime(resolution.created_at).date()
    return explicit(start, resolution.due_date)


def title_of(letter: Any) -> str:
    """What "My work" and the overdue list show to anyone who sees the term: the register number (its
    prefix says incoming or outgoing) and, for letters no higher than "for official use", the subject."""
    if int(letter.classification) > int(Clearance.OFFICIAL):
        return str(letter.number)[:255]
    return f"{letter.number} — {letter.subject}"[:255]


def track(resolution: Any, *, new: bool = False) -> Any:
    letter = resolution.correspondence
    return tracking.deadline_track(
        owner=resolution,
        key=KEY,
        deadline=deadline_of(resolution),
        unit=resolution.executor_unit,
        responsible=resolution.executor,
        title=title_of(letter),
        label=LABEL,
        url=letter.get_absolute_url(),
        new=new,
    )


def close(resolution: Any) -> int:
    return tracking.deadline_close(owner=resolution, key=KEY)


def recompute() -> int:
    """Re-track every open resolution (the recomputer of "documents.resolution")."""
    from eprok.documents.models import Resolution, ResolutionStatus

    count = 0
    rows = Resolution.objects.filter(status=ResolutionStatus.OPEN).select_related(
        "correspondence", "executor", "executor_unit"
    )
    for resolution in rows.iterator(chunk_size=500):
        if not resolution.due_set_by_head:
            due = computed(resolution.created_at).due
            if due != resolution.due_date:
                Resolution.objects.filter(pk=resolution.pk).update(due_date=due)
                resolution.due_date = due
        track(resolution)
        count += 1
    return count
