"""Every read of training events: the list with its filters, the event's card, and the listener's own
invitations. Each starts from `access.visible_to(user)`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone

from eprok.org.models import Unit, name_search_key
from eprok.training import access
from eprok.training.models import (
    Attendance,
    Evaluation,
    EventStatus,
    EventTrainer,
    Invitation,
    InvitationStatus,
    ThematicArea,
    ThematicPlan,
    TrainingEvent,
)


@dataclass(frozen=True)
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    area: ThematicArea | None = None
    kind: str = ""
    status: str = ""
    q: str = ""  # words of the title or topic
    trainer: str = ""  # a trainer's name: an employee's or an external expert's
    organiser: Unit | None = None
    include_subunits: bool = False  # with `organiser`: its sub-units' events too
    listener: str = ""  # an invited employee: login or words of the name

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> EventFilters:
        return cls(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            area=data.get("area"),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            q=(data.get("q") or "").strip(),
            trainer=(data.get("trainer") or "").strip(),
            organiser=data.get("organiser"),
            include_subunits=bool(data.get("include_subunits")),
            listener=(data.get("listener") or "").strip(),
        )

    def as_data(self) -> dict[str, Any]:
        """The filters as plain values (for the audit record of an export)."""
        return {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "area": self.area.code if self.area else "",
            "kind": self.kind,
            "status": self.status,
            "q": self.q,
            "trainer": self.trainer,
            "organiser": self.organiser.code if self.organiser else "",
            "include_subunits": self.include_subunits,
            "listener": self.listener,
        }


# Upper-case letters folded before LOWER(): the Azerbaijani ones (LOWER() on SQLite folds ASCII only),
# both I's and the dotless ı to a plain i, and the Cyrillic schwa, as `name_search_key` folds the words.
_FOLDS = (
    ("İ", "i"),
    ("I", "i"),
    ("ı", "i"),
    ("Ə", "ə"),
    ("Ә", "ə"),
    ("ә", "ə"),
    ("Ç", "ç"),
    ("Ş", "ş"),
    ("Ğ", "ğ"),
    ("Ö", "ö"),
    ("Ü", "ü"),
)


def _folded(field: str) -> Any:
    """`field` folded in the database the way `name_search_key` folds the searched words."""
    text = TextField()
    expression: Any = F(field)
    for letter, replacement in _FOLDS:
        expression = Replace(
            expression, Value(letter, output_field=text), Value(replacement, output_field=text)
        )
    return Lower(expression, output_field=text)


def _words(text: str) -> list[str]:
    return name_search_key(text).split()


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(*, user: Any, filters: EventFilters | None = None) -> QuerySet[TrainingEvent]:
    """The events the user may see, newest first, filtered by period, area, kind, status, words of the
    title or topic (Azerbaijani letter case: "İSTİNTAQ" finds "istintaq"), trainer, organiser unit (± its
    sub-units) and invited listener."""
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
    if filters.q:
        events = events.alias(title_key=_folded("title"), topic_key=_folded("topic"))
        for word in _words(filters.q):
            events = events.filter(Q(title_key__contains=word) | Q(topic_key__contains=word))
    if filters.trainer:
        trainers = EventTrainer.objects.alias(external_key=_folded("external_name"))
        for word in _words(filters.trainer):
            trainers = trainers.filter(Q(employee__name_key__contains=word) | Q(external_key__contains=word))
        events = events.filter(pk__in=trainers.values("event_id"))
    if filters.organiser is not None:
        if filters.include_subunits:
            events = events.filter(organiser__path__startswith=filters.organiser.path)
        else:
            events = events.filter(organiser=filters.organiser)
    if filters.listener:
        invited = Invitation.objects.all()
        words = _words(filters.listener)
        by_name = Q()
        for word in words:
            by_name &= Q(employee__name_key__contains=word)
        invited = invited.filter(by_name | Q(employee__username__iexact=filters.listener))
        events = events.filter(pk__in=invited.values("event_id"))
    return (
        events.select_related("area", "organiser")
        .annotate(
            invited_count=Count("invitations", distinct=True),
            present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
        )
        .order_by("-starts_at", "-id")
    )


def event_export_rows(events: QuerySet[TrainingEvent]) -> Iterator[list[Any]]:
    """The list's events as export rows (the trainers' names in one cell; two queries in all)."""
    events = events.prefetch_related(
        Prefetch("trainers", queryset=EventTrainer.objects.select_related("employee"))
    )
    for event in events:
        yield [
            event.number,
            event.title,
            event.get_kind_display(),
            event.area.name,
            event.topic,
            event.organiser.name,
            event.starts_at,
            event.ends_at,
            event.get_format_display(),
            event.hours,
            "; ".join(trainer.name for trainer in event.trainers.all()),
            event.invited_count,  # type: ignore[attr-defined]
            event.present_count,  # type: ignore[attr-defined]
            event.get_status_display(),
        ]


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


# --- the listeners' evaluation ---------------------------------------------------------------------------


@dataclass
class EvaluationSummary:
    count: int
    averages: dict[str, float | None]  # by score field, and "overall"
    comments: list[str]  # without names, for the trainers
    rows: list[Evaluation]  # with names, for administrators


def evaluation_summary(*, event: TrainingEvent) -> EvaluationSummary:
    """The count and average marks of the event's evaluations, the comments, and the evaluations by name."""
    fields = ("content_score", "trainer_score", "organisation_score", "usefulness_score")
    aggregates = Evaluation.objects.filter(event=event).aggregate(
        count=Count("pk"), **{name: Avg(name) for name in fields}
    )
    count = int(aggregates.pop("count") or 0)
    averages: dict[str, float | None] = {
        name: (round(float(value), 2) if value is not None else None) for name, value in aggregates.items()
    }
    given = [value for value in averages.values() if value is not None]
    averages["overall"] = round(sum(given) / len(given), 2) if given else None
    rows = list(Evaluation.objects.filter(event=event).select_related("employee").order_by("pk"))
    comments = sorted(row.comment for row in rows if row.comment)  # sorted, so the order names nobody
    return EvaluationSummary(count=count, averages=averages, comments=comments, rows=rows)


def my_evaluation(*, user: Any, event: TrainingEvent) -> Evaluation | None:
    if not access.signed_in(user):
        return None
    return Evaluation.objects.filter(event=event, employee_id=user.pk).first()


# --- thematic plans --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFilters:
    year: int | None = None
    quarter: int | None = None
    unit: Unit | None = None
    status: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> PlanFilters:
        return cls(
            year=data.get("year"),
            quarter=int(data["quarter"]) if data.get("quarter") else None,
            unit=data.get("unit"),
            status=data.get("status") or "",
        )


def plan_list(*, user: Any, filters: PlanFilters | None = None) -> QuerySet[ThematicPlan]:
    """The plans the user may see, the latest quarter first, with their items counted."""
    filters = filters or PlanFilters()
    plans = access.plans_visible_to(user)
    if filters.year:
        plans = plans.filter(year=filters.year)
    if filters.quarter:
        plans = plans.filter(quarter=filters.quarter)
    if filters.unit is not None:
        plans = plans.filter(unit=filters.unit)
    if filters.status:
        plans = plans.filter(status=filters.status)
    return (
        plans.select_related("unit", "created_by")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-year", "-quarter", "unit__path", "pk")
    )


def plan_items(*, plan: ThematicPlan) -> list[Any]:
    """The plan's items with the events that carry them out (not cancelled), each marked `carried_out` when
    one of them is held."""
    live = TrainingEvent.objects.exclude(status=EventStatus.CANCELLED).order_by("starts_at")
    items = list(
        plan.items.select_related("area").prefetch_related(Prefetch("events", queryset=live, to_attr="live"))
    )
    for item in items:
        item.carried_out = any(event.status == EventStatus.HELD for event in item.live)  # type: ignore[attr-defined]
    return items
