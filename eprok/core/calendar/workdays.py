"""The Azerbaijani working calendar: is a day a working day, and if not, why.

Sources, in the order they apply:

1. Saturday and Sunday are weekly rest days (five-day working week).
2. The `holidays` package (country "AZ"), verified against holidays_az.md for 2024-2026: the non-working
   holidays of the Labour Code (Əmək Məcəlləsi) art. 105.1-105.2; the national mourning day of art. 106
   (never transferred); voting days (art. 105-1); rest days transferred under art. 105.5 (a holiday on a
   weekly rest day moves the rest day to the next working day) and art. 105.6 (a bayram on another
   holiday); and the Cabinet of Ministers' day swaps under art. 105.7, including the rest days that
   the swaps turn into working days (the package only names those in a label; we derive them).
3. `CalendarDay` rows entered by administrators, which win over both: new Cabinet decisions, official
   bayram dates that differ from the package's estimate, voting days.

The merged calendar of a year is cached in the process; services invalidate it on change and it expires
after EPROK_CALENDAR_CACHE_SECONDS (default 300) so that other app servers pick the change up too.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import holidays
from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# The package version whose Azerbaijani calendar the tests compare with holidays_az.md.
PACKAGE_VERSION_VERIFIED = "0.109"

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
DEFAULT_CACHE_SECONDS = 300


class ReasonKind(models.TextChoices):
    WEEKEND = "weekend", gettext_lazy("Weekly rest day")
    HOLIDAY = "holiday", gettext_lazy("Holiday")
    MOURNING = "mourning", gettext_lazy("National mourning day")
    VOTING = "voting", gettext_lazy("Voting day")
    TRANSFERRED = "transferred", gettext_lazy("Transferred rest day")
    BAYRAM_COLLISION = "bayram_collision", gettext_lazy("Rest day for a bayram on another holiday")
    CABINET_SWAP = "cabinet_swap", gettext_lazy("Rest day by Cabinet decision")
    CABINET_WORKING = "cabinet_working", gettext_lazy("Working day by Cabinet decision")
    OVERRIDE_NON_WORKING = "override_non_working", gettext_lazy("Non-working day set by an administrator")
    OVERRIDE_WORKING = "override_working", gettext_lazy("Working day set by an administrator")


WORKING_KINDS = frozenset({ReasonKind.CABINET_WORKING, ReasonKind.OVERRIDE_WORKING})

LEGAL_SOURCES: dict[str, Any] = {
    ReasonKind.WEEKEND: gettext_lazy("Labour Code: five-day working week"),
    ReasonKind.HOLIDAY: gettext_lazy("Labour Code, art. 105.1-105.2"),
    ReasonKind.MOURNING: gettext_lazy("Labour Code, art. 106"),
    ReasonKind.VOTING: gettext_lazy("Labour Code, art. 105-1"),
    ReasonKind.TRANSFERRED: gettext_lazy("Labour Code, art. 105.5"),
    ReasonKind.BAYRAM_COLLISION: gettext_lazy("Labour Code, art. 105.6"),
    ReasonKind.CABINET_SWAP: gettext_lazy("Labour Code, art. 105.7; Cabinet of Ministers decision"),
    ReasonKind.CABINET_WORKING: gettext_lazy("Labour Code, art. 105.7; Cabinet of Ministers decision"),
}

# The package's Azerbaijani holiday names -> (correct Azerbaijani spelling, English, Russian).
HOLIDAY_NAMES: dict[str, tuple[str, str, str]] = {
    "Yeni il bayramı": ("Yeni il bayramı", "New Year", "Новый год"),
    "Ümumxalq hüzn günü": ("Ümumxalq hüzn günü", "National Mourning Day", "День всенародной скорби"),
    "Qadınlar günü": ("Qadınlar günü", "Women's Day", "Женский день"),
    "Novruz bayramı": ("Novruz bayramı", "Novruz", "Новруз байрамы"),
    "Faşizm üzərində qələbə günü": (
        "Faşizm üzərində qələbə günü",
        "Victory over Fascism Day",
        "День Победы над фашизмом",
    ),
    "Müstəqillik Günü": ("Müstəqillik Günü", "Independence Day", "День независимости"),
    "Respublika Günü": ("Respublika Günü", "Republic Day", "День Республики"),
    "Azərbaycan xalqının milli qurtuluş günü": (
        "Azərbaycan xalqının milli qurtuluş günü",
        "National Salvation Day",
        "День национального спасения азербайджанского народа",
    ),
    "Azərbaycan Respublikasının Silahlı Qüvvələri günü": (
        "Azərbaycan Respublikasının Silahlı Qüvvələri günü",
        "Armed Forces Day",
        "День Вооружённых сил",
    ),
    "Milli Müstəqillik Günü": ("Milli Müstəqillik Günü", "National Independence Day", "День независимости"),
    "Zəfər Günü": ("Zəfər Günü", "Victory Day", "День Победы"),
    "Azərbaycan Respublikasının Dövlət bayrağı günü": (
        "Azərbaycan Respublikasının Dövlət bayrağı günü",
        "National Flag Day",
        "День Государственного флага",
    ),
    "Dünya azərbaycanlılarının həmrəyliyi günü": (
        "Dünya azərbaycanlılarının həmrəyliyi günü",
        "World Azerbaijanis Solidarity Day",
        "День солидарности азербайджанцев мира",
    ),
    "Ramazan bayrami": ("Ramazan bayramı", "Ramadan Bayram (Eid al-Fitr)", "Рамазан байрамы"),
    "Qurban bayrami": ("Qurban bayramı", "Gurban Bayram (Eid al-Adha)", "Гурбан байрамы"),
    "Prezidenti seçkiləri": ("Prezident seçkiləri", "Presidential election", "Президентские выборы"),
    "Bələdiyyə seçkiləri": ("Bələdiyyə seçkiləri", "Municipal elections", "Муниципальные выборы"),
}
MOURNING_NAME = "Ümumxalq hüzn günü"
ELECTION_NAMES = frozenset({"Prezidenti seçkiləri", "Bələdiyyə seçkiləri"})
# Qurban and Ramazan: the bayrams of art. 105.6.
BAYRAM_NAMES = frozenset({"Ramazan bayrami", "Qurban bayrami"})

_ESTIMATED = re.compile(r"^(?P<name>.*) \(təxmini\)$")
_OBSERVED = re.compile(r"^(?P<name>.*) \(müşahidə olunur(?P<estimated>, təxmini)?\)$")
_SUBSTITUTED = re.compile(r"^İstirahət günü \((?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4}) ")


def _format_date(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class DayReason:
    """One reason why a day is (or, for the working kinds, despite appearances is not) a rest day."""

    kind: str
    name_az: str = ""
    name_en: str = ""
    name_ru: str = ""
    # transferred: the holiday that fell on a rest day; swap: the day made working; working: the new rest day
    origin: dt.date | None = None
    legal_source: str = ""  # entered with an override; package reasons use LEGAL_SOURCES
    estimated: bool = False  # a bayram date the package estimates, not yet officially announced

    @property
    def is_working(self) -> bool:
        return self.kind in WORKING_KINDS

    @property
    def name(self) -> str:
        lang = (get_language() or "az")[:2]
        return {"en": self.name_en, "ru": self.name_ru}.get(lang, "") or self.name_az

    @property
    def source(self) -> str:
        return self.legal_source or str(LEGAL_SOURCES.get(self.kind, ""))

    def describe(self) -> str:
        """The reason as a sentence in the interface language."""
        params = {"name": self.name, "origin": _format_date(self.origin) if self.origin else ""}
        kind = self.kind
        if kind == ReasonKind.WEEKEND:
            text = _("weekly rest day")
        elif kind == ReasonKind.HOLIDAY:
            text = _("%(name)s (non-working holiday)") % params
        elif kind == ReasonKind.MOURNING:
            text = _("%(name)s (non-working day; not transferred when it falls on a rest day)") % params
        elif kind == ReasonKind.VOTING:
            text = _("%(name)s (voting day)") % params
        elif kind == ReasonKind.TRANSFERRED and self.origin:
            text = _("rest day transferred from %(origin)s, when %(name)s fell on a weekly rest day") % params
        elif kind == ReasonKind.BAYRAM_COLLISION and self.origin:
            text = _("rest day transferred from %(origin)s, when %(name)s coincided with another holiday") % (
                params
            )
        elif kind == ReasonKind.TRANSFERRED:
            text = _("%(name)s (transferred rest day)") % params
        elif kind == ReasonKind.CABINET_SWAP:
            text = _("rest day moved here from %(origin)s by a Cabinet of Ministers decision") % params
        elif kind == ReasonKind.CABINET_WORKING:
            text = _(
                "working day: its rest day was moved to %(origin)s by a Cabinet of Ministers decision"
            ) % (params)
        elif kind == ReasonKind.OVERRIDE_WORKING:
            text = _("%(name)s (working day set by an administrator)") % params
        else:
            text = _("%(name)s (non-working day set by an administrator)") % params
        if self.estimated:
            text = _("%(text)s; the date is estimated, not yet officially announced") % {"text": text}
        source = self.source
        return f"{text} — {source}" if source else text

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": {"az": self.name_az, "en": self.name_en, "ru": self.name_ru},
            "origin": self.origin.isoformat() if self.origin else None,
            "legal_source": self.source,
            "estimated": self.estimated,
        }


@dataclass(frozen=True)
class DayInfo:
    """A day and the reasons for its status (empty for an ordinary working day)."""

    date: dt.date
    working: bool
    reasons: tuple[DayReason, ...] = ()

    def describe(self) -> str:
        return "; ".join(reason.describe() for reason in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "working": self.working,
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


def _named(kind: str, package_name: str, **kwargs: Any) -> DayReason:
    az, en, ru = HOLIDAY_NAMES.get(package_name, (package_name, package_name, package_name))
    return DayReason(kind=kind, name_az=az, name_en=en, name_ru=ru, **kwargs)


# --- the package layer (pure, cached for the life of the process) -----------------------------------


@functools.lru_cache(maxsize=32)
def _package_names(year: int, observed: bool) -> dict[dt.date, tuple[str, ...]]:
    calendar = holidays.country_holidays("AZ", years=year, language="az", observed=observed)
    return {day: tuple(calendar.get_list(day)) for day in sorted(calendar) if day.year == year}


def _strip_estimated(label: str) -> tuple[str, bool]:
    match = _ESTIMATED.match(label)
    return (match["name"], True) if match else (label, False)


def _rest_between(start: dt.date, end: dt.date, rest_days: set[dt.date]) -> bool:
    """Whether every day strictly between `start` and `end` is a rest day (`end` is the next working day)."""
    day = start + dt.timedelta(days=1)
    while day < end:
        if day.weekday() not in WEEKEND and day not in rest_days:
            return False
        day += dt.timedelta(days=1)
    return True


@dataclass
class _PackageYear:
    rest: dict[dt.date, tuple[DayReason, ...]] = field(default_factory=dict)
    working: dict[dt.date, DayReason] = field(default_factory=dict)


def _swaps(year: int) -> list[tuple[dt.date, dt.date]]:
    """(new rest day, day made working) for the Cabinet swaps listed in `year`."""
    found = []
    for day, labels in _package_names(year, True).items():
        for label in labels:
            match = _SUBSTITUTED.match(label)
            if match:
                found.append((day, dt.date(int(match["year"]), int(match["month"]), int(match["day"]))))
    return found


@functools.lru_cache(maxsize=32)
def package_year(year: int) -> _PackageYear:
    """The package's rest days of `year` with their reasons, and the days its Cabinet swaps make working."""
    result = _PackageYear()
    names = _package_names(year, True)
    previous = _package_names(year - 1, True)
    raw = {**_package_names(year - 1, False), **_package_names(year, False)}
    rest_days = set(names) | set(previous)
    # Transferred days grouped by the holiday they come from, matched to their origins below.
    transferred: dict[str, list[dt.date]] = {}
    reasons: dict[dt.date, list[DayReason]] = {}
    for day, labels in names.items():
        for label in labels:
            observed = _OBSERVED.match(label)
            if observed:
                transferred.setdefault(observed["name"], []).append(day)
                continue
            base, estimated = _strip_estimated(label)
            substituted = _SUBSTITUTED.match(base)
            if substituted:
                made_working = dt.date(
                    int(substituted["year"]), int(substituted["month"]), int(substituted["day"])
                )
                reason = DayReason(kind=ReasonKind.CABINET_SWAP, origin=made_working)
            elif base in ELECTION_NAMES:
                reason = _named(ReasonKind.VOTING, base)
            elif base == MOURNING_NAME:
                reason = _named(ReasonKind.MOURNING, base)
            else:
                reason = _named(ReasonKind.HOLIDAY, base, estimated=estimated)
            reasons.setdefault(day, []).append(reason)

    for name, days in transferred.items():
        origins = sorted(
            day for day, labels in raw.items() if name in {_strip_estimated(label)[0] for label in labels}
        )
        # Art. 105.5 transfers are made first, then art. 105.6 (as the package does).
        on_rest_day = [day for day in origins if day.weekday() in WEEKEND]
        collisions = [
            day
            for day in origins
            if day.weekday() not in WEEKEND and name in BAYRAM_NAMES and len(raw.get(day, ())) > 1
        ]
        used: set[dt.date] = set()
        for day in sorted(days):
            kind: str = ReasonKind.TRANSFERRED
            origin: dt.date | None = None
            for candidates, candidate_kind in (
                (on_rest_day, ReasonKind.TRANSFERRED),
                (collisions, ReasonKind.BAYRAM_COLLISION),
            ):
                found = next(
                    (o for o in candidates if o < day and o not in used and _rest_between(o, day, rest_days)),
                    None,
                )
                if found is not None:
                    kind, origin = candidate_kind, found
                    used.add(found)
                    break
            estimated = any(_strip_estimated(label)[1] for label in raw.get(origin, ())) if origin else False
            reasons.setdefault(day, []).append(_named(kind, name, origin=origin, estimated=estimated))

    result.rest = {day: tuple(found) for day, found in sorted(reasons.items())}
    for swapped_year in (year, year + 1):
        for new_rest_day, made_working in _swaps(swapped_year):
            if made_working.year == year:
                result.working[made_working] = DayReason(kind=ReasonKind.CABINET_WORKING, origin=new_rest_day)
    return result


# --- the merged calendar (package + administrators' overrides), cached per year --------------------


@dataclass(frozen=True)
class YearCalendar:
    year: int
    rest: dict[dt.date, tuple[DayReason, ...]]  # non-working days other than plain weekends
    working: dict[dt.date, tuple[DayReason, ...]]  # days that work despite a weekend or a package holiday


_cache: dict[int, tuple[float, YearCalendar]] = {}
_cache_lock = threading.Lock()


def _cache_seconds() -> float:
    return float(getattr(settings, "EPROK_CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def invalidate(year: int | None = None) -> None:
    """Forget the cached calendar of `year` (or of every year)."""
    with _cache_lock:
        if year is None:
            _cache.clear()
        else:
            _cache.pop(year, None)


def _override_reason(row: Any) -> DayReason:
    kind = ReasonKind.OVERRIDE_WORKING if row.kind == "working" else ReasonKind.OVERRIDE_NON_WORKING
    return DayReason(
        kind=kind,
        name_az=row.name_az,
        name_en=row.name_en,
        name_ru=row.name_ru,
        legal_source=row.legal_source,
    )


def _build_year(year: int) -> YearCalendar:
    from eprok.core.models import CalendarDay

    base = package_year(year)
    rest: dict[dt.date, tuple[DayReason, ...]] = dict(base.rest)
    working: dict[dt.date, tuple[DayReason, ...]] = {day: (reason,) for day, reason in base.working.items()}
    for day in working:
        rest.pop(day, None)  # a Cabinet decision that makes a day working wins over the package's list
    overrides = CalendarDay.objects.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    for row in overrides:
        reason = _override_reason(row)
        if reason.is_working:
            rest.pop(row.date, None)
            working[row.date] = (reason,)
        else:
            working.pop(row.date, None)
            rest[row.date] = (reason, *rest.get(row.date, ()))
    return YearCalendar(year=year, rest=rest, working=working)


def year_calendar(year: int) -> YearCalendar:
    now = time.monotonic()
    with _cache_lock:
        entry = _cache.get(year)
    if entry is not None and now - entry[0] < _cache_seconds():
        return entry[1]
    calendar = _build_year(year)
    with _cache_lock:
        _cache[year] = (now, calendar)
    return calendar


# --- the questions the rest of the system asks ---------------------------------------------------------


def _as_date(day: dt.date) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


def day_info(day: dt.date) -> DayInfo:
    """The status of `day` with every reason for it."""
    day = _as_date(day)
    calendar = year_calendar(day.year)
    if day in calendar.working:
        return DayInfo(date=day, working=True, reasons=calendar.working[day])
    reasons = calendar.rest.get(day, ())
    if day.weekday() in WEEKEND:
        reasons = (DayReason(kind=ReasonKind.WEEKEND), *reasons)
    return DayInfo(date=day, working=not reasons, reasons=reasons)


def is_working_day(day: dt.date) -> bool:
    day = _as_date(day)
    calendar = year_calendar(day.year)
    if day in calendar.working:
        return True
    return day.weekday() not in WEEKEND and day not in calendar.rest


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    day = _as_date(day) + dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_day_on_or_after(day: dt.date) -> dt.date:
    day = _as_date(day)
    return day if is_working_day(day) else next_working_day(day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The day on which `count` working days after `day` are complete (`day` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = _as_date(day)
    for _step in range(count):
        day = next_working_day(day)
    return day


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = _as_date(start)
    while day <= _as_date(end):
        yield day
        day += dt.timedelta(days=1)


def non_working_days(start: dt.date, end: dt.date) -> list[DayInfo]:
    """Every non-working day from `start` to `end` inclusive, with its reasons."""
    return [info for info in (day_info(day) for day in _days(start, end)) if not info.working]


def notable_days(year: int) -> list[DayInfo]:
    """The days of `year` that differ from an ordinary week: holidays, transfers, swaps, working weekends."""
    calendar = year_calendar(year)
    days = sorted(set(calendar.rest) | set(calendar.working))
    return [day_info(day) for day in days]
