"""Superiors' written instructions (göstəriş) on a case: given with a due date, acknowledged and reported on
by the team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import Conflict, ValidationFailed

from .. import access, terms
from ..models import Case, Instruction
from ._base import audit, author_of, locked, notify, require_open, require_text, save

# An instruction is about the investigation at hand: its due date lies within a year.
LONGEST = dt.timedelta(days=366)


def _instruction(instruction: Instruction, case: Case) -> Instruction:
    row = Instruction.objects.select_related("author").filter(pk=instruction.pk, case=case).first()
    if row is None:
        raise Conflict(_("No such instruction in this case."), code="not_found")
    if row.completed_at is not None:
        raise Conflict(_("The instruction has already been reported on."), code="instruction_done")
    return row


def instruction_give(
    *,
    actor: Any,
    case: Case,
    text: str,
    due_date: dt.date,
    expected_version: int | None = None,
) -> Instruction:
    """A superior or the supervising prosecutor instructs the team, with a due date."""
    access.require(actor, case, "supervise")
    text = require_text(text, "text", _("Write the instruction."))
    today = timezone.localdate()
    if due_date is None or due_date < today or due_date > today + LONGEST:
        message = _("Choose a due date from today to a year from now.")
        raise ValidationFailed(message, details={"due_date": str(message)})
    with transaction.atomic():
        case = locked(case, expected_version)
        require_open(case)
        instruction = Instruction.objects.create(
            case=case, author=author_of(actor, case), text=text, due_date=due_date
        )
        terms.refresh(case)
        save(case)
        audit(
            actor,
            "instruction",
            "given",
            case,
            data={"instruction": instruction.pk, "due_date": due_date.isoformat()},
        )
        notify(
            case.investigator,
            title=_("New instruction on case %(number)s"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return instruction


def instruction_acknowledge(
    *, actor: Any, instruction: Instruction, expected_version: int | None = None
) -> Instruction:
    """A team member confirms the instruction was received."""
    case = instruction.case
    access.require(actor, case, "acknowledge")
    with transaction.atomic():
        case = locked(case, expected_version)
        instruction = _instruction(instruction, case)
        if instruction.acknowledged_at is not None:
            raise Conflict(_("The instruction has already been acknowledged."), code="already_acknowledged")
        instruction.acknowledged_at = timezone.now()
        instruction.acknowledged_by = author_of(actor, case)
        instruction.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        save(case)
        audit(actor, "instruction", "acknowledged", case, data={"instruction": instruction.pk})
    return instruction


def instruction_report(
    *, actor: Any, instruction: Instruction, report: str, expected_version: int | None = None
) -> Instruction:
    """A team member reports how the instruction was carried out; its due date stops running."""
    case = instruction.case
    access.require(actor, case, "acknowledge")
    report = require_text(report, "report", _("Write how the instruction was carried out."))
    with transaction.atomic():
        case = locked(case, expected_version)
        instruction = _instruction(instruction, case)
        now = timezone.now()
        author = author_of(actor, case)
        if instruction.acknowledged_at is None:
            instruction.acknowledged_at = now
            instruction.acknowledged_by = author
        instruction.completed_at = now
        instruction.report = report
        instruction.save(
            update_fields=["acknowledged_at", "acknowledged_by", "completed_at", "report", "updated_at"]
        )
        terms.refresh(case)
        save(case)
        audit(
            actor,
            "instruction",
            "reported",
            case,
            data={"instruction": instruction.pk, "late": terms.local_day(now) > instruction.due_date},
        )
        notify(
            instruction.author,
            title=_("Your instruction on case %(number)s was carried out"),
            case=case,
            actor=actor,
            number=case.number,
        )
    return instruction
