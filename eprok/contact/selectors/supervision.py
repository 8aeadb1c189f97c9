"""The supervisor's view of a centre: calls waiting in the queue, calls missed today, each operator's load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from eprok.contact.models import Call, Callback, CallbackStatus, CallStatus
from eprok.contact.selectors.calls import day_start, operator_choices
from eprok.org.models import Unit

QUEUE_LIMIT = 50


@dataclass
class OperatorLoad:
    employee_id: int | None
    name: str
    taken_today: int = 0
    handled_seconds: list[int] = field(default_factory=list)
    open_callbacks: int = 0
    overdue_callbacks: int = 0

    @property
    def average_handling(self) -> dt.timedelta | None:
        if not self.handled_seconds:
            return None
        return dt.timedelta(seconds=round(sum(self.handled_seconds) / len(self.handled_seconds)))


@dataclass
class Board:
    unit: Unit
    queue: list[Call]
    missed_today: list[Call]
    loads: list[OperatorLoad]
    overdue_callbacks: list[Callback]

    @property
    def taken_today(self) -> int:
        return sum(load.taken_today for load in self.loads)


def supervisor_board(*, unit: Unit, now: dt.datetime | None = None) -> Board:
    """The queue and the load of the operators of `unit` today (five queries, whatever the volume)."""
    now = now or timezone.now()
    today = day_start(timezone.localtime(now).date())
    queue = list(
        Call.objects.filter(unit=unit, status=CallStatus.OFFERED).order_by("offered_at", "pk")[:QUEUE_LIMIT]
    )
    missed = list(
        Call.objects.filter(unit=unit, status=CallStatus.MISSED, offered_at__gte=today).order_by(
            "-offered_at", "-pk"
        )[:QUEUE_LIMIT]
    )
    operators = operator_choices(unit=unit)
    loads: dict[int | None, OperatorLoad] = {
        employee.pk: OperatorLoad(employee_id=employee.pk, name=employee.full_name) for employee in operators
    }
    taken = Call.objects.filter(unit=unit, operator__isnull=False, answered_at__gte=today).values_list(
        "operator_id", "operator__last_name", "operator__first_name", "answered_at", "ended_at"
    )
    for operator_id, last, first, answered, ended in taken:
        load = loads.setdefault(
            operator_id, OperatorLoad(employee_id=operator_id, name=f"{last} {first}".strip())
        )
        load.taken_today += 1
        if answered and ended and ended >= answered:
            load.handled_seconds.append(int((ended - answered).total_seconds()))
    counts = (
        Callback.objects.filter(call__unit=unit, status=CallbackStatus.OPEN)
        .values("assignee_id", "assignee__last_name", "assignee__first_name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
        .order_by()
    )
    for row in counts:
        load = loads.setdefault(
            row["assignee_id"],
            OperatorLoad(
                employee_id=row["assignee_id"],
                name=f"{row['assignee__last_name']} {row['assignee__first_name']}".strip(),
            ),
        )
        load.open_callbacks = row["open"]
        load.overdue_callbacks = row["overdue"]
    overdue = list(
        Callback.objects.filter(call__unit=unit, status=CallbackStatus.OPEN, due_at__lt=now)
        .select_related("call", "assignee")
        .order_by("due_at", "pk")[:QUEUE_LIMIT]
    )
    ordered = sorted(loads.values(), key=lambda load: (-load.taken_today, -load.overdue_callbacks, load.name))
    return Board(unit=unit, queue=queue, missed_today=missed, loads=ordered, overdue_callbacks=overdue)


def board_for(*, user: Any, unit: Unit) -> Board:
    """The board of a unit the user supervises (the view checks it first)."""
    return supervisor_board(unit=unit)
