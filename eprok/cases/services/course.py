"""The course of an investigation: its term and extensions, suspension and resumption, joinder, transfer
between units, the team, and completion (indictment, termination, referral) with its reopening."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.calendar.deadlines import Extension, may_grant_extension
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.locking import StaleVersion
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.persons.models import PartyRole

from .. import access, terms
from ..models import (
    OPEN_STATUSES,
    ActKind,
    Case,
    CaseParty,
    CaseStatus,
    PreventiveMeasure,
    ProceduralAct,
    Qualification,
    Suspension,
    SuspensionGround,
    TeamMember,
    TeamRole,
    TermExtension,
    TerminationGround,
    Transfer,
)
from ._base import (
    articles_text,
    audit,
    author_of,
    check_day,
    check_employee,
    decision,
    locked,
    moment_of,
    move,
    notify,
    optional_text,
    require_open,
    require_text,
    save,
    snapshot,
    write_act,
)
from .measures import end_running_measures

COMPLETION_FIELDS = ("status", "completed_at", "completion_grounds")


# --- the investigation term -----------------------------------------------------------------------------


def case_extend_investigation(
    *,
    actor: Any,
    case: Case,
    step: str,
    length: int,
    reason: str,
    decision_reference: str = "",
    expected_version: int | None = None,
) -> TermExtension:
    """Extend the investigation term under a step of its rule (CPC 218.6, 218.7, 218.8).

    Only a holder of the step's role extends it; each step's maximum and the overall legal cap of the
    category (218.10) are enforced.
    """
    access.require(actor, case, "supervise")
    code = terms.investigation_rule_code(case.category)
    if code is None:
        raise Conflict(
            _("Qualify the case first: the investigation term depends on the gravity."), code="no_category"
        )
    rule = terms.rule(code)
    if step not in {str(s.get("key", "")) for s in (rule.extension_steps or [])}:
        message = _("Choose an extension step of the rule.")
        raise ValidationFailed(message, details={"step": str(message)})
    if actor is not None and not may_grant_extension(actor, rule, step, case.unit):
        access.deny_case(actor, case, action="extend")
    if length < 1:
        message = _("An extension must have a positive length.")
        raise ValidationFailed(message, details={"length": str(message)})
    reason = require_text(reason, "reason", _("State the reasons for the extension."))
    decision_reference = optional_text(decision_reference, "decision_reference", max_length=200)
    with transaction.atomic():
        case = locked(case, expected_version)
        if terms.investigation_rule_code(case.category) != code:
            raise StaleVersion()
        if case.status != CaseStatus.INVESTIGATION:
            raise Conflict(
                _("Only the term of a running investigation is extended (the case is “%(status)s”).")
                % {"status": CaseStatus(case.status).label},
                code="not_running",
            )
        before = snapshot(case)
        extensions = list(
            TermExtension.objects.filter(case=case, measure__isnull=True).order_by("created_at", "pk")
        )
        terms.investigation_deadline(
            case,
            extensions=extensions,
            suspensions=Suspension.objects.filter(case=case),
            extra=[Extension(length=length, step=step)],
        )
        author = author_of(actor, case)
        extension = TermExtension.objects.create(
            case=case,
            step=step,
            length=length,
            reason=reason,
            decision_reference=decision_reference,
            granted_by=author,
        )
        source = next((s.get("source") for s in rule.extension_steps if str(s.get("key")) == step), step)
        decision(
            case,
            title=_("Investigation term extended (%(source)s)") % {"source": source},
            act_date=terms.local_day(extension.created_at),
            author=author,
            event="investigation.extended",
            body="\n".join(part for part in (decision_reference, reason) if part),
        )
        terms.refresh(case)
        save(case)
        audit(actor, "case", "investigation_extended", case, before, data={"step": step, "length": length})
        notify(
            case.investigator,
            title=_("The investigation term of case %(number)s was extended"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return extension


# --- suspension -----------------------------------------------------------------------------------------


def case_suspend(
    *,
    actor: Any,
    case: Case,
    ground: str,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Suspension:
    """Suspend the preliminary investigation on a ground of CPC art. 53.1; its term stops running."""
    access.require(actor, case, "edit")
    if ground not in SuspensionGround.values:
        message = _("Choose the ground of suspension (CPC art. 53.1).")
        raise ValidationFailed(message, details={"ground": str(message)})
    reason = require_text(reason, "reason", _("State the reasons for the suspension."))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.SUSPENDED)
        last = (
            Suspension.objects.filter(case=case)
            .order_by("-ended_on")
            .values_list("ended_on", flat=True)
            .first()
        )
        day = check_day(on, case, "on", not_before=last)
        suspension = Suspension.objects.create(case=case, ground=ground, started_on=day, reason=reason)
        decision(
            case,
            title=_("Decision to suspend the preliminary investigation (CPC %(ground)s)")
            % {"ground": ground},
            act_date=day,
            author=author_of(actor, case),
            event="case.suspended",
            body=reason,
        )
        terms.refresh(case)
        save(case, "status")
        audit(actor, "case", "suspended", case, before, data={"ground": ground, "on": day.isoformat()})
    return suspension


def case_resume(
    *,
    actor: Any,
    case: Case,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Resume a suspended investigation; the days between the two decisions are not counted (CPC 218.5)."""
    access.require(actor, case, "edit")
    reason = require_text(reason, "reason", _("State the reasons for resuming the investigation."))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.INVESTIGATION)
        suspension = (
            Suspension.objects.filter(case=case, ended_on__isnull=True).order_by("-started_on").first()
        )
        if suspension is None:
            raise Conflict(_("The case has no running suspension."), code="not_suspended")
        day = check_day(on, case, "on", not_before=suspension.started_on)
        suspension.ended_on = day
        suspension.save(update_fields=["ended_on", "updated_at"])
        decision(
            case,
            title=_("Decision to resume the preliminary investigation"),
            act_date=day,
            author=author_of(actor, case),
            event="case.resumed",
            body=reason,
        )
        terms.refresh(case)
        save(case, "status")
        audit(
            actor, "case", "resumed", case, before, data={"on": day.isoformat(), "suspension": suspension.pk}
        )
    return case


# --- joinder --------------------------------------------------------------------------------------------


def case_join(
    *,
    actor: Any,
    case: Case,
    into: Case,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Join `case` into the open case `into` (CPC art. 49): its parties, articles and running measures go
    to `into`; `case` is closed as "joined". The actor must be on the team of both cases."""
    access.require(actor, case, "edit")
    access.require(actor, into, "edit")
    if into.pk == case.pk:
        message = _("A case cannot be joined into itself.")
        raise ValidationFailed(message, details={"into": str(message)})
    reason = require_text(reason, "reason", _("State the grounds for joining the cases (CPC art. 49)."))
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in Case.objects.select_for_update(of=("self",))
            .select_related("unit", "investigator", "supervisor")
            .filter(pk__in=[case.pk, into.pk])
            .order_by("pk")
        }
        target = rows[into.pk]
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.JOINED)
        if target.status not in OPEN_STATUSES:
            message = _("A case can be joined only into an open case.")
            raise ValidationFailed(message, details={"into": str(message)})
        day = check_day(on, case, "on", not_before=terms.local_day(target.opened_at))
        now = timezone.now()
        case.joined_into = target
        case.completed_at = moment_of(day)  # the decision's day (statistics count it)
        case.completion_grounds = reason
        Suspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day, updated_at=now)
        mapping: dict[int, CaseParty] = {}
        for party in CaseParty.objects.filter(case=case, until__isnull=True).select_related("person"):
            existing = CaseParty.objects.filter(
                case=target, person=party.person, role=party.role, until__isnull=True
            ).first()
            mapping[party.pk] = existing or CaseParty.objects.create(
                case=target, person=party.person, role=party.role, since=day, note=party.note
            )
        moved = []
        for measure in PreventiveMeasure.objects.filter(case=case, ended_at__isnull=True):
            measure.case = target
            measure.party = mapping[measure.party_id]
            measure.save(update_fields=["case", "party", "updated_at"])
            TermExtension.objects.filter(measure=measure).update(case=target)
            moved.append(measure.pk)
        target_refs = set(
            Qualification.objects.filter(case=target, ended_on__isnull=True).values_list(
                "reference", flat=True
            )
        )
        author = author_of(actor, case)
        added = []
        for row in Qualification.objects.filter(case=case, ended_on__isnull=True).order_by("-is_main", "pk"):
            if row.reference not in target_refs:
                Qualification.objects.create(
                    case=target,
                    article_id=row.article_id,
                    reference=row.reference,
                    is_main=False,
                    valid_from=day,
                    reason=str(_("Joined case %(number)s") % {"number": case.number}),
                    recorded_by=author,
                )
                added.append(row.reference)
        target_before = snapshot(target)
        if added:
            target.articles = articles_text(
                [*(target.articles.split(", ") if target.articles else []), *added]
            )
        decision(
            case,
            title=_("Decision to join the case into case %(number)s") % {"number": target.number},
            act_date=day,
            author=author,
            event="case.joined",
            body=reason,
        )
        decision(
            target,
            title=_("Case %(number)s was joined into this case") % {"number": case.number},
            act_date=day,
            author=author,
            event="case.joined_from",
            body=reason,
        )
        terms.refresh(case)
        save(case, "status", "joined_into", "completed_at", "completion_grounds")
        terms.refresh(target)
        save(target, "articles")
        audit(actor, "case", "joined", case, before, data={"into": target.number, "measures": moved})
        audit(
            actor,
            "case",
            "joined_from",
            target,
            target_before,
            data={"from": case.number, "parties": len(mapping), "articles": added, "measures": moved},
        )
    return case


# --- transfer and team ----------------------------------------------------------------------------------


def case_transfer(
    *,
    actor: Any,
    case: Case,
    to_unit: Unit,
    investigator: Any,
    reason: str,
    supervisor: Any = None,
    expected_version: int | None = None,
) -> Transfer:
    """Move the case to another investigating unit with a new team (the number stays)."""
    access.require(actor, case, "supervise")
    reason = require_text(reason, "reason", _("State why the case is transferred."))
    if to_unit.pk == case.unit_id:
        message = _("Choose another unit.")
        raise ValidationFailed(message, details={"to_unit": str(message)})
    if not to_unit.is_active:
        message = _("A case cannot be transferred to an inactive unit.")
        raise ValidationFailed(message, details={"to_unit": str(message)})
    check_employee(investigator, Role.INVESTIGATE, to_unit, "investigator")
    if supervisor is not None:
        check_employee(supervisor, Role.SUPERVISE, to_unit, "supervisor")
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        before = snapshot(case)
        author = author_of(actor, case)
        transfer = Transfer.objects.create(
            case=case, from_unit=case.unit, to_unit=to_unit, reason=reason, transferred_by=author
        )
        now = timezone.now()
        removed = TeamMember.objects.filter(case=case, removed_at__isnull=True).update(
            removed_at=now, updated_at=now
        )
        TeamMember.objects.create(case=case, employee=investigator, role=TeamRole.LEAD)
        case.unit = to_unit
        case.investigator = investigator
        if supervisor is not None:
            case.supervisor = supervisor
        decision(
            case,
            title=_("Decision to transfer the case to %(unit)s") % {"unit": to_unit.name},
            act_date=terms.local_day(now),
            author=author,
            event="case.transferred",
            body=reason,
        )
        terms.refresh(case)
        save(case, "unit", "investigator", "supervisor")
        audit(
            actor,
            "case",
            "transferred",
            case,
            before,
            data={"transfer": transfer.pk, "team_removed": removed},
        )
        notify(
            investigator,
            title=_("Criminal case %(number)s was assigned to you"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return transfer


def team_add(
    *,
    actor: Any,
    case: Case,
    employee: Any,
    lead: bool = False,
    expected_version: int | None = None,
) -> TeamMember:
    """Add an investigator to the team, or make them the investigator in charge (`lead`)."""
    access.require(actor, case, "supervise")
    check_employee(employee, Role.INVESTIGATE, case.unit, "employee")
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        before = snapshot(case)
        existing = TeamMember.objects.filter(case=case, employee=employee, removed_at__isnull=True).first()
        if existing is not None and (not lead or existing.role == TeamRole.LEAD):
            raise Conflict(_("The employee is already on the team."), code="already_on_team")
        if lead:
            TeamMember.objects.filter(case=case, role=TeamRole.LEAD, removed_at__isnull=True).update(
                role=TeamRole.MEMBER, updated_at=timezone.now()
            )
            if existing is not None:
                existing.role = TeamRole.LEAD
                existing.save(update_fields=["role", "updated_at"])
                member = existing
            else:
                member = TeamMember.objects.create(case=case, employee=employee, role=TeamRole.LEAD)
            case.investigator = employee
            terms.refresh(case)
        else:
            member = TeamMember.objects.create(case=case, employee=employee, role=TeamRole.MEMBER)
        save(case, "investigator")
        audit(actor, "team", "added", case, before, data={"employee": employee.get_username(), "lead": lead})
        notify(
            employee,
            title=_("You were added to the team of case %(number)s"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return member


def team_remove(*, actor: Any, member: TeamMember, expected_version: int | None = None) -> TeamMember:
    """Take an investigator off the team; the row stays with its end time."""
    case = member.case
    access.require(actor, case, "supervise")
    with transaction.atomic():
        case = locked(case, expected_version)
        row = TeamMember.objects.select_related("employee").filter(pk=member.pk, case=case).first()
        if row is None or row.removed_at is not None:
            raise Conflict(_("The employee is no longer on the team."), code="not_on_team")
        member = row
        if member.role == TeamRole.LEAD:
            raise Conflict(
                _("Appoint another investigator in charge before taking this one off the team."),
                code="lead_member",
            )
        member.removed_at = timezone.now()
        member.save(update_fields=["removed_at", "updated_at"])
        save(case)
        audit(actor, "team", "removed", case, data={"employee": member.employee.get_username()})
    return member


# --- completion -----------------------------------------------------------------------------------------


def case_submit_indictment(
    *,
    actor: Any,
    case: Case,
    body: str,
    title: str = "",
    expected_version: int | None = None,
) -> ProceduralAct:
    """The team sends the case with the indictment to the supervising prosecutor (CPC art. 290.1).

    Requires at least one accused and a main article; the investigation term stops and the prosecutor's
    5 days to decide (290.3) start.
    """
    access.require(actor, case, "edit")
    body = require_text(body, "body", _("Write the indictment."))
    title = optional_text(title, "title", max_length=300) or str(_("Indictment"))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.INDICTMENT)
        if not CaseParty.objects.filter(case=case, role=PartyRole.ACCUSED, until__isnull=True).exists():
            raise Conflict(
                _("An indictment needs at least one accused person: bring the charge first."),
                code="no_accused",
            )
        if not Qualification.objects.filter(case=case, is_main=True, ended_on__isnull=True).exists():
            raise Conflict(
                _("An indictment needs the main article of the qualification."), code="no_main_article"
            )
        now = timezone.now()
        case.indictment_submitted_at = now
        act = write_act(
            case,
            kind=ActKind.INDICTMENT,
            title=title,
            act_date=terms.local_day(now),
            author=author_of(actor, case),
            event="indictment.submitted",
            body=body,
        )
        terms.refresh(case)
        save(case, "status", "indictment_submitted_at")
        audit(actor, "case", "indictment_submitted", case, before, data={"act": act.pk})
        notify(
            case.supervisor,
            title=_("The indictment of case %(number)s awaits your decision"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return act


def _refuse_own_indictment(actor: Any, case: Case) -> None:
    if actor is not None and access.is_team_member(actor, case):
        raise Forbidden(
            _(
                "The indictment is decided by the supervising prosecutor, not by a member of the "
                "investigation team."
            ),
            code="own_indictment",
        )


def case_approve_indictment(
    *, actor: Any, case: Case, note: str = "", expected_version: int | None = None
) -> Case:
    """The supervising prosecutor approves the indictment and sends the case to court (CPC 290.3, 292)."""
    access.require(actor, case, "supervise")
    _refuse_own_indictment(actor, case)
    note = optional_text(note, "note", max_length=20_000)
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.SENT_TO_COURT)
        now = timezone.now()
        case.completed_at = now
        decision(
            case,
            title=_("Indictment approved; the case is sent to court"),
            act_date=terms.local_day(now),
            author=author_of(actor, case),
            event="indictment.approved",
            body=note,
        )
        terms.refresh(case)
        save(case, "status", "completed_at")
        audit(actor, "case", "indictment_approved", case, before)
        notify(
            case.investigator,
            title=_("Case %(number)s was sent to court"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return case


def case_return_indictment(
    *, actor: Any, case: Case, reason: str, expected_version: int | None = None
) -> Case:
    """The supervising prosecutor returns the case for additional investigation (CPC art. 290.3)."""
    access.require(actor, case, "supervise")
    _refuse_own_indictment(actor, case)
    reason = require_text(reason, "reason", _("State what has to be investigated further."))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        if case.status != CaseStatus.INDICTMENT:
            raise Conflict(
                _("Only a case whose indictment awaits the prosecutor's decision can be returned."),
                code="transition_not_allowed",
                details={"status": case.status},
            )
        move(case, CaseStatus.INVESTIGATION)
        case.indictment_submitted_at = None
        decision(
            case,
            title=_("Case returned for additional investigation (CPC art. 290.3)"),
            act_date=timezone.localdate(),
            author=author_of(actor, case),
            event="indictment.returned",
            body=reason,
        )
        terms.refresh(case)
        save(case, "status", "indictment_submitted_at")
        audit(actor, "case", "indictment_returned", case, before)
        notify(
            case.investigator,
            title=_("Case %(number)s was returned for additional investigation"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return case


def case_terminate(
    *,
    actor: Any,
    case: Case,
    ground: str,
    grounds: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Terminate the case on a ground of CPC arts. 39-41; running measures and terms end."""
    access.require(actor, case, "edit")
    if ground not in TerminationGround.values:
        message = _("Choose the legal ground of termination.")
        raise ValidationFailed(message, details={"ground": str(message)})
    grounds = require_text(grounds, "grounds", _("State the reasons for terminating the case."))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.TERMINATED)
        day = check_day(on, case, "on")
        now = timezone.now()
        Suspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day, updated_at=now)
        ended = end_running_measures(case, reason=str(_("The case was terminated")), at=now)
        case.completed_at = moment_of(day)  # the decision's day (statistics count it)
        case.completion_grounds = grounds
        case.termination_ground = ground
        decision(
            case,
            title=_("Decision to terminate the criminal case (CPC %(ground)s)") % {"ground": ground},
            act_date=day,
            author=author_of(actor, case),
            event="case.terminated",
            body=grounds,
        )
        terms.refresh(case)
        save(case, *COMPLETION_FIELDS, "termination_ground")
        audit(actor, "case", "terminated", case, before, data={"measures_ended": ended})
    return case


def case_refer(
    *,
    actor: Any,
    case: Case,
    body: str,
    grounds: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Refer the case to another body by jurisdiction; its measures end here and the other body decides."""
    access.require(actor, case, "edit")
    body = require_text(body, "body", _("Name the body the case is referred to."), max_length=200)
    grounds = require_text(grounds, "grounds", _("State the grounds for the referral."))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        move(case, CaseStatus.REFERRED)
        day = check_day(on, case, "on")
        now = timezone.now()
        ended = end_running_measures(
            case, reason=str(_("The case was referred to %(body)s") % {"body": body}), at=now
        )
        case.completed_at = moment_of(day)  # the decision's day (statistics count it)
        case.completion_grounds = grounds
        case.referred_to = body
        decision(
            case,
            title=_("Decision to refer the case to %(body)s") % {"body": body},
            act_date=day,
            author=author_of(actor, case),
            event="case.referred",
            body=grounds,
        )
        terms.refresh(case)
        save(case, *COMPLETION_FIELDS, "referred_to")
        audit(actor, "case", "referred", case, before, data={"measures_ended": ended})
    return case


def case_reopen(
    *,
    actor: Any,
    case: Case,
    grounds: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """Resume the investigation of a terminated case (termination quashed) or of a case the court
    returned; the investigation term runs again and may need an extension."""
    access.require(actor, case, "supervise")
    grounds = require_text(grounds, "grounds", _("State why the investigation is resumed."))
    with transaction.atomic():
        case = locked(case, expected_version)
        before = snapshot(case)
        if case.status not in (CaseStatus.TERMINATED, CaseStatus.SENT_TO_COURT):
            raise Conflict(
                _(
                    "Only a terminated case or a case returned by the court is reopened "
                    "(the case is “%(status)s”)."
                )
                % {"status": CaseStatus(case.status).label},
                code="transition_not_allowed",
            )
        move(case, CaseStatus.INVESTIGATION)
        day = check_day(on, case, "on")
        case.completed_at = None
        case.termination_ground = ""
        case.completion_grounds = ""
        case.indictment_submitted_at = None
        decision(
            case,
            title=_("Decision to resume the investigation of the case"),
            act_date=day,
            author=author_of(actor, case),
            event="case.reopened",
            body=grounds,
        )
        terms.refresh(case)
        save(case, *COMPLETION_FIELDS, "termination_ground", "indictment_submitted_at")
        audit(actor, "case", "reopened", case, before)
    return case


# --- reads of protected data ----------------------------------------------------------------------------


def case_record_view(*, actor: Any, case: Case, purpose: str = "", part: str = "") -> None:
    """A read of the case (its card, a tab of it, the API) is audited: it holds personal data."""
    from eprok.audit.services import audit_record

    # audit_record opens its own transaction (without a savepoint): the read costs two queries.
    audit_record(
        actor=actor,
        action="cases.case.viewed",
        target=case,
        purpose=purpose,
        data={"part": part} if part else None,
    )


def case_record_export(*, actor: Any, filters: dict[str, str], fmt: str, max_rows: int) -> None:
    from eprok.audit.services import audit_record

    audit_record(
        actor=actor,
        action="cases.case.exported",
        target_type="cases.case",
        data={"filters": filters, "format": fmt, "max_rows": max_rows},
    )
