"""The deadline engine: a rule kept as data + a start moment -> the due date and why.

Time limits follow the Criminal Procedure Code (Cinayət-Prosessual Məcəlləsi), art. 202: the hour or day
on which a term begins is not counted; a term in days ends at midnight of its last day; a term in
months ends on the same date of the last month (or that month's last day when it has no such date);
and a term whose last day is a non-working day ends on the next working day (202.3). The same rules
serve the Law on citizens' appeals, whose terms are in working days.

Terms in hours run from the recorded moment of the start event and are never moved by non-working
days: a detention clock does not stop at the weekend (see docs/decisions/0007).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from eprok.core.calendar import workdays
from eprok.core.errors import ApplicationError, ValidationFailed
from eprok.core.models import DeadlineUnit

__all__ = [
    "Deadline",
    "Extension",
    "ExtensionRefused",
    "add_months",
    "compute_deadline",
    "format_length",
    "may_grant_extension",
]


class ExtensionRefused(ApplicationError):
    code = "extension_not_allowed"
    status = 422
    default_message = gettext_lazy("The extension is not allowed by the rule.")


class Rule(Protocol):
    """What the engine reads from a rule; eprok.core.models.DeadlineRule provides it."""

    code: str
    legal_source: str
    unit: str
    length: int
    extension_steps: Any
    max_total_length: int | None
    suspendable: bool

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Extension:
    """An extension granted on a term: `length` in the rule's unit, under the rule's step `step` (its key)."""

    length: int
    step: str = ""


@dataclass(frozen=True)
class Step:
    """One line of a deadline's explanation: a kind and its parameters (dates as date objects)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


def format_length(count: int, unit: str) -> str:
    if unit == DeadlineUnit.HOURS:
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    if unit == DeadlineUnit.WORKING_DAYS:
        return ngettext("%(count)d working day", "%(count)d working days", count) % {"count": count}
    if unit == DeadlineUnit.MONTHS:
        return ngettext("%(count)d month", "%(count)d months", count) % {"count": count}
    return ngettext("%(count)d calendar day", "%(count)d calendar days", count) % {"count": count}


def _date(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _moment(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _when(value: dt.date) -> str:
    return _moment(value) if isinstance(value, dt.datetime) else _date(value)


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, workdays.DayInfo):
        return value.as_dict()
    if isinstance(value, list | tuple):
        return [_iso(item) for item in value]
    return value


@dataclass(frozen=True)
class Deadline:
    """A computed due date and the steps that led to it."""

    rule_code: str
    unit: str
    start: dt.date
    due: dt.date  # a datetime for terms in hours; otherwise the last day (the term ends at its midnight)
    total_length: int
    steps: tuple[Step, ...]

    @property
    def due_is_moment(self) -> bool:
        return isinstance(self.due, dt.datetime)

    def ends_at(self) -> dt.datetime:
        """The moment the term runs out: the due time, or midnight at the end of the due day."""
        if isinstance(self.due, dt.datetime):
            return self.due
        midnight = dt.datetime.combine(self.due + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(midnight)

    @property
    def is_overdue(self) -> bool:
        """Whether the term has run out by now."""
        return timezone.now() >= self.ends_at()

    def explain_lines(self) -> list[str]:
        """The explanation as sentences in the interface language."""
        return [_render(step) for step in self.steps]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule_code,
            "unit": self.unit,
            "start": _iso(self.start),
            "due": _iso(self.due),
            "total_length": self.total_length,
            "steps": [
                {"kind": step.kind, **{k: _iso(v) for k, v in step.params.items()}} for step in self.steps
            ],
        }


def _pick(value: Any) -> str:
    """A text kept in the three languages ({"az":..., "en":..., "ru":...}) in the interface language."""
    if not isinstance(value, dict):
        return str(value or "")
    from django.utils.translation import get_language

    lang = (get_language() or "az")[:2]
    return str(value.get(lang) or value.get("az") or "")


def _languages(source: Any, prefix: str) -> dict[str, str]:
    """{"az", "en", "ru"} from the attributes or keys `<prefix>_az`, `<prefix>_en`, `<prefix>_ru`."""
    get = source.get if isinstance(source, dict) else lambda key, default="": getattr(source, key, default)
    return {lang: str(get(f"{prefix}_{lang}", "") or "") for lang in ("az", "en", "ru")}


def _render(step: Step) -> str:
    p = step.params
    kind = step.kind
    if kind == "rule":
        return _("Rule: %(name)s (%(source)s).") % {"name": _pick(p["name"]), "source": p["source"]}
    if kind == "start":
        return _("Start: %(event)s, %(when)s; term %(length)s.") % {
            "event": _pick(p["event"]),
            "when": _when(p["start"]),
            "length": format_length(p["length"], p["unit"]),
        }
    if kind == "extension":
        return _("Extension by %(length)s (%(source)s; granted by: %(authority)s).") % {
            "length": format_length(p["length"], p["unit"]),
            "source": p["source"] or "—",
            "authority": _pick(p["authority"]) or "—",
        }
    if kind == "total":
        return _("Total term with extensions: %(length)s.") % {
            "length": format_length(p["length"], p["unit"])
        }
    if kind == "hours_from_moment":
        return _(
            "The term in hours runs from the recorded moment of the start event and is not moved by "
            "non-working days."
        )
    if kind == "start_not_counted":
        return _("The starting day (%(day)s) is not counted (CPC art. 202).") % {"day": _date(p["day"])}
    if kind == "months_same_date":
        return _("A term in months ends on the same date of its last month (CPC art. 202): %(day)s.") % {
            "day": _date(p["day"])
        }
    if kind == "month_end_clamp":
        return _("That month has no such date, so the term ends on the last day of the month: %(day)s.") % {
            "day": _date(p["day"])
        }
    if kind == "suspension":
        return _("Suspended from %(start)s to %(end)s: %(length)s not counted.") % {
            "start": _when(p["from"]),
            "end": _when(p["to"]),
            "length": format_length(p["length"], p["unit"]),
        }
    if kind == "skipped":
        return _("Not counted as a working day: %(day)s — %(reason)s.") % {
            "day": _date(p["day"].date),
            "reason": p["day"].describe(),
        }
    if kind == "weekends_skipped":
        return ngettext(
            "%(count)d weekly rest day not counted.", "%(count)d weekly rest days not counted.", p["count"]
        ) % {"count": p["count"]}
    if kind == "last_day":
        return _("The last day of the term would be %(day)s.") % {"day": _date(p["day"])}
    if kind == "shifted":
        days = "; ".join(f"{_date(info.date)} — {info.describe()}" for info in p["days"])
        return _(
            "The last day is not a working day (%(days)s), so the term ends on the next working day, "
            "%(due)s (CPC art. 202.3)."
        ) % {"days": days, "due": _date(p["due"])}
    if kind == "due":
        if isinstance(p["due"], dt.datetime):
            return _("Due: %(due)s.") % {"due": _moment(p["due"])}
        return _("Due: %(due)s, until the end of the day.") % {"due": _date(p["due"])}
    return kind


# --- arithmetic ---------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> tuple[dt.date, bool]:
    """The same date `months` later, clamped to the month's last day; and whether it was clamped."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last)), day.day > last


def _steps_of(rule: Rule) -> dict[str, dict[str, Any]]:
    return {str(step.get("key", "")): step for step in (rule.extension_steps or [])}


def _check_extensions(rule: Rule, extensions: Sequence[Extension]) -> int:
    steps = _steps_of(rule)
    used: Counter[str] = Counter()
    for extension in extensions:
        if extension.length <= 0:
            raise ValidationFailed(_("An extension must have a positive length."), code="extension_invalid")
        if not steps:
            raise ExtensionRefused(_("This term cannot be extended."))
        if extension.step:
            step = steps.get(extension.step)
            if step is None:
                raise ExtensionRefused(
                    _("The rule has no extension step %(step)s.") % {"step": extension.step},
                    details={"step": extension.step},
                )
            used[extension.step] += extension.length
            if used[extension.step] > int(step.get("max_total", step.get("length", 0))):
                raise ExtensionRefused(
                    _("Under %(source)s the term may be extended by at most %(length)s.")
                    % {
                        "source": step.get("source") or extension.step,
                        "length": format_length(int(step.get("max_total", 0)), rule.unit),
                    },
                    details={"step": extension.step},
                )
    added = sum(extension.length for extension in extensions)
    cap = rule.max_total_length or rule.length + sum(int(s.get("max_total", 0)) for s in steps.values())
    if rule.length + added > cap:
        raise ExtensionRefused(
            _("With the extensions the term would be %(total)s; the legal maximum is %(cap)s.")
            % {"total": format_length(rule.length + added, rule.unit), "cap": format_length(cap, rule.unit)},
            details={"maximum": cap},
        )
    return added


def _local_day(start: dt.date) -> dt.date:
    if isinstance(start, dt.datetime):
        return timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    return start


def _suspended_days(suspensions: Sequence[tuple[dt.date, dt.date]]) -> set[dt.date]:
    days: set[dt.date] = set()
    for start, end in suspensions:
        day, last = _local_day(start), _local_day(end)
        if last < day:
            raise ValidationFailed(_("A suspension cannot end before it starts."), code="suspension_invalid")
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def _count_days(
    start_day: dt.date, total: int, *, working: bool, suspended: set[dt.date], steps: list[Step]
) -> dt.date:
    """Walk forward from the day after `start_day` until `total` countable days have passed."""
    day, counted, weekends = start_day, 0, 0
    while counted < total:
        day += dt.timedelta(days=1)
        if day in suspended:
            continue
        if working:
            info = workdays.day_info(day)
            if not info.working:
                if all(reason.kind == workdays.ReasonKind.WEEKEND for reason in info.reasons):
                    weekends += 1
                else:
                    steps.append(Step("skipped", {"day": info}))
                continue
        counted += 1
    if weekends:
        steps.append(Step("weekends_skipped", {"count": weekends}))
    return day


def _add_suspensions_to_months(raw_end: dt.date, start_day: dt.date, suspended: set[dt.date]) -> dt.date:
    """Move a month term's end by the suspended days that fall inside the (growing) term."""
    end, counted = raw_end, set[dt.date]()
    while True:
        inside = {day for day in suspended if start_day < day <= end} - counted
        if not inside:
            return end
        counted |= inside
        end += dt.timedelta(days=len(inside))


def compute_deadline(
    rule: Rule,
    start: dt.date,
    *,
    extensions: Sequence[Extension] = (),
    suspensions: Sequence[tuple[dt.date, dt.date]] = (),
    start_event: str = "",
) -> Deadline:
    """The due date of `rule` started at `start`, with extensions and suspensions, and its explanation.

    `start` is a datetime (required for terms in hours) or a date. Suspensions are (from, to) pairs,
    inclusive days for day and month terms, moments for terms in hours. Raises ExtensionRefused for an
    extension beyond the rule's steps or legal maximum, ValidationFailed for malformed input.
    """
    unit = rule.unit
    if unit not in DeadlineUnit.values:
        raise ValidationFailed(_("Unknown unit of time."), code="unit_invalid")
    if suspensions and not rule.suspendable:
        raise ValidationFailed(_("This term cannot be suspended."), code="not_suspendable")
    added = _check_extensions(rule, extensions)
    total = rule.length + added
    event: Any = start_event or _languages(rule, "start_event")
    steps: list[Step] = [
        Step("rule", {"code": rule.code, "name": _languages(rule, "name"), "source": rule.legal_source}),
        Step("start", {"event": event, "start": start, "length": rule.length, "unit": unit}),
    ]
    steps_by_key = _steps_of(rule)
    for extension in extensions:
        step = steps_by_key.get(extension.step, {})
        steps.append(
            Step(
                "extension",
                {
                    "length": extension.length,
                    "unit": unit,
                    "step": extension.step,
                    "source": str(step.get("source", "")),
                    "authority": _languages(step, "authority") if step else "",
                },
            )
        )
    if extensions:
        steps.append(Step("total", {"length": total, "unit": unit}))

    if unit == DeadlineUnit.HOURS:
        return _hours_deadline(rule, start, total, suspensions, steps)

    start_day = _local_day(start)
    suspended = _suspended_days(suspensions)
    for begin, end in suspensions:
        inside = {day for day in _suspended_days([(begin, end)]) if day > start_day}
        steps.append(
            Step(
                "suspension",
                {"from": begin, "to": end, "length": len(inside), "unit": DeadlineUnit.CALENDAR_DAYS},
            )
        )
    if unit == DeadlineUnit.MONTHS:
        raw_end, clamped = add_months(start_day, total)
        steps.append(Step("month_end_clamp" if clamped else "months_same_date", {"day": raw_end}))
        raw_end = _add_suspensions_to_months(raw_end, start_day, suspended)
    else:
        steps.append(Step("start_not_counted", {"day": start_day}))
        raw_end = _count_days(
            start_day, total, working=unit == DeadlineUnit.WORKING_DAYS, suspended=suspended, steps=steps
        )
    due = raw_end
    if not workdays.is_working_day(raw_end):
        steps.append(Step("last_day", {"day": raw_end}))
        due = workdays.next_working_day(raw_end)
        days = workdays.non_working_days(raw_end, due - dt.timedelta(days=1))
        steps.append(Step("shifted", {"days": days, "due": due}))
    steps.append(Step("due", {"due": due}))
    return Deadline(
        rule_code=rule.code, unit=unit, start=start, due=due, total_length=total, steps=tuple(steps)
    )


def _hours_deadline(
    rule: Rule,
    start: dt.date,
    total: int,
    suspensions: Sequence[tuple[dt.date, dt.date]],
    steps: list[Step],
) -> Deadline:
    if not isinstance(start, dt.datetime):
        raise ValidationFailed(
            _("A term in hours needs the start time, not only the date."), code="start_invalid"
        )
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    steps.append(Step("hours_from_moment"))
    due = start + dt.timedelta(hours=total)
    for begin, end in sorted(suspensions, key=lambda pair: pair[0]):
        if not isinstance(begin, dt.datetime) or not isinstance(end, dt.datetime) or end < begin:
            raise ValidationFailed(_("A suspension of a term in hours needs its start and end time."))
        begin, end = max(begin, start), end
        if begin >= due or end <= begin:
            continue
        stopped = end - begin
        due += stopped
        hours = int(stopped.total_seconds() // 3600)
        steps.append(
            Step("suspension", {"from": begin, "to": end, "length": hours, "unit": DeadlineUnit.HOURS})
        )
    steps.append(Step("due", {"due": due}))
    return Deadline(
        rule_code=rule.code, unit=rule.unit, start=start, due=due, total_length=total, steps=tuple(steps)
    )


def may_grant_extension(user: Any, rule: Rule, step_key: str, unit: Any = None) -> bool:
    """Whether `user` holds the role the rule's extension step names (over `unit` when given)."""
    from eprok.org.grants import has_role

    step = _steps_of(rule).get(step_key)
    if step is None or not step.get("role"):
        return False
    return has_role(user, str(step["role"]), unit)
