"""Every read of state prosecution in court: the register, the card, the prosecutor's hearings calendar, the
hearings of the calendar feed and the per-unit overview — always from access.visible_to(user)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from . import access
from .models import (
    CalendarFeed,
    Court,
    Decision,
    Hearing,
    HearingStatus,
    Proceeding,
    ProceedingStatus,
)

CALENDAR_WEEKS = 4
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 365


@dataclass(frozen=True)
class ProceedingFilters:
    status: str = ""
    court: Court | None = None
    prosecutor_id: int | None = None
    instance: str = ""
    upcoming: bool = False  # only those with a scheduled hearing ahead
    mine: bool = False

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> ProceedingFilters:
        prosecutor = data.get("prosecutor")
        return cls(
            status=data.get("status") or "",
            court=data.get("court"),
            prosecutor_id=getattr(prosecutor, "pk", prosecutor) or None,
            instance=data.get("instance") or "",
            upcoming=bool(data.get("upcoming")),
            mine=bool(data.get("mine")),
        )


def proceeding_list(*, user: Any, filters: ProceedingFilters | None = None) -> QuerySet[Proceeding]:
    """The proceedings the user may see, newest first, each with its next scheduled hearing."""
    filters = filters or ProceedingFilters()
    now = timezone.now()
    rows = access.visible_to(user).select_related("court", "unit", "prosecutor", "case", "supervised")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.court is not None:
        rows = rows.filter(court=filters.court)
    if filters.prosecutor_id:
        rows = rows.filter(prosecutor_id=filters.prosecutor_id)
    if filters.mine:
        rows = rows.filter(prosecutor_id=user.pk)
    if filters.instance:
        rows = rows.filter(instance=filters.instance)
    rows = rows.annotate(
        next_hearing=Min(
            "hearings__starts_at",
            filter=Q(hearings__status=HearingStatus.SCHEDULED, hearings__starts_at__gte=now),
        )
    )
    if filters.upcoming:
        return rows.filter(next_hearing__isnull=False).order_by("next_hearing", "id")
    return rows.order_by("-sent_on", "-id")


@dataclass
class ProceedingCard:
    proceeding: Proceeding
    hearings: list[Hearing]
    positions: list[Any]
    decisions: list[Decision]
    appeals: list[Any]
    can_act: bool
    term_decision: Decision | None = None
    next_hearing: Hearing | None = None


def proceeding_card(*, user: Any, key: Any) -> ProceedingCard:
    """One proceeding with its hearings, positions, decisions and appeals (a handful of queries)."""
    proceeding = access.get_proceeding_for(user, key)
    hearings = list(proceeding.hearings.all())
    positions = list(proceeding.positions.select_related("author"))
    decisions = list(proceeding.decisions.prefetch_related(Prefetch("appeals")))
    appeals = [appeal for decision in decisions for appeal in decision.appeals.all()]
    appeals.sort(key=lambda appeal: (appeal.filed_on, appeal.pk))
    with_term = [decision for decision in decisions if decision.appeal_rule]
    now = timezone.now()
    upcoming = [h for h in hearings if h.status == HearingStatus.SCHEDULED and h.starts_at >= now]
    return ProceedingCard(
        proceeding=proceeding,
        hearings=hearings,
        positions=positions,
        decisions=decisions,
        appeals=appeals,
        can_act=access.can_act(user, proceeding),
        term_decision=with_term[-1] if with_term else None,
        next_hearing=upcoming[0] if upcoming else None,
    )


@dataclass
class CalendarDay:
    day: dt.date
    hearings: list[Hearing] = field(default_factory=list)


def _prosecuted_hearings(user: Any) -> QuerySet[Hearing]:
    return Hearing.objects.filter(proceeding__prosecutor_id=user.pk).select_related(
        "proceeding__court", "proceeding__case", "proceeding__supervised"
    )


def hearings_calendar(
    *, user: Any, start: dt.date | None = None, weeks: int = CALENDAR_WEEKS
) -> list[CalendarDay]:
    """The hearings of the proceedings the user prosecutes in the coming weeks, by day (days with any)."""
    start = start or timezone.localdate()
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    end = begin + dt.timedelta(weeks=weeks)
    by_day: dict[dt.date, list[Hearing]] = defaultdict(list)
    for hearing in (
        _prosecuted_hearings(user).filter(starts_at__gte=begin, starts_at__lt=end).order_by("starts_at", "id")
    ):
        by_day[timezone.localtime(hearing.starts_at).date()].append(hearing)
    return [CalendarDay(day=day, hearings=items) for day, items in sorted(by_day.items())]


def feed_user(token: str) -> Any:
    """The owner of a calendar feed token, or None (unknown token, inactive account)."""
    from .services import token_hash

    if not token or len(token) > 200:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def has_feed(user: Any) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


def feed_hearings(*, user: Any, now: dt.datetime | None = None) -> list[Hearing]:
    """The hearings of the feed: the proceedings the user prosecutes, the last 30 days and the next 365."""
    now = now or timezone.now()
    return list(
        _prosecuted_hearings(user)
        .filter(
            starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS),
            starts_at__lte=now + dt.timedelta(days=FEED_FUTURE_DAYS),
        )
        .order_by("starts_at", "id")
    )


@dataclass
class UnitOverviewRow:
    unit_name: str
    counts: dict[str, int]
    total: int
    upcoming_hearings: int


def unit_overview(*, user: Any) -> list[UnitOverviewRow]:
    """Per unit: the visible proceedings by status and the hearings scheduled in the coming weeks."""
    now = timezone.now()
    rows = (
        access.visible_to(user)
        .values("unit__id", "unit__name_az", "unit__name_en", "unit__name_ru", "status")
        .annotate(count=Count("id"))
        .order_by("unit__name_az")
    )
    from django.utils.translation import get_language

    lang = (get_language() or "az")[:2]
    units: dict[int, UnitOverviewRow] = {}
    for row in rows:
        name = str(row.get(f"unit__name_{lang}") or row["unit__name_az"])
        entry = units.setdefault(
            row["unit__id"], UnitOverviewRow(name, {s: 0 for s in ProceedingStatus.values}, 0, 0)
        )
        entry.counts[row["status"]] = row["count"]
        entry.total += row["count"]
    upcoming = (
        Hearing.objects.filter(
            proceeding__in=access.visible_to(user).values("pk"),
            status=HearingStatus.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + dt.timedelta(weeks=CALENDAR_WEEKS),
        )
        .values("proceeding__unit_id")
        .annotate(count=Count("id"))
    )
    for unit_id, count in upcoming.values_list("proceeding__unit_id", "count"):
        if unit_id in units:
            units[unit_id].upcoming_hearings = count
    return list(units.values())


def courts(*, level: str = "") -> QuerySet[Court]:
    rows = Court.objects.filter(is_active=True)
    return rows.filter(level=level) if level else rows
