"""The running terms of a criminal case, computed from the deadline rules kept as data.

- the investigation term (CPC art. 218): rule ``cpc.218.investigation.cat<N>`` by the gravity category of
  the main article, counted from the opening, extended under 218.6/218.7/218.8, with the periods of
  suspension not counted (218.5);
- the detention of a suspect (CPC art. 148): 48 hours from the moment of detention, extendable by the
  court by 48 more under 148.7 for the listed grave crimes;
- arrest and house arrest (CPC arts. 158-159): the court's term by category, extended under
  159.1/159.2/159.8; time already spent in detention counts into it (158.2);
- the supervising prosecutor's decision on the indictment (CPC art. 290.3): 5 days;
- superiors' instructions: the due date they set.

`refresh(case)` recomputes all of them from the rows, indexes each running one with
eprok.core.calendar.tracking under the keys "investigation", "measure-<id>", "instruction-<id>" and
"indictment", closes the ones that stopped, and stores the derived columns of the case.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, Extension, ExtensionRefused, Step, compute_deadline
from eprok.core.models import DeadlineRule, DeadlineState, DeadlineUnit, TrackedDeadline

from .models import (
    MEASURE_STATUSES,
    Case,
    CaseStatus,
    Instruction,
    MeasureKind,
    PreventiveMeasure,
    Suspension,
    TermExtension,
)

logger = logging.getLogger(__name__)

INVESTIGATION_RULE = "cpc.218.investigation.cat{category}"
ARREST_RULE = "cpc.158.arrest.cat{category}"
DETENTION_RULE = "cpc.148.detention"
INDICTMENT_RULE = "cpc.290.prosecutor_decision"
DETENTION_EXTENSION_STEP = "148.7"
# CPC art. 148.7: the court may extend the detention by up to 48 hours only for these crimes
# (references to an article, or to a part or clause of one).
DETENTION_EXTENSION_CRIMES: tuple[str, ...] = (
    "102",
    "114",
    "120.2.11",
    "169",
    "214",
    "214-1",
    "214-3",
    "215.3",
    "217",
    "218",
    "219",
    "219-1",
    "220",
    "274",
    "275",
    "276",
    "277",
    "279",
    "280",
    "282",
    "283-1",
)
CUSTODY_KINDS = frozenset({MeasureKind.DETENTION, MeasureKind.ARREST})
COURT_TERM_KINDS = frozenset({MeasureKind.ARREST, MeasureKind.HOUSE_ARREST})

INVESTIGATION_KEY = "investigation"
INDICTMENT_KEY = "indictment"

LABELS: dict[str, Any] = {
    INVESTIGATION_KEY: _("Investigation term"),
    INDICTMENT_KEY: _("Prosecutor's decision on the indictment"),
    "measure": _("Term of a preventive measure"),
    "instruction": _("Instruction"),
}

# Deadline rules are statutory reference data that change rarely; they are kept in the process for a
# few minutes so the case card does not read them on every request. `recompute()` starts afresh.
RULE_CACHE_SECONDS = 300
_RULES: dict[str, tuple[float, DeadlineRule]] = {}


def measure_key(measure_id: int) -> str:
    return f"measure-{measure_id}"


def instruction_key(instruction_id: int) -> str:
    return f"instruction-{instruction_id}"


def rule(code: str) -> DeadlineRule:
    now = time.monotonic()
    hit = _RULES.get(code)
    if hit is not None and now - hit[0] < RULE_CACHE_SECONDS:
        return hit[1]
    found = DeadlineRule.objects.get(code=code)
    _RULES[code] = (now, found)
    return found


def forget_rules() -> None:
    _RULES.clear()


def investigation_rule_code(category: int | None) -> str | None:
    return INVESTIGATION_RULE.format(category=category) if category else None


def arrest_rule_code(category: int | None) -> str | None:
    return ARREST_RULE.format(category=category) if category else None


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def as_extensions(rows: Iterable[TermExtension]) -> list[Extension]:
    return [Extension(length=row.length, step=row.step) for row in rows]


def suspension_periods(suspensions: Iterable[Suspension]) -> list[tuple[dt.date, dt.date]]:
    """The days not counted into the investigation term (CPC 218.5), from ended suspensions.

    The day of the decision to suspend and the day of the decision to resume are days of investigation
    and count; the days between them do not.
    """
    periods = []
    for suspension in sorted(suspensions, key=lambda s: (s.started_on, s.pk or 0)):
        if suspension.ended_on is None:
            continue
        first = suspension.started_on + dt.timedelta(days=1)
        last = suspension.ended_on - dt.timedelta(days=1)
        if first <= last:
            periods.append((first, last))
    return periods


def investigation_deadline(
    case: Case,
    *,
    extensions: Iterable[TermExtension],
    suspensions: Iterable[Suspension],
    extra: Sequence[Extension] = (),
) -> Deadline | None:
    """The investigation term with its explanation; None while the case has no gravity category.

    `extensions` are the case's rows (those of measures are skipped); `extra` adds one not yet stored, to
    test whether the rule allows it (ExtensionRefused otherwise).
    """
    code = investigation_rule_code(case.category)
    if code is None:
        return None
    granted = [*as_extensions(e for e in extensions if e.measure_id is None), *extra]
    return compute_deadline(
        rule(code), local_day(case.opened_at), extensions=granted, suspensions=suspension_periods(suspensions)
    )


def measure_deadline(
    measure: PreventiveMeasure,
    *,
    extensions: Iterable[TermExtension] | None = None,
    extra: Sequence[Extension] = (),
) -> Deadline | None:
    """The term of a measure that has one (detention, arrest, house arrest); None for the others."""
    if not measure.rule_code:
        return None
    found = rule(measure.rule_code)
    rows = measure.extensions.all() if extensions is None else extensions
    granted = [*as_extensions(rows), *extra]
    start = measure.term_started_at or measure.started_at
    event = ""
    if measure.term_started_at and measure.term_started_at != measure.started_at:
        event = gettext("Detention, counted into the term of the measure (CPC art. 158.2)")
    begin: dt.date = start if found.unit == DeadlineUnit.HOURS else local_day(start)
    return compute_deadline(found, begin, extensions=granted, start_event=event)


def _in_languages(message: Any, **params: Any) -> dict[str, str]:
    texts = {}
    for language in ("az", "en", "ru"):
        with translation.override(language):
            texts[language] = str(message) % params if params else str(message)
    return texts


def instruction_deadline(instruction: Instruction) -> Deadline:
    """The due date a superior set on an instruction (not a statutory term: no rule moves it)."""
    given = local_day(instruction.created_at) if instruction.created_at else timezone.localdate()
    length = max((instruction.due_date - given).days, 0)
    steps = (
        Step(
            "start",
            {
                "event": _in_languages(_("Instruction of a superior; the due date is set by its author")),
                "start": given,
                "length": length,
                "unit": DeadlineUnit.CALENDAR_DAYS,
            },
        ),
        Step("due", {"due": instruction.due_date}),
    )
    return Deadline(
        rule_code="instruction",
        unit=DeadlineUnit.CALENDAR_DAYS,
        start=given,
        due=instruction.due_date,
        total_length=length,
        steps=steps,
    )


def indictment_deadline(case: Case) -> Deadline | None:
    if case.indictment_submitted_at is None:
        return None
    return compute_deadline(rule(INDICTMENT_RULE), local_day(case.indictment_submitted_at))


def detention_extension_allowed(references: Iterable[str]) -> bool:
    """Whether the case is qualified under a crime for which 148.7 allows extending a detention."""
    for reference in references:
        for crime in DETENTION_EXTENSION_CRIMES:
            if reference == crime or reference.startswith(crime + "."):
                return True
    return False


# --- tracking ------------------------------------------------------------------------------------------


def _responsible(case: Case) -> Any:
    if case.status in (CaseStatus.INDICTMENT, CaseStatus.SENT_TO_COURT):
        return case.supervisor or case.investigator
    return case.investigator


def running_terms(case: Case) -> dict[str, tuple[Deadline, Any]]:
    """Every term that runs now, by tracking key, with its computed deadline and its label."""
    running: dict[str, tuple[Deadline, Any]] = {}
    extensions = list(TermExtension.objects.filter(case=case).order_by("created_at", "pk"))
    if case.status == CaseStatus.INVESTIGATION:
        suspensions = list(Suspension.objects.filter(case=case))
        deadline = investigation_deadline(case, extensions=extensions, suspensions=suspensions)
        if deadline is not None:
            running[INVESTIGATION_KEY] = (deadline, LABELS[INVESTIGATION_KEY])
    if case.status == CaseStatus.INDICTMENT:
        deadline = indictment_deadline(case)
        if deadline is not None:
            running[INDICTMENT_KEY] = (deadline, LABELS[INDICTMENT_KEY])
    if case.status in MEASURE_STATUSES:
        for measure in PreventiveMeasure.objects.filter(case=case, ended_at__isnull=True).exclude(
            rule_code=""
        ):
            own = [e for e in extensions if e.measure_id == measure.pk]
            deadline = measure_deadline(measure, extensions=own)
            if deadline is not None:
                label = f"{LABELS['measure']}: {measure.get_kind_display()}"
                running[measure_key(measure.pk)] = (deadline, label)
    if case.status in (CaseStatus.INVESTIGATION, CaseStatus.SUSPENDED):
        for instruction in Instruction.objects.filter(case=case, completed_at__isnull=True):
            running[instruction_key(instruction.pk)] = (
                instruction_deadline(instruction),
                LABELS["instruction"],
            )
    return running


def refresh(case: Case) -> None:
    """Recompute every running term of `case`, index them, close the stopped ones, store derived columns.

    Runs inside the caller's transaction (the case row is already locked by the service).
    """
    # Labels are composed in English and translated for each reader (eprok.core.calendar.tracking).
    with translation.override("en"):
        running = running_terms(case)
    open_keys = set(
        TrackedDeadline.objects.filter(
            owner_type=tracking.owner_type_of(case), owner_id=case.pk, state=DeadlineState.OPEN
        ).values_list("key", flat=True)
    )
    for key in sorted(open_keys - set(running)):
        tracking.deadline_close(owner=case, key=key)
    url = case.get_absolute_url()
    responsible = _responsible(case)
    for key, (deadline, label) in running.items():
        tracking.deadline_track(
            owner=case,
            key=key,
            deadline=deadline,
            unit=case.unit,
            responsible=responsible,
            title=case.number,
            label=label,
            url=url,
        )
    investigation = running.get(INVESTIGATION_KEY)
    soonest = min(running.items(), key=lambda item: (item[1][0].ends_at(), item[0]), default=None)
    case.investigation_due = investigation[0].due if investigation else None
    case.next_due_at = soonest[1][0].ends_at() if soonest else None
    case.next_due_key = soonest[0] if soonest else ""
    case.in_custody = (
        case.status in MEASURE_STATUSES
        and PreventiveMeasure.objects.filter(
            case=case, ended_at__isnull=True, kind__in=CUSTODY_KINDS
        ).exists()
    )
    Case.objects.filter(pk=case.pk).update(
        investigation_due=case.investigation_due,
        next_due_at=case.next_due_at,
        next_due_key=case.next_due_key,
        in_custody=case.in_custody,
    )


def next_deadline(case: Case) -> Deadline | None:
    """The soonest running term of the case with its explanation (for the card's header): 0-2 queries."""
    key = case.next_due_key
    if not key or case.next_due_at is None:
        return None
    try:
        if key == INVESTIGATION_KEY:
            return investigation_deadline(
                case,
                extensions=TermExtension.objects.filter(case=case, measure__isnull=True).order_by(
                    "created_at", "pk"
                ),
                suspensions=Suspension.objects.filter(case=case),
            )
        if key == INDICTMENT_KEY:
            return indictment_deadline(case)
        kind, _sep, raw_id = key.partition("-")
        if not raw_id.isdigit():
            return None
        if kind == "measure":
            measure = (
                PreventiveMeasure.objects.filter(case=case, pk=int(raw_id))
                .prefetch_related("extensions")
                .first()
            )
            return measure_deadline(measure) if measure is not None else None
        if kind == "instruction":
            instruction = Instruction.objects.filter(case=case, pk=int(raw_id)).first()
            return instruction_deadline(instruction) if instruction is not None else None
    except (DeadlineRule.DoesNotExist, ExtensionRefused):
        logger.warning("Cannot explain term %s of case %s", key, case.number)
    return None


@dataclass(frozen=True)
class StoredDue:
    """The soonest running term as the case row stores it: what the card's header shows without a query.

    Its explanation (the rows and the rule it is computed from) is loaded when the reader opens it.
    """

    label: Any
    due: dt.date  # the last day of a term in days or months; the moment (a datetime) of a term in hours
    ends_at: dt.datetime

    @property
    def due_is_moment(self) -> bool:
        return isinstance(self.due, dt.datetime)

    @property
    def is_overdue(self) -> bool:
        return timezone.now() >= self.ends_at


def stored_next_due(case: Case) -> StoredDue | None:
    """The case's `next_due_at` as a due date: a term in days ends at the midnight after its last day."""
    if not case.next_due_key or case.next_due_at is None:
        return None
    local = timezone.localtime(case.next_due_at)
    due: dt.date = case.next_due_at
    if local.time() == dt.time.min:
        due = local.date() - dt.timedelta(days=1)
    return StoredDue(label=next_label(case), due=due, ends_at=case.next_due_at)


def next_label(case: Case) -> Any:
    key = case.next_due_key
    if key.startswith("measure-"):
        return LABELS["measure"]
    if key.startswith("instruction-"):
        return LABELS["instruction"]
    return LABELS.get(key, "")


def recompute() -> int:
    """The recomputer registered with eprok.core.calendar.tracking: re-track every case whose terms run."""
    forget_rules()
    count = 0
    cases = Case.objects.filter(status__in=MEASURE_STATUSES).select_related(
        "unit", "investigator", "supervisor"
    )
    for case in cases.iterator(chunk_size=200):
        try:
            with transaction.atomic():
                refresh(case)
        except (DeadlineRule.DoesNotExist, ExtensionRefused):
            logger.exception("Cannot recompute the terms of case %s", case.number)
            continue
        count += 1
    # Terms of cases that no longer run anything (completed in a way that left a row open) are closed.
    finished = Case.objects.exclude(status__in=MEASURE_STATUSES).values("pk")
    TrackedDeadline.objects.filter(
        owner_type=Case._meta.label_lower, owner_id__in=finished, state=DeadlineState.OPEN
    ).update(state=DeadlineState.CLOSED, closed_at=timezone.now())
    return count
