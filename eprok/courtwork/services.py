"""Every write of state prosecution in court: opening a proceeding, hearings, positions and motions, court
decisions with their appeal and cassation terms from the shared deadline engine, appeals and protests,
the entry into force, the sweep of expired terms and the prosecutor's calendar feed.

Each service checks access, locks the proceeding's row (optimistic version check), changes rows in one
transaction, records an audit event "courtwork.<entity>.<verb>" and notifies after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, compute_deadline
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import lock_row
from eprok.core.models import DeadlineRule
from eprok.stats.models import SubjectType
from eprok.stats.services import record as stats_record

from . import access
from .models import (
    TRANSITIONS,
    AppealFiling,
    AppealKind,
    AppealOutcome,
    AppealParty,
    CalendarFeed,
    Court,
    Decision,
    DecisionKind,
    Hearing,
    HearingStatus,
    Instance,
    MotionOutcome,
    Position,
    PositionKind,
    Proceeding,
    ProceedingStatus,
)

MAX_TEXT = 20_000
CLOCK_SKEW = dt.timedelta(minutes=5)
APPEAL_RULE = "cpc.384.appeal"
CASSATION_RULE = "cpc.410.cassation.1m"
CASSATION_RULE_ACQUITTAL = "cpc.410.cassation.3m"
# Decisions after which the cassation term is three months (CPC art. 410.1).
LONG_CASSATION_KINDS = frozenset({DecisionKind.ACQUITTAL, DecisionKind.TERMINATION})
# The instance a decision of each instance is appealed to, and the kind of complaint.
NEXT_INSTANCE = {
    Instance.FIRST: (Instance.APPEAL, AppealKind.APPEAL),
    Instance.APPEAL: (Instance.CASSATION, AppealKind.CASSATION),
}
TERM_KEY = "term"  # the one running term of a proceeding (appeal or cassation) in the deadline index


# --- shared helpers -------------------------------------------------------------------------------------


def _invalid(field: str, message: Any, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: str(message)})


def _text(
    value: str | None, field: str, message: Any, *, required: bool = True, max_length: int = MAX_TEXT
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, message)
    if len(text) > max_length:
        raise _invalid(
            field, _("The text is too long (at most %(count)d characters).") % {"count": max_length}
        )
    return text


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _day(value: dt.date | None, field: str, *, not_before: dt.date | None = None) -> dt.date:
    """A day of a past event: today when not given, never in the future, never before `not_before`."""
    day = value or timezone.localdate()
    if isinstance(day, dt.datetime):
        day = timezone.localtime(_aware(day)).date()
    if day > timezone.localdate():
        raise _invalid(field, _("The date cannot be in the future."))
    if not_before is not None and day < not_before:
        raise _invalid(
            field, _("The date cannot be earlier than %(date)s.") % {"date": not_before.isoformat()}
        )
    return day


def _choice(value: str, choices: Any, field: str, message: Any) -> str:
    if value not in choices.values:
        raise _invalid(field, message)
    return value


def locked(proceeding: Proceeding, expected_version: int | None) -> Proceeding:
    """The proceeding's row, locked until commit; Conflict when the caller saw an older version."""
    return lock_row(
        Proceeding.objects.select_related(*access.PROCEEDING_RELATED), proceeding.pk, expected_version
    )


def _move(proceeding: Proceeding, to: str) -> None:
    if proceeding.status == to:
        return
    if to not in TRANSITIONS.get(proceeding.status, frozenset()):
        raise Conflict(
            _("A proceeding that is “%(status)s” cannot become “%(target)s”.")
            % {"status": ProceedingStatus(proceeding.status).label, "target": ProceedingStatus(to).label},
            code="transition_not_allowed",
            details={"status": proceeding.status, "target": to},
        )
    proceeding.status = to


def _require_active(proceeding: Proceeding) -> None:
    if not proceeding.is_active:
        raise Conflict(
            _("The proceeding is “%(status)s”; it can no longer be changed.")
            % {"status": ProceedingStatus(proceeding.status).label},
            code="proceeding_closed",
            details={"status": proceeding.status},
        )


def _save(proceeding: Proceeding, *fields: str) -> None:
    proceeding.version += 1
    proceeding.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def snapshot(proceeding: Proceeding) -> dict[str, Any]:
    return {
        "status": proceeding.status,
        "instance": proceeding.instance,
        "court": proceeding.court.code if proceeding.court_id else None,
        "judge": proceeding.judge or None,
        "court_number": proceeding.court_number or None,
        "prosecutor": proceeding.prosecutor.get_username()
        if proceeding.prosecutor_id and proceeding.prosecutor
        else None,
        "closed_on": proceeding.closed_on.isoformat() if proceeding.closed_on else None,
        "version": proceeding.version,
    }


def _audit(
    actor: Any,
    action: str,
    proceeding: Proceeding,
    before: dict[str, Any] | None = None,
    *,
    data: dict[str, Any] | None = None,
) -> None:
    changes = diff(before, snapshot(proceeding)) if before is not None else None
    # Every change of a proceeding passes here; its case's statistical cards follow the court's outcome.
    if proceeding.case_id is not None:
        stats_record(SubjectType.CASE, proceeding.case_id)
    elif proceeding.supervised_id is not None:
        stats_record(SubjectType.SUPERVISED, proceeding.supervised_id)
    audit_record(
        actor=actor, action=f"courtwork.{action}", target=proceeding, changes=changes or None, data=data
    )


def _notify(recipient: Any, *, title: Any, proceeding: Proceeding, actor: Any, **params: Any) -> None:
    """Tell `recipient` (in their language) once the transaction has committed; not the actor themself."""
    if recipient is None or (actor is not None and getattr(actor, "pk", None) == recipient.pk):
        return
    from eprok.notifications.services import notification_send

    with translation.override(getattr(recipient, "preferred_language", "") or "az"):
        text = str(title) % params if params else str(title)
    url = proceeding.get_absolute_url()
    transaction.on_commit(lambda: notification_send(recipient=recipient, title=text, url=url, actor=None))


def _label(proceeding: Proceeding) -> str:
    return proceeding.owner_number or str(proceeding)


# --- opening --------------------------------------------------------------------------------------------


def proceeding_for_owner(*, case: Any = None, supervised: Any = None) -> Proceeding | None:
    """The proceeding of a case or of a supervised case, if one has been opened."""
    if (case is None) == (supervised is None):
        raise _invalid("case", _("Name either a case of the service or a supervised case."))
    rows = Proceeding.objects.select_related(*access.PROCEEDING_RELATED)
    return rows.filter(case=case).first() if case is not None else rows.filter(supervised=supervised).first()


def _owner_facts(case: Any, supervised: Any) -> tuple[Any, bool, str, str]:
    """(unit, whether it is sent to court, accused, articles) of the owner."""
    if case is not None:
        from eprok.cases.models import CaseParty, CaseStatus
        from eprok.persons.models import PartyRole

        accused = [
            party.person.display_name
            for party in CaseParty.objects.filter(case=case, role=PartyRole.ACCUSED, until__isnull=True)
            .select_related("person")
            .order_by("id")
        ]
        return case.unit, case.status == CaseStatus.SENT_TO_COURT, "; ".join(accused), case.articles or ""
    from eprok.supervision.models import SupervisedStatus

    return (
        supervised.unit,
        supervised.status == SupervisedStatus.SENT_TO_COURT,
        supervised.accused or "",
        supervised.articles or "",
    )


def proceeding_open(
    *,
    actor: Any,
    case: Any = None,
    supervised: Any = None,
    court: Court,
    sent_on: dt.date,
    judge: str = "",
    court_number: str = "",
    prosecutor: Any = None,
) -> Proceeding:
    """Open the court proceeding of a case (or supervised case) sent to court; the existing one if opened."""
    if (case is None) == (supervised is None):
        raise _invalid("case", _("Name either a case of the service or a supervised case."))
    with transaction.atomic():
        if case is not None:
            from eprok.cases.models import Case

            case = Case.objects.select_for_update(of=("self",)).select_related("unit").get(pk=case.pk)
        else:
            from eprok.supervision.models import SupervisedCase

            supervised = (
                SupervisedCase.objects.select_for_update(of=("self",))
                .select_related("unit")
                .get(pk=supervised.pk)
            )
        unit, sent, accused, articles = _owner_facts(case, supervised)
        if actor is not None and not access.can_open_in(actor, unit):
            access.deny_unit(actor, unit, action="open")
        existing = proceeding_for_owner(case=case, supervised=supervised)
        if existing is not None:
            return existing
        if not sent:
            raise Conflict(
                _("Only a case sent to court with an indictment gets a court proceeding."),
                code="not_sent_to_court",
            )
        if court is None or not court.is_active:
            raise _invalid("court", _("Choose the court."))
        judge = _text(judge, "judge", "", required=False, max_length=200)
        court_number = _text(court_number, "court_number", "", required=False, max_length=64)
        if court_number and Proceeding.objects.filter(court=court, court_number=court_number).exists():
            raise _invalid("court_number", _("The court already has a proceeding with this number."))
        day = _day(sent_on, "sent_on")
        if prosecutor is None and actor is not None and access.prosecutor_ok(actor, unit):
            prosecutor = actor
        if prosecutor is not None and not access.prosecutor_ok(prosecutor, unit):
            raise _invalid(
                "prosecutor",
                _("Choose a prosecutor who holds the role “State prosecution in court” over the unit."),
            )
        proceeding = Proceeding.objects.create(
            case=case,
            supervised=supervised,
            unit=unit,
            prosecutor=prosecutor,
            court=court,
            judge=judge,
            court_number=court_number,
            sent_on=day,
            accused=accused,
            articles=articles[:300],
            created_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        )
        _audit(
            actor,
            "proceeding.opened",
            proceeding,
            data={"owner": proceeding.owner_number, "court": court.code},
        )
        _notify(
            prosecutor,
            title=_("You are the state prosecutor in case %(number)s (%(court)s)"),
            proceeding=proceeding,
            actor=actor,
            number=proceeding.owner_number,
            court=court.name_az,
        )
    return proceeding


def proceeding_update(
    *,
    actor: Any,
    proceeding: Proceeding,
    judge: str,
    court_number: str,
    prosecutor: Any = None,
    court: Court | None = None,
    expected_version: int | None = None,
) -> Proceeding:
    """Change the judge, the number in the court, the court or the state prosecutor."""
    access.require(actor, proceeding, "act")
    judge = _text(judge, "judge", "", required=False, max_length=200)
    court_number = _text(court_number, "court_number", "", required=False, max_length=64)
    with transaction.atomic():
        proceeding = locked(proceeding, expected_version)
        _require_active(proceeding)
        before = snapshot(proceeding)
        new_court = court or proceeding.court
        if not new_court.is_active:
            raise _invalid("court", _("Choose the court."))
        clash = Proceeding.objects.filter(court=new_court, court_number=court_number).exclude(
            pk=proceeding.pk
        )
        if court_number and clash.exists():
            raise _invalid("court_number", _("The court already has a proceeding with this number."))
        if prosecutor is not None and not access.prosecutor_ok(prosecutor, proceeding.unit):
            raise _invalid(
                "prosecutor",
                _("Choose a prosecutor who holds the role “State prosecution in court” over the unit."),
            )
        previous = proceeding.prosecutor
        proceeding.court = new_court
        proceeding.judge = judge
        proceeding.court_number = court_number
        if prosecutor is not None:
            proceeding.prosecutor = prosecutor
        _save(proceeding, "court", "judge", "court_number", "prosecutor")
        if prosecutor is not None and (previous is None or previous.pk != prosecutor.pk):
            tracking_owner_reassign(proceeding)
            _notify(
                prosecutor,
                title=_("You are the state prosecutor in case %(number)s (%(court)s)"),
                proceeding=proceeding,
                actor=actor,
                number=proceeding.owner_number,
                court=new_court.name_az,
            )
        _audit(actor, "proceeding.updated", proceeding, before)
    return proceeding


def tracking_owner_reassign(proceeding: Proceeding) -> None:
    """The running term follows the state prosecutor ("My work")."""
    decision = _term_decision(proceeding)
    if decision is not None and proceeding.status == ProceedingStatus.DECIDED:
        _track(proceeding, decision, _deadline_of(decision))


# --- hearings -------------------------------------------------------------------------------------------


def _check_start(starts_at: Any, field: str = "starts_at") -> dt.datetime:
    if not isinstance(starts_at, dt.datetime):
        raise _invalid(field, _("Give the date and time of the hearing."))
    return _aware(starts_at)


def hearing_schedule(
    *,
    actor: Any,
    proceeding: Proceeding,
    starts_at: dt.datetime,
    courtroom: str = "",
    judge: str = "",
    expected_version: int | None = None,
) -> Hearing:
    """Enter a hearing of the court's schedule (a future one, or a past one entered late)."""
    access.require(actor, proceeding, "act")
    starts_at = _check_start(starts_at)
    courtroom = _text(courtroom, "courtroom", "", required=False, max_length=64)
    judge = _text(judge, "judge", "", required=False, max_length=200)
    with transaction.atomic():
        proceeding = locked(proceeding, expected_version)
        _require_active(proceeding)
        hearing = Hearing.objects.create(
            proceeding=proceeding,
            instance=proceeding.instance,
            starts_at=starts_at,
            courtroom=courtroom,
            judge=judge or proceeding.judge,
        )
        _save(proceeding)
        _audit(actor, "hearing.scheduled", proceeding, data=_hearing_data(hearing))
    return hearing


def _hearing_data(hearing: Hearing) -> dict[str, Any]:
    return {"hearing": hearing.pk, "starts_at": hearing.starts_at.isoformat(), "status": hearing.status}


def _locked_hearing(hearing: Hearing, expected_version: int | None) -> tuple[Proceeding, Hearing]:
    proceeding = locked(hearing.proceeding, expected_version)
    hearing = Hearing.objects.get(pk=hearing.pk)
    hearing.proceeding = proceeding
    return proceeding, hearing


def _require_scheduled(hearing: Hearing) -> None:
    if hearing.status != HearingStatus.SCHEDULED:
        raise Conflict(
            _("The hearing is “%(status)s”; only a scheduled hearing can be changed.")
            % {"status": HearingStatus(hearing.status).label},
            code="hearing_not_scheduled",
        )


def hearing_postpone(
    *,
    actor: Any,
    hearing: Hearing,
    starts_at: dt.datetime,
    reason: str,
    expected_version: int | None = None,
) -> Hearing:
    """The court postponed the hearing: it is kept as postponed, and a new one is scheduled."""
    access.require(actor, hearing.proceeding, "act")
    starts_at = _check_start(starts_at)
    reason = _text(reason, "reason", _("State why the hearing was postponed."), max_length=2000)
    with transaction.atomic():
        proceeding, hearing = _locked_hearing(hearing, expected_version)
        _require_active(proceeding)
        _require_scheduled(hearing)
        if starts_at <= hearing.starts_at:
            raise _invalid("starts_at", _("The new time must be later than the postponed one."))
        hearing.status = HearingStatus.POSTPONED
        hearing.outcome = reason
        hearing.save(update_fields=["status", "outcome", "updated_at"])
        new = Hearing.objects.create(
            proceeding=proceeding,
            instance=hearing.instance,
            starts_at=starts_at,
            courtroom=hearing.courtroom,
            judge=hearing.judge,
        )
        _save(proceeding)
        _audit(
            actor, "hearing.postponed", proceeding, data={**_hearing_data(hearing), "new": _hearing_data(new)}
        )
    return new


def hearing_hold(
    *, actor: Any, hearing: Hearing, outcome: str, expected_version: int | None = None
) -> Hearing:
    """The hearing took place: what happened; the first one held moves the proceeding to "being heard"."""
    access.require(actor, hearing.proceeding, "act")
    outcome = _text(outcome, "outcome", _("Write down what happened at the hearing."))
    with transaction.atomic():
        proceeding, hearing = _locked_hearing(hearing, expected_version)
        _require_active(proceeding)
        _require_scheduled(hearing)
        if hearing.starts_at > timezone.now() + CLOCK_SKEW:
            raise _invalid("outcome", _("A hearing that has not yet begun cannot be marked as held."))
        before = snapshot(proceeding)
        hearing.status = HearingStatus.HELD
        hearing.outcome = outcome
        hearing.save(update_fields=["status", "outcome", "updated_at"])
        _held(proceeding)
        _save(proceeding, "status")
        _audit(actor, "hearing.held", proceeding, before, data=_hearing_data(hearing))
    return hearing


def _held(proceeding: Proceeding) -> None:
    if proceeding.status in (ProceedingStatus.AWAITING, ProceedingStatus.APPEALED):
        _move(proceeding, ProceedingStatus.HEARING)


def hearing_cancel(
    *, actor: Any, hearing: Hearing, reason: str, expected_version: int | None = None
) -> Hearing:
    access.require(actor, hearing.proceeding, "act")
    reason = _text(reason, "reason", _("State why the hearing was cancelled."), max_length=2000)
    with transaction.atomic():
        proceeding, hearing = _locked_hearing(hearing, expected_version)
        _require_scheduled(hearing)
        hearing.status = HearingStatus.CANCELLED
        hearing.outcome = reason
        hearing.save(update_fields=["status", "outcome", "updated_at"])
        _save(proceeding)
        _audit(actor, "hearing.cancelled", proceeding, data=_hearing_data(hearing))
    return hearing


def hearing_from_court(
    *,
    proceeding: Proceeding,
    external_id: str,
    starts_at: dt.datetime,
    courtroom: str = "",
    judge: str = "",
    status: str = HearingStatus.SCHEDULED,
) -> tuple[Hearing, bool]:
    """A hearing from the e-Court's schedule (the gateway's inbound handler): created once per
    `external_id`, updated when the court changes it; the state prosecutor is told.
    Returns (hearing, created)."""
    external_id = _text(
        external_id, "external_id", _("The court's identifier of the hearing is missing."), max_length=100
    )
    starts_at = _check_start(starts_at)
    status = _choice(status, HearingStatus, "status", _("Unknown status of the hearing."))
    courtroom = (courtroom or "").strip()[:64]
    judge = (judge or "").strip()[:200]
    with transaction.atomic():
        proceeding = locked(proceeding, None)
        hearing = Hearing.objects.filter(proceeding=proceeding, external_id=external_id).first()
        created = hearing is None
        before = snapshot(proceeding)
        if hearing is None:
            hearing = Hearing.objects.create(
                proceeding=proceeding,
                instance=proceeding.instance,
                starts_at=starts_at,
                courtroom=courtroom,
                judge=judge or proceeding.judge,
                status=status,
                external_id=external_id,
            )
            changed = True
        else:
            values = {
                "starts_at": starts_at,
                "courtroom": courtroom,
                "judge": judge or hearing.judge,
                "status": status,
            }
            changed = any(getattr(hearing, key) != value for key, value in values.items())
            if changed:
                for key, value in values.items():
                    setattr(hearing, key, value)
                hearing.save(update_fields=[*values, "updated_at"])
        if not changed:
            return hearing, False
        if status == HearingStatus.HELD and proceeding.is_active:
            _held(proceeding)
        _save(proceeding, "status")
        _audit(
            None, "hearing.received", proceeding, before, data={**_hearing_data(hearing), "created": created}
        )
        if status == HearingStatus.CANCELLED:
            title: Any = _("The court cancelled the hearing in case %(number)s of %(when)s")
        elif created:
            title = _("The court scheduled a hearing in case %(number)s on %(when)s")
        else:
            title = _("The court changed the hearing in case %(number)s: now %(when)s")
        _notify(
            proceeding.prosecutor,
            title=title,
            proceeding=proceeding,
            actor=None,
            number=_label(proceeding),
            when=timezone.localtime(starts_at).strftime("%d.%m.%Y %H:%M"),
        )
    return hearing, created


# --- positions and motions ------------------------------------------------------------------------------


def position_add(
    *,
    actor: Any,
    proceeding: Proceeding,
    kind: str,
    text: str,
    stated_on: dt.date | None = None,
    hearing: Hearing | None = None,
    expected_version: int | None = None,
) -> Position:
    """The prosecutor's position, motion, requested sentence or objection in court."""
    access.require(actor, proceeding, "act")
    kind = _choice(kind, PositionKind, "kind", _("Choose what kind of statement it is."))
    text = _text(text, "text", _("Write down what the prosecutor stated or asked for."))
    if hearing is not None and hearing.proceeding_id != proceeding.pk:
        raise _invalid("hearing", _("The hearing belongs to another proceeding."))
    with transaction.atomic():
        proceeding = locked(proceeding, expected_version)
        _require_active(proceeding)
        day = _day(stated_on, "stated_on", not_before=proceeding.sent_on)
        position = Position.objects.create(
            proceeding=proceeding, hearing=hearing, kind=kind, text=text, author=actor, stated_on=day
        )
        _save(proceeding)
        _audit(actor, "position.added", proceeding, data={"position": position.pk, "kind": kind})
    return position


def position_outcome(
    *, actor: Any, position: Position, outcome: str, expected_version: int | None = None
) -> Position:
    """What the court did with a motion or an objection."""
    access.require(actor, position.proceeding, "act")
    outcome = _choice(outcome, MotionOutcome, "outcome", _("Choose what the court decided."))
    if position.kind not in (PositionKind.MOTION, PositionKind.OBJECTION):
        raise _invalid("outcome", _("Only a motion or an objection has an outcome."))
    with transaction.atomic():
        proceeding = locked(position.proceeding, expected_version)
        position = Position.objects.get(pk=position.pk)
        position.outcome = outcome
        position.save(update_fields=["outcome", "updated_at"])
        _save(proceeding)
        _audit(actor, "position.outcome", proceeding, data={"position": position.pk, "outcome": outcome})
    return position


# --- decisions and their terms --------------------------------------------------------------------------


def _rule(code: str) -> DeadlineRule:
    return DeadlineRule.objects.get(code=code)


def term_rule_code(instance: str, kind: str) -> str:
    """The rule of the term to appeal a decision of `instance` ("" when it is final or returns the case)."""
    if kind == DecisionKind.RETURN:
        return ""
    if instance == Instance.FIRST:
        return APPEAL_RULE
    if instance == Instance.APPEAL:
        return CASSATION_RULE_ACQUITTAL if kind in LONG_CASSATION_KINDS else CASSATION_RULE
    return ""


def _deadline_of(decision: Decision) -> Deadline:
    return compute_deadline(_rule(decision.appeal_rule), decision.decided_on)


def _term_decision(proceeding: Proceeding) -> Decision | None:
    return proceeding.decisions.exclude(appeal_rule="").order_by("-decided_on", "-id").first()


def _track(proceeding: Proceeding, decision: Decision, deadline: Deadline) -> None:
    label = _("Cassation term") if decision.instance == Instance.APPEAL else _("Appeal term")
    tracking.deadline_track(
        owner=proceeding,
        key=TERM_KEY,
        deadline=deadline,
        unit=proceeding.unit,
        responsible=proceeding.prosecutor,
        title=_label(proceeding),
        label=label,
        url=proceeding.get_absolute_url(),
    )


def _apply_decision(actor: Any, proceeding: Proceeding, decision: Decision) -> None:
    """The decision's effect on the proceeding: its term (tracked), the status, and a return."""
    rule_code = term_rule_code(decision.instance, decision.kind)
    tracking.deadline_close(owner=proceeding, key=TERM_KEY)
    if decision.kind == DecisionKind.RETURN:
        _move(proceeding, ProceedingStatus.RETURNED)
        proceeding.result = str(DecisionKind(decision.kind).label)
        _return_owner(actor, proceeding, decision)
    elif rule_code:
        deadline = compute_deadline(_rule(rule_code), decision.decided_on)
        decision.appeal_rule = rule_code
        decision.appeal_due = deadline.due
        decision.save(update_fields=["appeal_rule", "appeal_due", "updated_at"])
        _move(proceeding, ProceedingStatus.DECIDED)
        _track(proceeding, decision, deadline)
    elif decision.instance == Instance.CASSATION and decision.kind == DecisionKind.QUASHED:
        # The Supreme Court quashed the appeal court's decision and sent the case back to it.
        _move(proceeding, ProceedingStatus.AWAITING)
        proceeding.instance = Instance.APPEAL
    else:
        _move(proceeding, ProceedingStatus.CLOSED)
        proceeding.closed_on = decision.decided_on
        proceeding.result = str(DecisionKind(decision.kind).label)


def _return_owner(actor: Any, proceeding: Proceeding, decision: Decision) -> None:
    """A case returned for additional investigation reopens through the cases service (CPC art. 297)."""
    case = proceeding.case
    if case is None:
        from eprok.supervision import access as supervision_access
        from eprok.supervision.services import supervised_return_from_court

        supervised = proceeding.supervised
        assert supervised is not None  # the proceeding has exactly one owner
        with translation.override("az"):
            text = str(
                _("The court returned the case for additional investigation (%(court)s, %(date)s).")
            ) % {
                "court": proceeding.court.name_az,
                "date": decision.decided_on.strftime("%d.%m.%Y"),
            }
        may_act = actor is not None and supervision_access.can_act(actor, supervised)
        supervised_return_from_court(
            case=supervised, grounds=(decision.text or text)[:20_000], actor=actor if may_act else None
        )
        return
    from eprok.cases import access as cases_access
    from eprok.cases.services import case_reopen

    reopener = actor if actor is not None and cases_access.can_supervise(actor, case) else None
    with translation.override("az"):
        grounds = str(
            _("The court returned the case for additional investigation (%(court)s, %(date)s).")
        ) % {
            "court": proceeding.court.name_az,
            "date": decision.decided_on.strftime("%d.%m.%Y"),
        }
    case_reopen(
        actor=reopener,
        case=case,
        grounds=(decision.text or grounds)[:20_000],
        on=decision.decided_on,
    )


def _check_decision(proceeding: Proceeding, instance: str, kind: str, decided_on: dt.date | None) -> dt.date:
    _choice(kind, DecisionKind, "kind", _("Choose the kind of the decision."))
    _choice(instance, Instance, "instance", _("Choose the instance."))
    _require_active(proceeding)
    if proceeding.status == ProceedingStatus.DECIDED:
        raise Conflict(
            _("The decision of this instance is already recorded and the term to appeal it is running."),
            code="already_decided",
        )
    if instance != proceeding.instance:
        raise _invalid(
            "instance",
            _("The proceeding is at the “%(instance)s” instance.")
            % {"instance": Instance(proceeding.instance).label},
        )
    if (
        kind in (DecisionKind.UPHELD, DecisionKind.CHANGED, DecisionKind.QUASHED)
        and instance == Instance.FIRST
    ):
        raise _invalid("kind", _("A court of first instance does not decide on a lower court's decision."))
    return _day(decided_on, "decided_on", not_before=proceeding.sent_on)


def decision_record(
    *,
    actor: Any,
    proceeding: Proceeding,
    kind: str,
    decided_on: dt.date | None = None,
    sentence: str = "",
    text: str = "",
    instance: str | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Record the court's decision at the current instance; a verdict opens the appeal or cassation term."""
    access.require(actor, proceeding, "act")
    sentence = _text(sentence, "sentence", "", required=False)
    text = _text(text, "text", "", required=False)
    with transaction.atomic():
        proceeding = locked(proceeding, expected_version)
        before = snapshot(proceeding)
        day = _check_decision(proceeding, instance or proceeding.instance, kind, decided_on)
        decision = Decision.objects.create(
            proceeding=proceeding,
            instance=instance or proceeding.instance,
            kind=kind,
            decided_on=day,
            sentence=sentence,
            text=text,
            recorded_by=actor,
        )
        _apply_decision(actor, proceeding, decision)
        _save(proceeding, "status", "instance", "closed_on", "result")
        _audit(actor, "decision.recorded", proceeding, before, data=_decision_data(decision))
    return decision


def _decision_data(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision.pk,
        "instance": decision.instance,
        "kind": decision.kind,
        "decided_on": decision.decided_on.isoformat(),
        "appeal_due": decision.appeal_due.isoformat() if decision.appeal_due else None,
    }


def decision_from_court(
    *,
    proceeding: Proceeding,
    external_id: str,
    instance: str,
    kind: str,
    decided_on: dt.date,
    sentence: str = "",
    text: str = "",
) -> tuple[Decision, bool]:
    """A decision from the e-Court (the gateway's inbound handler): recorded once per `external_id`; the
    state prosecutor is told, with the term to appeal. Returns (decision, created)."""
    external_id = _text(
        external_id, "external_id", _("The court's identifier of the decision is missing."), max_length=100
    )
    with transaction.atomic():
        proceeding = locked(proceeding, None)
        existing = Decision.objects.filter(proceeding=proceeding, external_id=external_id).first()
        if existing is not None:
            return existing, False
        before = snapshot(proceeding)
        day = _check_decision(proceeding, instance, kind, decided_on)
        decision = Decision.objects.create(
            proceeding=proceeding,
            instance=instance,
            kind=kind,
            decided_on=day,
            sentence=(sentence or "").strip()[:MAX_TEXT],
            text=(text or "").strip()[:MAX_TEXT],
            external_id=external_id,
        )
        _apply_decision(None, proceeding, decision)
        _save(proceeding, "status", "instance", "closed_on", "result")
        _audit(None, "decision.received", proceeding, before, data=_decision_data(decision))
        if decision.appeal_due:
            title: Any = _(
                "The court decided case %(number)s: %(kind)s; the term to appeal runs until %(due)s"
            )
        else:
            title = _("The court decided case %(number)s: %(kind)s")
        recipient = proceeding.prosecutor
        if recipient is not None:
            with translation.override(getattr(recipient, "preferred_language", "") or "az"):
                kind_label = str(DecisionKind(kind).label)
            _notify(
                recipient,
                title=title,
                proceeding=proceeding,
                actor=None,
                number=_label(proceeding),
                kind=kind_label,
                due=decision.appeal_due.strftime("%d.%m.%Y") if decision.appeal_due else "",
            )
    return decision, True


# --- appeals and protests -------------------------------------------------------------------------------


def appeal_file(
    *,
    actor: Any,
    decision: Decision,
    party: str,
    grounds: str,
    filed_on: dt.date | None = None,
    expected_version: int | None = None,
) -> AppealFiling:
    """An appeal, cassation complaint or the prosecutor's protest against a decision, within its term; the
    proceeding moves to the higher instance and the term is no longer tracked."""
    access.require(actor, decision.proceeding, "act")
    party = _choice(party, AppealParty, "party", _("Choose who filed it."))
    grounds = _text(grounds, "grounds", _("State the grounds of the appeal or protest."))
    with transaction.atomic():
        proceeding = locked(decision.proceeding, expected_version)
        decision = Decision.objects.get(pk=decision.pk)
        before = snapshot(proceeding)
        if not decision.appeal_rule or decision.appeal_due is None or decision.instance not in NEXT_INSTANCE:
            raise Conflict(_("This decision is not appealed to a higher court here."), code="not_appealable")
        latest = _term_decision(proceeding)
        if (
            latest is None
            or latest.pk != decision.pk
            or proceeding.status
            not in (
                ProceedingStatus.DECIDED,
                ProceedingStatus.APPEALED,
            )
        ):
            raise Conflict(
                _("Only the latest decision whose term is running can be appealed."), code="not_appealable"
            )
        day = _day(filed_on, "filed_on", not_before=decision.decided_on)
        if day > decision.appeal_due:
            raise _invalid(
                "filed_on",
                _(
                    "The term to appeal this decision ran out on %(date)s; a late appeal or protest is "
                    "not accepted."
                )
                % {"date": decision.appeal_due.strftime("%d.%m.%Y")},
                code="term_expired",
            )
        target, kind = NEXT_INSTANCE[Instance(decision.instance)]
        filing = AppealFiling.objects.create(
            proceeding=proceeding,
            decision=decision,
            kind=kind,
            party=party,
            filed_on=day,
            grounds=grounds,
            recorded_by=actor,
        )
        if proceeding.status == ProceedingStatus.DECIDED:
            _move(proceeding, ProceedingStatus.APPEALED)
            proceeding.instance = target
            higher = _higher_court(proceeding.court, kind)
            if higher is not None:
                proceeding.court = higher
        tracking.deadline_close(owner=proceeding, key=TERM_KEY)
        _save(proceeding, "status", "instance", "court")
        _audit(
            actor,
            "appeal.filed",
            proceeding,
            before,
            data={"appeal": filing.pk, "kind": kind, "party": party},
        )
    return filing


def _higher_court(court: Court, kind: str) -> Court | None:
    """The court an appeal goes to: the Supreme Court for cassation; for an appeal, the court of appeal of
    the first-instance court's city (Baku's when there is none of its own)."""
    if kind == AppealKind.CASSATION:
        return Court.objects.filter(level="supreme", is_active=True).first()
    city = (court.district or "").split("-")[0]
    courts = Court.objects.filter(level="appeal", is_active=True)
    own = courts.filter(district__startswith=city).first() if city else None
    return own or courts.filter(code="baku-appeal").first()


def appeal_decide(
    *,
    actor: Any,
    appeal: AppealFiling,
    outcome: str,
    decided_on: dt.date | None = None,
    expected_version: int | None = None,
) -> AppealFiling:
    """Record what became of an appeal or protest (the higher court's decision is recorded separately)."""
    access.require(actor, appeal.proceeding, "act")
    outcome = _choice(outcome, AppealOutcome, "outcome", _("Choose the outcome."))
    if outcome == AppealOutcome.PENDING:
        raise _invalid("outcome", _("Choose the outcome."))
    with transaction.atomic():
        proceeding = locked(appeal.proceeding, expected_version)
        appeal = AppealFiling.objects.get(pk=appeal.pk)
        if appeal.outcome != AppealOutcome.PENDING:
            raise Conflict(_("The outcome of this appeal is already recorded."), code="already_decided")
        appeal.outcome = outcome
        appeal.decided_on = _day(decided_on, "decided_on", not_before=appeal.filed_on)
        appeal.save(update_fields=["outcome", "decided_on", "updated_at"])
        _save(proceeding)
        _audit(actor, "appeal.decided", proceeding, data={"appeal": appeal.pk, "outcome": outcome})
    return appeal


# --- entry into force and the sweep ---------------------------------------------------------------------


def proceeding_enter_into_force(
    *, actor: Any, proceeding: Proceeding, on: dt.date | None = None, expected_version: int | None = None
) -> Proceeding:
    """The decision entered into force (by hand: no appeal was filed, or it was withdrawn)."""
    access.require(actor, proceeding, "act")
    with transaction.atomic():
        proceeding = locked(proceeding, expected_version)
        before = snapshot(proceeding)
        decision = _term_decision(proceeding)
        if proceeding.status != ProceedingStatus.DECIDED or decision is None:
            raise Conflict(
                _("Only a decided proceeding whose term runs can enter into force."),
                code="transition_not_allowed",
            )
        _close(proceeding, decision, _day(on, "on", not_before=decision.decided_on))
        _audit(actor, "proceeding.closed", proceeding, before)
    return proceeding


def _close(proceeding: Proceeding, decision: Decision, on: dt.date) -> None:
    _move(proceeding, ProceedingStatus.CLOSED)
    proceeding.closed_on = on
    proceeding.result = str(DecisionKind(decision.kind).label) + (
        f": {decision.sentence}" if decision.sentence else ""
    )
    tracking.deadline_close(owner=proceeding)
    _save(proceeding, "status", "closed_on", "result")


def proceedings_sweep(*, today: dt.date | None = None) -> int:
    """Close the decided proceedings whose term ran out with no appeal filed; returns how many
    (rerunnable)."""
    today = today or timezone.localdate()
    closed = 0
    candidates = (
        Proceeding.objects.filter(status=ProceedingStatus.DECIDED, decisions__appeal_due__lt=today)
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in list(candidates):
        with transaction.atomic():
            proceeding = lock_row(Proceeding.objects.select_related(*access.PROCEEDING_RELATED), pk, None)
            decision = _term_decision(proceeding)
            if (
                proceeding.status != ProceedingStatus.DECIDED
                or decision is None
                or decision.appeal_due is None
            ):
                continue
            if decision.appeal_due >= today or decision.appeals.exists():
                continue
            before = snapshot(proceeding)
            _close(proceeding, decision, decision.appeal_due + dt.timedelta(days=1))
            _audit(
                None,
                "proceeding.swept",
                proceeding,
                before,
                data={"appeal_due": decision.appeal_due.isoformat()},
            )
            closed += 1
    return closed


def recompute() -> int:
    """The deadline index's recomputer: the running term of every decided proceeding."""
    count = 0
    for proceeding in Proceeding.objects.filter(status=ProceedingStatus.DECIDED).select_related(
        "unit", "prosecutor", "case", "supervised"
    ):
        decision = _term_decision(proceeding)
        if decision is not None:
            _track(proceeding, decision, _deadline_of(decision))
            count += 1
    return count


# --- reads of protected data ----------------------------------------------------------------------------


def proceeding_record_view(*, actor: Any, proceeding: Proceeding, purpose: str = "review") -> None:
    audit_record(actor=actor, action="courtwork.proceeding.viewed", target=proceeding, purpose=purpose)


def proceedings_record_listed(*, actor: Any, keys: list[str], purpose: str) -> None:
    if keys:
        audit_record(
            actor=actor,
            action="courtwork.proceeding.listed",
            target_type=access.TARGET_TYPE,
            data={"proceedings": keys[:200]},
            purpose=purpose,
        )


# --- the calendar feed ----------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_create(*, actor: Any) -> str:
    """A new secret address of the actor's hearings calendar (the old one stops working); the token is
    returned once and only its SHA-256 is kept."""
    if not access.can_use_calendar(actor):
        access.deny_register(actor, action="calendar.feed")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        replaced = CalendarFeed.objects.filter(user=actor).delete()[0] > 0
        CalendarFeed.objects.create(user=actor, token_hash=token_hash(token))
        audit_record(
            actor=actor,
            action="courtwork.feed.created",
            target_type="courtwork.calendarfeed",
            target_id=str(actor.pk),
            data={"replaced": replaced},
        )
    return token


def calendar_feed_revoke(*, actor: Any) -> bool:
    with transaction.atomic():
        removed = CalendarFeed.objects.filter(user=actor).delete()[0] > 0
        if removed:
            audit_record(
                actor=actor,
                action="courtwork.feed.revoked",
                target_type="courtwork.calendarfeed",
                target_id=str(actor.pk),
            )
    return removed


def calendar_feed_record_read(*, user: Any, count: int) -> None:
    audit_record(
        actor=user,
        action="courtwork.feed.read",
        target_type="courtwork.calendarfeed",
        target_id=str(user.pk),
        data={"hearings": count},
        purpose="calendar feed",
    )
