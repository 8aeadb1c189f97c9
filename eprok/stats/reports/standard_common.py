"""What the standard reports share: reading their parameters (period, unit) into a `Frame`, the filter that
keeps every figure inside the chosen unit's subtree and the user's statistics scope, and the expression
that sorts records into the chosen unit's children (each child with its whole subtree).

These reports read the live registers (appeals, hotline reports, crime reports, cases, supervised cases,
training attendance), not the statistical cards: their figures are as of the moment they are built.
"States at the end of the period" (open, overdue, pending) are taken at the reference day: the last day
of the period, or today when the period has not ended yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.access import deny
from eprok.core.errors import ValidationFailed
from eprok.org.models import Unit

from .. import access
from ..selectors import PeriodError, check_period
from ..tables import Report, Row, Table

LIVE_NOTE = _(
    "Figures are read from the live registers at the moment the report was built, not from the "
    "statistical cards; building it again later may give other figures for the same period."
)
AS_OF_NOTE = _(
    "The “figures as of” moment does not apply to this report: it always reads the registers as they "
    "stand now."
)
REFERENCE_NOTE = _(
    "States at the end of the period (open, overdue, pending) are taken at the end of the last day of "
    "the period, or now when the period has not ended yet."
)


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_date(field: str) -> TruncDate:
    """The local calendar day of a moment column (a term is met when the day is not after the due date)."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _date(params: dict[str, Any], key: str, default: dt.date) -> dt.date:
    value = params.get(key)
    if value in (None, ""):
        return default
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        message = _("Enter a valid date.")
        raise ValidationFailed(message, details={key: str(message)}) from None


@dataclass(frozen=True)
class Frame:
    """A standard report's parameters, checked: the user, the unit, the period and the moment of reading."""

    user: Any
    unit: Unit
    start: dt.date
    end: dt.date
    now: dt.datetime
    as_of_asked: bool = False

    @property
    def start_at(self) -> dt.datetime:
        return day_start(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period."""
        return day_start(self.end + dt.timedelta(days=1))

    @property
    def ref_day(self) -> dt.date:
        """The day states are taken on: the last day of the period, or today if it has not ended."""
        return min(self.end, timezone.localdate(self.now))

    @property
    def ref_at(self) -> dt.datetime:
        """The first moment after the reference day."""
        return day_start(self.ref_day + dt.timedelta(days=1))

    def within(self, field: str) -> Q:
        """`field` (a moment) falls in the period."""
        return Q(**{f"{field}__gte": self.start_at, f"{field}__lt": self.end_at})

    def scope(self, unit_field: str) -> Q:
        """Records whose `unit_field` lies in the chosen unit's subtree and in the user's statistics scope."""
        return access.record_scope(self.user, unit_field) & Q(
            **{f"{unit_field}__path__startswith": self.unit.path}
        )

    def children(self) -> list[Unit]:
        """The chosen unit's children inside the user's scope (one query), in the tree's order."""
        return list(access.units_in_scope(self.user).filter(parent=self.unit).order_by("sort_order", "path"))

    def params(self, **extra: Any) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "unit": self.unit.code, **extra}

    def link(self, unit: Unit) -> str:
        """The same report for `unit` (a child of the chosen unit): the drill-down of a row."""
        return "?" + urlencode(self.params(unit=unit.code))

    def report(self, code: str, title: Any, tables: list[Table], notes: tuple[Any, ...] = ()) -> Report:
        return Report(
            code=code,
            title=title,
            unit_name=self.unit.name,
            period=(self.start, self.end),
            as_of=self.now,
            tables=tables,
            params=self.params(),
            notes=[LIVE_NOTE, *([AS_OF_NOTE] if self.as_of_asked else []), REFERENCE_NOTE, *notes],
        )


def frame(user: Any, params: dict[str, Any]) -> Frame:
    """The checked parameters: 404 (audited) without "View statistics" or for a unit outside the scope;
    ValidationFailed for a malformed date or an inverted period. Default: this year up to today, the top
    unit of the user's scope."""
    access.require_view(user, action="report")
    today = timezone.localdate()
    start = _date(params, "start", today.replace(month=1, day=1))
    end = _date(params, "end", today)
    try:
        check_period(start, end)
    except PeriodError:
        message = _("The period ends before it starts: the last day must not be earlier than the first.")
        raise ValidationFailed(message, details={"end": str(message)}) from None
    code = params.get("unit")
    if code:
        unit = access.unit_for(user, str(code))
    else:
        tops = access.top_units(user)
        if not tops:  # a grant on a removed unit
            deny(user, action="report", target_type="stats.report", target_key="unit", visible=False)
        unit = tops[0]
    return Frame(
        user=user, unit=unit, start=start, end=end, now=timezone.now(), as_of_asked=bool(params.get("as_of"))
    )


def bucket(unit_field: str, unit: Unit, children: list[Unit]) -> Case:
    """The child of `unit` whose subtree holds the record's `unit_field` (its pk), else `unit`'s own pk."""
    whens = [
        When(**{f"{unit_field}__path__startswith": child.path}, then=Value(child.pk)) for child in children
    ]
    return Case(*whens, default=Value(unit.pk), output_field=IntegerField())


def own_label(unit: Unit) -> Any:
    return str(_("%(unit)s (own records)") % {"unit": unit.name})


def unit_rows(
    frame: Frame,
    children: list[Unit],
    values: dict[int, dict[str, Any]],
    label_key: str,
    cells: Any,
) -> list[Row]:
    """One row per child (linked to its own report), then the chosen unit's own records when it has any
    or has no children; `cells(figures)` turns a unit's figures into the row's cells."""
    rows = [
        Row(cells={label_key: child.name, **cells(values.get(child.pk, {}))}, link=frame.link(child))
        for child in children
    ]
    own = values.get(frame.unit.pk, {})
    if not children or any(own.values()):
        rows.append(
            Row(cells={label_key: own_label(frame.unit) if children else frame.unit.name, **cells(own)})
        )
    return rows


TOTAL = _("Total")
