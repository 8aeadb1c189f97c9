"""Registration, assignment, the course of the check and its term (CPC art. 207.1)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core import numbering
from eprok.core.calendar.deadlines import Extension, may_grant_extension
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.criminal_code.references import InvalidReference, parse_reference
from eprok.materials import access, terms
from eprok.materials.models import (
    CheckAction,
    CheckActionKind,
    CheckExtension,
    Material,
    MaterialParty,
    MaterialSource,
    MaterialStatus,
)
from eprok.materials.services.base import (
    CLOCK_SKEW,
    _audit,
    _locked,
    _move,
    _notify,
    _require_open,
    _require_text,
    _save,
    _snapshot,
    _transition,
)
from eprok.org.models import Unit
from eprok.persons.models import PartyRole
from eprok.search.services import index_later
from eprok.stats.models import SubjectType
from eprok.stats.services import record as stats_record

# --- registration ------------------------------------------------------------------------------------

_ARTICLE_SPLIT = re.compile(r"[,;\s]+")


def normalise_articles(text: str | None, *, on: dt.date) -> str:
    """ "177.2.3; 178.1" -> "177.2.3, 178.1", each checked against the Code in force on `on`."""
    references = []
    for token in _ARTICLE_SPLIT.split((text or "").strip()):
        if not token:
            continue
        try:
            references.append(str(parse_reference(token, on=on)))
        except InvalidReference as exc:
            raise ValidationFailed(
                exc.message, code=exc.code, details={"articles": str(exc.message)}
            ) from exc
    result = ", ".join(dict.fromkeys(references))
    if len(result) > Material._meta.get_field("articles").max_length:  # type: ignore[operator]
        message = _("Name at most a few articles in the preliminary qualification.")
        raise ValidationFailed(message, details={"articles": str(message)})
    return result


def _check_registration(
    *,
    unit: Unit,
    source: str,
    received_at: dt.datetime | None,
    registered_at: dt.datetime,
    summary: str,
    is_anonymous: bool,
    incident_date: dt.date | None,
    assignee: Any,
    articles: str,
) -> str:
    """Every field's problem at once (ValidationFailed); returns the normalised qualification."""
    errors: dict[str, str] = {}
    if source not in MaterialSource.values:
        errors["source"] = str(_("Choose the source of the report from the list."))
    if not summary:
        errors["summary"] = str(_("Write what the report says."))
    if received_at is None:
        errors["received_at"] = str(_("Enter when the report was received."))
    elif received_at > registered_at:
        errors["received_at"] = str(_("A report cannot be received after it was registered."))
    if registered_at > timezone.now() + CLOCK_SKEW:
        errors["registered_at"] = str(_("A report cannot be registered in the future."))
    if incident_date is not None and incident_date > timezone.localtime(registered_at).date():
        errors["incident_date"] = str(_("The incident cannot have happened after the report was registered."))
    if is_anonymous and source == MaterialSource.SURRENDER:
        errors["is_anonymous"] = str(_("A confession (surrender) is made in person; it cannot be anonymous."))
    if assignee is not None and not access.is_eligible_assignee(assignee, unit):
        errors["assignee"] = str(
            _("The assignee must hold the role “Investigate” or “Supervise investigations” over the unit.")
        )
    registered_on = timezone.localtime(registered_at).date()
    try:
        articles = normalise_articles(articles, on=incident_date or registered_on)
    except ValidationFailed as exc:
        errors.update(exc.details)
    if errors:
        raise ValidationFailed(details=errors)
    return articles


@transaction.atomic
def material_register(
    *,
    actor: Any,
    unit: Unit,
    source: str,
    received_at: dt.datetime | None,
    summary: str,
    is_anonymous: bool = False,
    source_reference: str = "",
    incident_date: dt.date | None = None,
    incident_place: str = "",
    articles: str = "",
    assignee: Any = None,
    registered_at: dt.datetime | None = None,
) -> Material:
    """Register a report on receipt (CPC art. 207.1.1): number it, start the check term, maybe assign it."""
    registered_at = registered_at or timezone.now()
    summary = (summary or "").strip()
    articles = _check_registration(
        unit=unit,
        source=source,
        received_at=received_at,
        registered_at=registered_at,
        summary=summary,
        is_anonymous=is_anonymous,
        incident_date=incident_date,
        assignee=assignee,
        articles=articles,
    )
    assert received_at is not None  # checked above
    registered_on = timezone.localtime(registered_at).date()
    if not unit.is_active:
        raise Conflict(_("Reports cannot be registered in an inactive unit."), code="inactive_unit")
    rule = terms.check_rule()
    number = numbering.next_number(register="materials", unit_code=unit.code, on=registered_on)
    material = Material(
        number=number,
        unit=unit,
        source=source,
        received_at=received_at,
        registered_at=registered_at,
        registered_by=actor,
        is_anonymous=is_anonymous,
        source_reference=(source_reference or "").strip()[:200],
        summary=summary,
        incident_date=incident_date,
        incident_place=(incident_place or "").strip()[:300],
        articles=articles,
        assignee=assignee,
        check_started_at=registered_at,
    )
    deadline = terms.check_deadline(material, rule=rule, extensions=[])
    material.check_due = deadline.due
    material.save(force_insert=True)
    terms.track_check(material, deadline, new=True)
    index_later("materials.material", material.pk)
    stats_record(SubjectType.MATERIAL, material.pk)  # the "registered" card
    audit_record(
        actor=actor,
        action="materials.material.registered",
        target=material,
        changes={
            "after": {
                "number": number,
                "unit": unit.code,
                "source": source,
                "is_anonymous": is_anonymous,
                "received_at": received_at.isoformat() if received_at else None,
                "registered_at": registered_at.isoformat(),
                "articles": articles or None,
                "assignee": assignee.get_username() if assignee else None,
                "check_due": deadline.due.isoformat(),
            }
        },
    )
    _notify(
        assignee,
        title=str(_("A crime report was assigned to you for checking")),
        material=material,
        actor=actor,
    )
    return material


# --- assignment and the course of the check ----------------------------------------------------------


@transaction.atomic
def material_assign(
    *, actor: Any, material: Material, assignee: Any, expected_version: int | None = None
) -> Material:
    """Give the check to a prosecutor or investigator of the unit (or hand it to another one)."""
    material = _locked(material, expected_version)
    _require_open(material)
    if not access.is_eligible_assignee(assignee, material.unit):
        message = _(
            "The assignee must hold the role “Investigate” or “Supervise investigations” over the unit."
        )
        raise ValidationFailed(message, code="assignee_not_eligible", details={"assignee": str(message)})
    if material.assignee_id == assignee.pk:
        return material
    before = _snapshot(material)
    material.assignee = assignee
    _save(material, "assignee")
    terms.track_check(material, terms.check_deadline(material))
    _audit(actor, "assigned", material, before, related=assignee)
    _notify(
        assignee,
        title=str(_("A crime report was assigned to you for checking")),
        material=material,
        actor=actor,
    )
    return material


@transaction.atomic
def material_start_check(*, actor: Any, material: Material, expected_version: int | None = None) -> Material:
    """Mark a registered report as under check (the first recorded step does this too)."""
    material, before = _transition(material, to=MaterialStatus.IN_CHECK, expected_version=expected_version)
    _save(material, "status")
    _audit(actor, "check_started", material, before)
    return material


@transaction.atomic
def material_add_action(
    *,
    actor: Any,
    material: Material,
    kind: str,
    performed_on: dt.date | None,
    description: str,
    expected_version: int | None = None,
) -> CheckAction:
    """Record a step of the check (CPC art. 207.4); the first one puts a registered report under check."""
    description = (description or "").strip()
    today = timezone.localdate()
    received_on = timezone.localtime(material.received_at).date()
    errors: dict[str, str] = {}
    if kind not in CheckActionKind.values:
        errors["kind"] = str(_("Choose the kind of step from the list."))
    if performed_on is None:
        errors["performed_on"] = str(_("Enter the date of the step."))
    elif performed_on > today:
        errors["performed_on"] = str(_("A step cannot be dated in the future."))
    elif performed_on < received_on:
        errors["performed_on"] = str(_("A step cannot be dated before the report was received."))
    if not description:
        errors["description"] = str(_("Describe the step and what it established."))
    if errors or performed_on is None:
        raise ValidationFailed(details=errors)
    locked = _locked(material, expected_version)
    _require_open(locked)
    before = _snapshot(locked)
    fields = []
    if locked.status == MaterialStatus.REGISTERED:
        _move(locked, MaterialStatus.IN_CHECK)
        fields.append("status")
    action = CheckAction.objects.create(
        material=locked, kind=kind, performed_on=performed_on, description=description, recorded_by=actor
    )
    _save(locked, *fields)
    _audit(
        actor,
        "action_added",
        locked,
        before,
        data={"action_id": action.pk, "kind": kind, "performed_on": performed_on.isoformat()},
    )
    return action


@transaction.atomic
def material_add_party(
    *,
    actor: Any,
    material: Material,
    person: Any,
    role: str,
    note: str = "",
    expected_version: int | None = None,
) -> MaterialParty:
    """Name a person's role in the report (applicant, victim, suspect, witness, ...)."""
    if role not in PartyRole.values:
        message = _("Choose the role from the list.")
        raise ValidationFailed(message, details={"role": str(message)})
    if person is None:
        message = _("Choose a person.")
        raise ValidationFailed(message, details={"person": str(message)})
    if getattr(person, "merged_into_id", None):
        message = _("This record was merged into another person's; choose that person instead.")
        raise ValidationFailed(message, code="person_merged", details={"person": str(message)})
    locked = _locked(material, expected_version)
    _require_open(locked)
    if locked.is_anonymous and role == PartyRole.APPLICANT:
        message = _("The report is anonymous: its author is not identified, so it has no applicant.")
        raise ValidationFailed(message, code="anonymous_applicant", details={"role": str(message)})
    if MaterialParty.objects.filter(material=locked, person=person, role=role).exists():
        message = _("This person already has this role in the report.")
        raise Conflict(message, code="duplicate_party", details={"person": str(message)})
    before = _snapshot(locked)
    try:
        with transaction.atomic():
            party = MaterialParty.objects.create(
                material=locked, person=person, role=role, note=(note or "").strip()[:300]
            )
    except IntegrityError as exc:  # the same party added concurrently
        raise Conflict(_("This person already has this role in the report."), code="duplicate_party") from exc
    _save(locked)
    _audit(actor, "party_added", locked, before, related=person, data={"party_id": party.pk, "role": role})
    return party


@transaction.atomic
def material_remove_party(
    *, actor: Any, material: Material, party: MaterialParty, expected_version: int | None = None
) -> Material:
    """Take a person's role off the report (entered by mistake)."""
    locked = _locked(material, expected_version)
    _require_open(locked)
    if party.material_id != locked.pk:
        raise ValidationFailed(_("This party belongs to another report."), code="party_mismatch")
    before = _snapshot(locked)
    person, role, party_id = party.person, party.role, party.pk
    MaterialParty.objects.filter(pk=party_id).delete()
    _save(locked)
    _audit(actor, "party_removed", locked, before, related=person, data={"party_id": party_id, "role": role})
    return locked


# --- the check term ----------------------------------------------------------------------------------


@transaction.atomic
def material_extend_check(
    *,
    actor: Any,
    material: Material,
    step: str,
    reason: str,
    length: int | None = None,
    expected_version: int | None = None,
) -> CheckExtension:
    """Extend the check under a step of rule cpc.207.check (to 10 or to 30 days: CPC art. 207.1.2).

    Refused when the actor does not hold the step's role over the unit (Forbidden) or when the term
    would pass the legal maximum (ExtensionRefused); nothing is written then.
    """
    reason = _require_text(reason, "reason", _("Give the reason for the extension."))
    rule = terms.check_rule()
    steps = {str(s.get("key")): s for s in (rule.extension_steps or [])}
    if step not in steps:
        message = _("Choose a ground for the extension from the list.")
        raise ValidationFailed(message, code="extension_step_invalid", details={"step": str(message)})
    step_length = int(steps[step].get("length", 0))
    if length is not None and not 1 <= int(length) <= step_length:
        too_long = _("Under this ground the term is extended by 1 to %(max)d days.") % {"max": step_length}
        raise ValidationFailed(too_long, code="extension_length_invalid", details={"length": too_long})
    locked = _locked(material, expected_version)
    _require_open(locked)
    if not may_grant_extension(actor, rule, step, locked.unit):
        raise Forbidden(
            _("Only the supervising prosecutor (the role named by the rule) may extend the check term."),
            code="extension_not_permitted",
        )
    stored = list(locked.extensions.all())
    if length is None:
        # "Up to 10 / up to 30 days": by default the ground takes the term to its limit, so the
        # 30-day ground after the 10-day one adds 20 days, and on its own 27.
        so_far = terms.check_deadline(locked, rule=rule, extensions=stored).total_length
        room = (rule.max_total_length or so_far + step_length) - so_far
        length = min(step_length, room) if room >= 1 else step_length
    length = int(length)
    # ExtensionRefused (422) when the steps or the legal maximum would be exceeded.
    deadline = terms.check_deadline(locked, rule=rule, extensions=stored, extra=[Extension(length, step)])
    before = _snapshot(locked)
    extension = CheckExtension.objects.create(
        material=locked,
        step=step,
        length=length,
        reason=reason,
        granted_by=actor,
        check_round=locked.check_round,
    )
    locked.check_due = deadline.due
    _save(locked, "check_due")
    terms.track_check(locked, deadline)
    _audit(
        actor,
        "check_extended",
        locked,
        before,
        data={"extension_id": extension.pk, "step": step, "length": length, "total": deadline.total_length},
    )
    _notify(
        locked.assignee,
        title=str(_("The check term of a crime report was extended")),
        material=locked,
        actor=actor,
    )
    return extension
