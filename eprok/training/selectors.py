"""Every read of training events: the list with its filters, the event's card, and the listener's own
invitations. Each starts from `access.visible_to(user)`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from eprok.training import access
from eprok.training.models import (
    Attendance,
    EventStatus,
    EventTrainer,
    Invitation,
    InvitationStatus,
    ThematicArea,
    TrainingEvent,
)


@dataclass(frozen=True)
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    area: ThematicArea | None = None
    kind: str = ""
    status: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> EventFilters:
        return cls(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            area=data.get("area"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
        )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(*, user: Any, filters: EventFilters | None = None) -> QuerySet[TrainingEvent]:
    """The events the user may see, newest first, filtered by period, area, kind and status."""
    filters = filters or EventFilters()
    events = access.visible_to(user)
    if filters.date_from:
        events = events.filter(ends_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(starts_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.area is not None:
        events = events.filter(area=filters.area)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    if filters.status:
        events = events.filter(status=filters.status)
    return (
        events.select_related("area", "organiser")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
        )
        .order_by("-starts_at", "-id")
    )


@dataclass
class EventCard:
    event: TrainingEvent
    trainers: list[EventTrainer]
    invitations: list[Invitation]
    attendance: dict[int, Attendance]
    counts: dict[str, int]
    present: int


def event_card(*, event: TrainingEvent) -> EventCard:
    """The event's trainers, invitations with their answers counted, and attendance by listener."""
    trainers = list(event.trainers.select_related("employee"))
    invitations = list(
        event.invitations.select_related("employee", "employee__unit").order_by(
            "employee__last_name", "employee__first_name", "pk"
        )
    )
    attendance = {row.employee_id: row for row in Attendance.objects.filter(event=event)}
    for invitation in invitations:
        invitation.mark = attendance.get(invitation.employee_id)  # type: ignore[attr-defined]
    tally = Counter(invitation.status for invitation in invitations)
    counts = {status: tally.get(status, 0) for status in InvitationStatus.values}
    counts["total"] = len(invitations)
    return EventCard(
        event=event,
        trainers=trainers,
        invitations=invitations,
        attendance=attendance,
        counts=counts,
        present=sum(1 for row in attendance.values() if row.present),
    )


def my_invitations(*, user: Any) -> list[Invitation]:
    """The user's invitations to events that are not drafts, upcoming first, then the past ones."""
    if not access.signed_in(user):
        return []
    present = Attendance.objects.filter(employee_id=user.pk, present=True)
    invitations = (
        Invitation.objects.filter(employee_id=user.pk)
        .exclude(event__status=EventStatus.DRAFT)
        .select_related("event", "event__area", "event__organiser")
        .prefetch_related(Prefetch("event__attendances", queryset=present, to_attr="my_attendance"))
        .order_by("-event__starts_at", "-pk")
    )
    return list(invitations)


def my_taught_events(*, user: Any) -> QuerySet[TrainingEvent]:
    if not access.signed_in(user):
        return TrainingEvent.objects.none()
    return (
        TrainingEvent.objects.filter(trainers__employee_id=user.pk)
        .select_related("area", "organiser")
        .order_by("-starts_at")
        .distinct()
    )
