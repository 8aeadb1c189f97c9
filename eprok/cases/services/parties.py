"""Parties to a case (from the person registry) and the procedural acts the team records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import Conflict, ValidationFailed
from eprok.persons.models import PartyRole, Person

from .. import access
from ..models import ActKind, Case, CaseParty, PreventiveMeasure, ProceduralAct
from ._base import (
    MAX_TEXT,
    audit,
    author_of,
    check_day,
    locked,
    optional_text,
    require_open,
    require_text,
    save,
    write_act,
)

# Suspect and accused are one procedural position at a time: the change goes through a status change.
DEFENCE_POSITION = frozenset({PartyRole.SUSPECT, PartyRole.ACCUSED})
# Acts the team records by hand; charges, measures and the indictment are written by their own actions.
MANUAL_ACT_KINDS = frozenset({ActKind.DECISION, ActKind.PROTOCOL, ActKind.MOTION, ActKind.OTHER})
NOTE_LENGTH = 300


def _check_role(role: str) -> None:
    if role not in PartyRole.values:
        message = _("Choose the person's role from the list.")
        raise ValidationFailed(message, details={"role": str(message)})


def _active_party(party: CaseParty, case: Case) -> CaseParty:
    row = CaseParty.objects.select_related("person").filter(pk=party.pk, case=case).first()
    if row is None or row.until is not None:
        raise Conflict(_("The person no longer takes part in the case in this role."), code="party_ended")
    return row


def _refuse_duplicate(case: Case, person: Person, role: str, *, exclude: int | None = None) -> None:
    active = CaseParty.objects.filter(case=case, person=person, until__isnull=True)
    if exclude is not None:
        active = active.exclude(pk=exclude)
    if active.filter(role=role).exists():
        raise Conflict(
            _("The person already takes part in the case as “%(role)s”.") % {"role": PartyRole(role).label},
            code="duplicate_party",
            details={"person": str(person.public_id)},
        )
    if role in DEFENCE_POSITION and active.filter(role__in=DEFENCE_POSITION).exists():
        raise Conflict(
            _("The person is already a suspect or accused in the case: change their status instead."),
            code="duplicate_party",
            details={"role": role},
        )


def _charge(case: Case, party: CaseParty, *, day: dt.date, author: Any, note: str) -> ProceduralAct:
    """Bringing a charge (CPC art. 224) is written on the timeline when a person becomes the accused."""
    return write_act(
        case,
        kind=ActKind.CHARGE,
        title=_("Decision to bring a charge against %(name)s") % {"name": party.person.display_name},
        act_date=day,
        author=author,
        event="party.charged",
        body=note,
        party=party,
    )


def case_add_party(
    *,
    actor: Any,
    case: Case,
    person: Person,
    role: str,
    since: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> CaseParty:
    """Add a person from the registry to the case in a procedural role."""
    access.require(actor, case, "edit")
    _check_role(role)
    note = optional_text(note, "note", max_length=NOTE_LENGTH)
    if person.merged_into_id is not None:
        raise Conflict(
            _("This person's record was merged into another one; add the surviving record."),
            code="person_merged",
            details={"person": str(person.public_id)},
        )
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        day = check_day(since, case, "since")
        _refuse_duplicate(case, person, role)
        party = CaseParty.objects.create(case=case, person=person, role=role, since=day, note=note)
        if role == PartyRole.ACCUSED:
            _charge(case, party, day=day, author=author_of(actor, case), note=note)
        save(case)
        audit(
            actor,
            "party",
            "added",
            case,
            data={"party": party.pk, "person": str(person.public_id), "role": role},
        )
    return party


def case_change_party_status(
    *,
    actor: Any,
    party: CaseParty,
    role: str,
    on: dt.date | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> CaseParty:
    """Change a person's procedural status (suspect -> accused): the old row ends, a new one starts.

    Running measures follow the person to the new row; becoming the accused writes the charge.
    """
    case = party.case
    access.require(actor, case, "edit")
    _check_role(role)
    note = optional_text(note, "note", max_length=NOTE_LENGTH)
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        party = _active_party(party, case)
        if party.role == role:
            message = _("The person already has this status.")
            raise ValidationFailed(message, details={"role": str(message)})
        day = check_day(on, case, "on", not_before=party.since)
        _refuse_duplicate(case, party.person, role, exclude=party.pk)
        party.until = day
        party.save(update_fields=["until", "updated_at"])
        new = CaseParty.objects.create(
            case=case, person=party.person, role=role, since=day, note=note or party.note
        )
        moved = PreventiveMeasure.objects.filter(party=party, ended_at__isnull=True).update(party=new)
        if role == PartyRole.ACCUSED:
            _charge(case, new, day=day, author=author_of(actor, case), note=note)
        save(case)
        audit(
            actor,
            "party",
            "status_changed",
            case,
            data={
                "person": str(party.person.public_id),
                "from": party.role,
                "to": role,
                "ended": party.pk,
                "party": new.pk,
                "measures_moved": moved,
            },
        )
    return new


def case_remove_party(
    *,
    actor: Any,
    party: CaseParty,
    reason: str,
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> CaseParty:
    """End a person's part in the case; the row stays as history. Running measures must end first."""
    case = party.case
    access.require(actor, case, "edit")
    reason = require_text(reason, "reason", _("State why the person no longer takes part."), max_length=2000)
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        party = _active_party(party, case)
        day = check_day(on, case, "on", not_before=party.since)
        if PreventiveMeasure.objects.filter(party=party, ended_at__isnull=True).exists():
            raise Conflict(
                _("A preventive measure applied to the person is still running; end it first."),
                code="measure_running",
            )
        party.until = day
        party.save(update_fields=["until", "updated_at"])
        save(case)
        audit(
            actor,
            "party",
            "removed",
            case,
            data={
                "party": party.pk,
                "person": str(party.person.public_id),
                "role": party.role,
                "reason": reason,
            },
        )
    return party


def case_add_act(
    *,
    actor: Any,
    case: Case,
    kind: str,
    title: str,
    act_date: dt.date | None = None,
    body: str = "",
    party: CaseParty | None = None,
    expected_version: int | None = None,
) -> ProceduralAct:
    """Record a procedural act (decision, protocol, motion, ...) on the case's timeline."""
    access.require(actor, case, "edit")
    if kind not in MANUAL_ACT_KINDS:
        message = _("Charges, preventive measures and the indictment are recorded by their own actions.")
        raise ValidationFailed(message, details={"kind": str(message)})
    title = require_text(title, "title", _("Give the act a title."), max_length=300)
    body = optional_text(body, "body", max_length=MAX_TEXT)
    if party is not None and party.case_id != case.pk:
        message = _("Choose a party of this case.")
        raise ValidationFailed(message, details={"party": str(message)})
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        day = check_day(act_date, case, "act_date")
        act = write_act(
            case,
            kind=kind,
            title=title,
            act_date=day,
            author=author_of(actor, case),
            event="",
            body=body,
            party=party,
        )
        save(case)
        audit(actor, "act", "added", case, data={"act": act.pk, "kind": kind, "title": title[:200]})
    return act
