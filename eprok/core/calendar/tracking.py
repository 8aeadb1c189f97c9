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

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.core.calendar.deadlines import Deadline
from eprok.core.models import AlertLevel, DeadlineState, TrackedDeadline
from eprok.core.mywork import WorkItem

__all__ = [
    "deadline_alerts",
    "deadline_close",
    "deadline_track",
    "my_deadlines",
    "owner_type_of",
    "recompute_all",
    "recomputers",
    "register_recomputer",
    "unit_deadlines",
]

logger = logging.getLogger(__name__)

MY_WORK_LIMIT = 50


def owner_type_of(owner: models.Model) -> str:
    return owner._meta.label_lower


def _english(label: Any) -> str:
    """A label is stored as its English source text, so every reader sees it in their own language."""
    with translation.override("en"):
        return str(label)


def display_label(text: str) -> str:
    """The stored label in the active language: each part ("Preventive measure: Arrest") translated."""
    return ": ".join(gettext(part) for part in text.split(": "))


def deadline_track(
    *,
    owner: models.Model,
    key: str,
    deadline: Deadline,
    unit: Any,
    responsible: Any,
    title: str,
    label: Any,
    url: str,
    new: bool = False,
) -> TrackedDeadline:
    """Record (or update) the running term `key` of `owner`; a changed due date re-arms its alerts.

    Pass `label` as a translatable (lazy) text, or English text built from such parts joined by ": ".
    `new=True` says the owner was created in this transaction, so the term has no row yet: it is
    inserted without looking for one (one statement instead of four).
    """
    ends_at = deadline.ends_at()
    label = _english(label)
    fields = {
        "rule_code": deadline.rule_code,
        "ends_at": ends_at,
        "due_is_moment": deadline.due_is_moment,
        "unit": unit,
        "responsible": responsible,
        "title": title[:255],
        "label": str(label)[:255],
        "url": url,
    }
    if new:
        return TrackedDeadline.objects.create(
            owner_type=owner_type_of(owner), owner_id=owner.pk, key=key, **fields
        )
    row, created = TrackedDeadline.objects.get_or_create(
        owner_type=owner_type_of(owner), owner_id=owner.pk, key=key, defaults=fields
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


def recompute_all() -> dict[str, int]:
    """Run every module's recomputer; {owner type: records recomputed}."""
    return {owner_type: recomputer() for owner_type, recomputer in recomputers()}


# --- reads --------------------------------------------------------------------------------------------


def module_name(owner_type: str) -> str:
    app_label = owner_type.split(".", 1)[0]
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label


def my_deadlines(*, user: Any, limit: int = MY_WORK_LIMIT) -> list[TrackedDeadline]:
    """The user's running terms, soonest first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        TrackedDeadline.objects.filter(state=DeadlineState.OPEN, responsible=user).order_by("ends_at", "pk")[
            :limit
        ]
    )


def due_day(row: TrackedDeadline) -> dt.date:
    """The day a term is due: its last day (day terms end at midnight after it), or the moment's day."""
    local = timezone.localtime(row.ends_at)
    if row.due_is_moment:
        return local.date()
    return (local - dt.timedelta(microseconds=1)).date()


def my_work_items(user: Any) -> list[WorkItem]:
    """The "My work" provider: one item per running term the user is responsible for."""
    return [
        WorkItem(
            title=row.title,
            url=row.url,
            module=module_name(row.owner_type),
            kind=display_label(row.label),
            due=due_day(row),
        )
        for row in my_deadlines(user=user)
    ]


def unit_deadlines(
    *, user: Any, unit: Any = None, overdue_only: bool = True, now: dt.datetime | None = None
) -> QuerySet[TrackedDeadline]:
    """Running terms in the units the user heads or supervises: overdue ones, or also those approaching."""
    from eprok.core.calendar.access import deadlines_visible_to

    rows = deadlines_visible_to(user).filter(state=DeadlineState.OPEN)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    now = now or timezone.now()
    limit = now if overdue_only else now + dt.timedelta(days=settings.EPROK_DEADLINE_WARNING_DAYS)
    return rows.filter(ends_at__lte=limit).select_related("unit", "responsible").order_by("ends_at", "pk")


# --- alerts -------------------------------------------------------------------------------------------


def _alert(row: TrackedDeadline, level: int) -> None:
    from eprok.notifications.models import Level
    from eprok.notifications.services import notification_send

    if row.responsible is None or not row.responsible.is_active:
        return
    # Notifications are stored text: written in the service's default language.
    with translation.override(settings.LANGUAGE_CODE):
        label = display_label(row.label)
        if level == AlertLevel.OVERDUE:
            title = gettext("Overdue: %(label)s, %(title)s") % {"label": label, "title": row.title}
        else:
            title = gettext("Due soon: %(label)s, %(title)s") % {"label": label, "title": row.title}
        body = gettext("The term runs out at %(when)s.") % {
            "when": timezone.localtime(row.ends_at).strftime("%d.%m.%Y %H:%M")
        }
    notification_send(
        recipient=row.responsible,
        title=title,
        body=body,
        url=row.url,
        level=Level.WARNING if level == AlertLevel.APPROACHING else Level.ERROR,
        actor=None,
    )


def deadline_alerts(*, now: dt.datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Notify the responsible employee once when a term approaches and once when it runs out."""
    now = now or timezone.now()
    soon = now + dt.timedelta(days=settings.EPROK_DEADLINE_WARNING_DAYS)
    sent = {"approaching": 0, "overdue": 0}
    for level, horizon, name in (
        (AlertLevel.OVERDUE, now, "overdue"),
        (AlertLevel.APPROACHING, soon, "approaching"),
    ):
        while True:
            rows = list(
                TrackedDeadline.objects.filter(
                    state=DeadlineState.OPEN, ends_at__lte=horizon, alerted__lt=level
                )
                .select_related("responsible")
                .order_by("ends_at", "pk")[:batch]
            )
            if not rows:
                break
            for row in rows:
                with transaction.atomic():
                    _alert(row, level)
                    TrackedDeadline.objects.filter(pk=row.pk).update(alerted=level)
                sent[name] += 1
    return sent
