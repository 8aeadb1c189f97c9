"""Detention and preventive measures with their clocks (CPC arts. 148, 153-164)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.core.calendar.deadlines import Extension, may_grant_extension
from eprok.core.errors import Conflict, ValidationFailed
from eprok.persons.models import PartyRole

from .. import access, terms
from ..models import (
    MEASURE_STATUSES,
    ActKind,
    Case,
    CaseParty,
    MeasureKind,
    PreventiveMeasure,
    Qualification,
    TermExtension,
)
from ._base import (
    audit,
    author_of,
    check_moment,
    local_day,
    locked,
    optional_text,
    require_open,
    require_text,
    save,
    write_act,
)

# Measures chosen by a court (CPC art. 154.2): the court's decision must be cited.
COURT_KINDS = frozenset({MeasureKind.ARREST, MeasureKind.HOUSE_ARREST, MeasureKind.BAIL})
# A person may be detained up to 24 hours before the case is opened (CPC art. 148.4).
PRE_CASE_DETENTION = dt.timedelta(hours=24)
REASON_LENGTH = 300


def _party(party: CaseParty, case: Case) -> CaseParty:
    row = CaseParty.objects.select_related("person").filter(pk=party.pk, case=case).first()
    if row is None:
        message = _("Choose a party of this case.")
        raise ValidationFailed(message, details={"party": str(message)})
    if row.until is not None:
        raise Conflict(_("The person no longer takes part in the case in this role."), code="party_ended")
    return row


def _running(measure: PreventiveMeasure, case: Case) -> PreventiveMeasure:
    row = PreventiveMeasure.objects.select_related("party__person").filter(pk=measure.pk, case=case).first()
    if row is None or row.ended_at is not None:
        raise Conflict(_("The measure is no longer running."), code="measure_ended")
    return row


def _measure_data(measure: PreventiveMeasure) -> dict[str, Any]:
    return {
        "measure": measure.pk,
        "kind": measure.kind,
        "person": str(measure.party.person.public_id),
        "started_at": measure.started_at.isoformat(),
        "due_at": measure.due_at.isoformat() if measure.due_at else None,
    }


def _store_due(measure: PreventiveMeasure, extensions: list[TermExtension] | None = None) -> None:
    deadline = terms.measure_deadline(measure, extensions=extensions)
    measure.due_at = deadline.ends_at() if deadline is not None else None
    measure.save(update_fields=["due_at", "updated_at"])


def measure_apply(
    *,
    actor: Any,
    case: Case,
    party: CaseParty,
    kind: str,
    started_at: dt.datetime | None = None,
    court_decision: str = "",
    expected_version: int | None = None,
) -> PreventiveMeasure:
    """Detain a suspect (48 hours, CPC 148) or apply a preventive measure (CPC 154) to a suspect or accused.

    Arrest and house arrest run for the court's term by the case's gravity category (CPC 158.1); an
    arrest that follows a detention counts the time in detention (158.2) and ends the detention.
    """
    access.require(actor, case, "edit")
    if kind not in MeasureKind.values:
        message = _("Choose the measure from the list.")
        raise ValidationFailed(message, details={"kind": str(message)})
    court_decision = optional_text(court_decision, "court_decision", max_length=200)
    if kind in COURT_KINDS and not court_decision:
        message = _("Cite the court's decision (court, date, number) that chose this measure.")
        raise ValidationFailed(message, details={"court_decision": str(message)})
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        party = _party(party, case)
        if kind == MeasureKind.DETENTION and party.role != PartyRole.SUSPECT:
            message = _("Only a suspect is detained (CPC art. 148); change the person's status first.")
            raise ValidationFailed(message, details={"party": str(message)})
        if party.role not in (PartyRole.SUSPECT, PartyRole.ACCUSED):
            message = _("Preventive measures are applied to a suspect or an accused person.")
            raise ValidationFailed(message, details={"party": str(message)})
        earliest = case.opened_at - PRE_CASE_DETENTION if kind == MeasureKind.DETENTION else case.opened_at
        started_at = check_moment(started_at, "started_at", not_before=earliest)
        active = list(
            PreventiveMeasure.objects.filter(case=case, party__person=party.person, ended_at__isnull=True)
        )
        detention = next((m for m in active if m.kind == MeasureKind.DETENTION), None)
        if kind == MeasureKind.DETENTION and active:
            raise Conflict(
                _("The person is already detained or under a preventive measure."), code="measure_running"
            )
        if any(m.kind != MeasureKind.DETENTION for m in active):
            raise Conflict(
                _("A preventive measure is already running for the person; end it before choosing another."),
                code="measure_running",
            )
        rule_code = ""
        if kind == MeasureKind.DETENTION:
            rule_code = terms.DETENTION_RULE
        elif kind in terms.COURT_TERM_KINDS:
            rule_code = terms.arrest_rule_code(case.category) or ""
            if not rule_code:
                raise Conflict(
                    _("Qualify the case before choosing arrest: its term depends on the gravity."),
                    code="no_category",
                )
        term_started_at = started_at
        author = author_of(actor, case)
        if detention is not None:
            if started_at < detention.started_at:
                message = _("The measure cannot start before the detention it replaces.")
                raise ValidationFailed(message, details={"started_at": str(message)})
            if kind in terms.COURT_TERM_KINDS:
                term_started_at = min(detention.term_started_at or detention.started_at, started_at)
            detention.ended_at = started_at
            detention.end_reason = str(_("Replaced by: %(measure)s") % {"measure": MeasureKind(kind).label})[
                :REASON_LENGTH
            ]
            detention.save(update_fields=["ended_at", "end_reason", "updated_at"])
        measure = PreventiveMeasure.objects.create(
            case=case,
            party=party,
            kind=kind,
            started_at=started_at,
            term_started_at=term_started_at,
            rule_code=rule_code,
            court_decision=court_decision,
            recorded_by=author,
        )
        _store_due(measure, [])
        write_act(
            case,
            kind=ActKind.MEASURE,
            title=_("%(measure)s: %(name)s")
            % {"measure": MeasureKind(kind).label, "name": party.person.display_name},
            act_date=local_day(started_at),
            author=author,
            event="measure.applied",
            body=court_decision,
            party=party,
        )
        save(case)
        terms.refresh(case)
        audit(
            actor,
            "measure",
            "applied",
            case,
            data={**_measure_data(measure), "replaced": detention.pk if detention is not None else None},
        )
    return measure


def measure_extend(
    *,
    actor: Any,
    measure: PreventiveMeasure,
    step: str,
    length: int,
    reason: str,
    decision_reference: str,
    expected_version: int | None = None,
) -> TermExtension:
    """Record the court's extension of a detention (148.7) or an arrest (159.1, 159.2, 159.8).

    The step must be one of the rule's, granted by a holder of the step's role; the rule's per-step and
    overall legal maxima are enforced (ExtensionRefused), and 148.7 only for the crimes it lists.
    """
    case = measure.case
    access.require(actor, case, "supervise")
    if not measure.rule_code:
        raise Conflict(_("This measure has no term to extend."), code="no_term")
    rule = terms.rule(measure.rule_code)
    if step not in {str(s.get("key", "")) for s in (rule.extension_steps or [])}:
        message = _("Choose an extension step of the rule.")
        raise ValidationFailed(message, details={"step": str(message)})
    if actor is not None and not may_grant_extension(actor, rule, step, case.unit):
        access.deny_case(actor, case, action="extend_measure")
    if length < 1:
        message = _("An extension must have a positive length.")
        raise ValidationFailed(message, details={"length": str(message)})
    reason = require_text(reason, "reason", _("State the reasons for the extension."))
    decision_reference = require_text(
        decision_reference,
        "decision_reference",
        _("Cite the court's decision on the extension."),
        max_length=200,
    )
    with transaction.atomic():
        case = locked(case, expected_version)
        if case.status not in MEASURE_STATUSES:
            require_open(case)
        measure = _running(measure, case)
        if step == terms.DETENTION_EXTENSION_STEP:
            references = Qualification.objects.filter(case=case, ended_on__isnull=True).values_list(
                "reference", flat=True
            )
            if not terms.detention_extension_allowed(references):
                raise Conflict(
                    _(
                        "A detention may be extended under CPC art. 148.7 only in cases of the grave crimes "
                        "that article lists."
                    ),
                    code="extension_not_allowed",
                )
        existing = list(measure.extensions.all())
        before = measure.due_at
        terms.measure_deadline(measure, extensions=existing, extra=[Extension(length=length, step=step)])
        extension = TermExtension.objects.create(
            case=case,
            measure=measure,
            step=step,
            length=length,
            reason=reason,
            decision_reference=decision_reference,
            granted_by=author_of(actor, case),
        )
        _store_due(measure, [*existing, extension])
        write_act(
            case,
            kind=ActKind.MEASURE,
            title=_("Term of %(measure)s extended (%(source)s): %(name)s")
            % {
                "measure": measure.get_kind_display(),
                "source": next(
                    (s.get("source") for s in rule.extension_steps if str(s.get("key")) == step), step
                ),
                "name": measure.party.person.display_name,
            },
            act_date=local_day(extension.created_at),
            author=author_of(actor, case),
            event="measure.extended",
            body=f"{decision_reference}\n{reason}",
            party=measure.party,
        )
        save(case)
        terms.refresh(case)
        audit(
            actor,
            "measure",
            "extended",
            case,
            data={
                **_measure_data(measure),
                "step": step,
                "length": length,
                "due_before": before.isoformat() if before else None,
            },
        )
    return extension


def measure_end(
    *,
    actor: Any,
    measure: PreventiveMeasure,
    reason: str,
    ended_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> PreventiveMeasure:
    """End a detention or a measure (release, change or cancellation); its clock stops."""
    case = measure.case
    if actor is not None and not (access.can_edit(actor, case) or access.can_supervise(actor, case)):
        access.deny_case(actor, case, action="end_measure")
    reason = require_text(reason, "reason", _("State why the measure ends."), max_length=REASON_LENGTH)
    with transaction.atomic():
        case = locked(case, expected_version)
        measure = _running(measure, case)
        ended_at = check_moment(ended_at, "ended_at", not_before=measure.started_at)
        measure.ended_at = ended_at
        measure.end_reason = reason
        measure.save(update_fields=["ended_at", "end_reason", "updated_at"])
        write_act(
            case,
            kind=ActKind.MEASURE,
            title=_("%(measure)s ended: %(name)s")
            % {"measure": measure.get_kind_display(), "name": measure.party.person.display_name},
            act_date=local_day(ended_at),
            author=author_of(actor, case),
            event="measure.ended",
            body=reason,
            party=measure.party,
        )
        save(case)
        terms.refresh(case)
        audit(actor, "measure", "ended", case, data={**_measure_data(measure), "reason": reason})
    return measure


def end_running_measures(case: Case, *, reason: str, at: dt.datetime) -> list[int]:
    """End every running measure of a case that closes (termination, referral); returns their ids."""
    running = list(PreventiveMeasure.objects.filter(case=case, ended_at__isnull=True))
    for measure in running:
        measure.ended_at = max(at, measure.started_at)
        measure.end_reason = reason[:REASON_LENGTH]
        measure.save(update_fields=["ended_at", "end_reason", "updated_at"])
    return [m.pk for m in running]
