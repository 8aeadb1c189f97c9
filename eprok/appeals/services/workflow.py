"""Resolution (dərkənar), forwarding, the lawful extension, closing a repeat, and adding files.

The rule no service here bends: an appeal is never routed or forwarded to the body or official whose
acts it complains about (Appeals Law art. 7.10; deadlines_az.md A6) — `check_not_complained`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.appeals import access, terms
from eprok.appeals.models import (
    AnswerRule,
    Appeal,
    AppealAttachment,
    AppealExtension,
    AppealStatus,
    Forwarding,
    Outcome,
    Resolution,
    UnconsideredGround,
)
from eprok.appeals.services.base import (
    _audit,
    _locked,
    _move,
    _require_open,
    _save,
    _snapshot,
    _text,
    notify_applicant,
    notify_staff,
)
from eprok.core.calendar.deadlines import Extension, ExtensionRefused
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.org.models import Unit
from eprok.persons import names


class ComplainedBodyRefused(ValidationFailed):
    """The chosen unit or official is the one the appeal complains about (never routed or forwarded to)."""

    code = "complained_body"
    default_message = _(
        "An appeal is never sent to the body or official whose actions it complains about (Appeals Law, "
        "art. 7.10). Choose another executor."
    )


class RepeatRuleNotMet(Conflict):
    code = "repeat_rule_not_met"


def _same_body(a: str, b: str) -> bool:
    """Two names of a body written differently ("Xətai RPİ", "xətai rpi") are the same."""
    fold = names.normalise
    return bool(a.strip()) and fold(a) == fold(b)


def check_not_complained(
    appeal: Appeal, *, unit: Unit | None, employee: Any = None, field: str = "executor_unit", body: str = ""
) -> None:
    """Raise ComplainedBodyRefused if `unit` (or `employee`, or the body named `body`) is the unit
    complained about or lies within it, or is the official complained about."""
    if unit is not None and appeal.excludes_unit(unit):
        raise ComplainedBodyRefused(details={field: str(ComplainedBodyRefused.default_message)})
    if employee is not None:
        if appeal.complained_official_id is not None and employee.pk == appeal.complained_official_id:
            raise ComplainedBodyRefused(details={"executor": str(ComplainedBodyRefused.default_message)})
        if appeal.complained_unit_id is not None and appeal.excludes_unit(employee.unit):
            raise ComplainedBodyRefused(details={"executor": str(ComplainedBodyRefused.default_message)})
    if body and appeal.complained_text and _same_body(body, appeal.complained_text):
        raise ComplainedBodyRefused(details={field: str(ComplainedBodyRefused.default_message)})


def _guard(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()


# --- resolution (dərkənar) -------------------------------------------------------------------------------


@transaction.atomic
def appeal_route(
    *,
    actor: Any,
    appeal: Appeal,
    executor_unit: Unit,
    executor: Any = None,
    instruction: str,
    due_date: dt.date | None = None,
    needs_verification: bool | None = None,
    expected_version: int | None = None,
) -> Resolution:
    """A superior's resolution (dərkənar): the executor unit and person, the instruction and an internal
    due date (not after the legal answer term). `needs_verification` switches the answer term to 30
    working days (art. 10.1). Never to the body or official complained about."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    _guard(access.can_route(actor, appeal))
    instruction = _text(instruction, "instruction", _("Write the instruction of the resolution."))
    check_not_complained(appeal, unit=executor_unit, employee=executor)
    errors: dict[str, str] = {}
    if not executor_unit.is_active:
        errors["executor_unit"] = str(_("The executor unit is no longer active."))
    if executor is not None and not access.is_eligible_executor(executor, executor_unit, appeal):
        errors["executor"] = str(
            _("The executor must hold the role “Answer appeals” over the executor unit.")
        )
    before = _snapshot(appeal)
    fields = ["executor_unit", "executor", "answer_due"]
    if needs_verification is not None:
        wanted = AnswerRule.VERIFICATION if needs_verification else AnswerRule.STANDARD
        if wanted != appeal.answer_rule:
            appeal.answer_rule = wanted
            fields.append("answer_rule")
    try:
        deadline = terms.answer_deadline(appeal)
    except ExtensionRefused as exc:
        errors["needs_verification"] = str(exc.message)
        deadline = None
    today = timezone.localdate()
    if due_date is not None:
        if due_date < today:
            errors["due_date"] = str(_("The due date cannot be in the past."))
        elif deadline is not None and due_date > deadline.due:
            errors["due_date"] = str(
                _("The due date cannot be after the legal answer term (%(due)s).")
                % {"due": deadline.due.strftime("%d.%m.%Y")}
            )
    if errors:
        raise ValidationFailed(details=errors)
    assert deadline is not None
    if appeal.status == AppealStatus.REGISTERED:
        _move(appeal, AppealStatus.IN_WORK)
        fields.append("status")
    appeal.executor_unit = executor_unit
    appeal.executor = executor
    appeal.answer_due = deadline.due
    _save(appeal, *fields)
    resolution = Resolution.objects.create(
        appeal=appeal,
        author=actor,
        executor_unit=executor_unit,
        executor=executor,
        instruction=instruction,
        due_date=due_date,
    )
    terms.track_answer(appeal, deadline)
    terms.close_forward(appeal)
    _audit(
        actor,
        "routed",
        appeal,
        before,
        related=executor,
        data={"instruction": instruction, "due_date": due_date.isoformat() if due_date else None},
    )
    if executor is not None:
        recipients: list[Any] = [executor]
    else:
        from eprok.appeals.selectors import answer_holders

        recipients = answer_holders(unit=executor_unit)
    notify_staff(
        recipients,
        title=str(_("An appeal was sent to you for an answer: %(number)s") % {"number": appeal.number}),
        appeal=appeal,
        actor=actor,
    )
    return resolution


# --- forwarding ---------------------------------------------------------------------------------------


@transaction.atomic
def appeal_forward(
    *,
    actor: Any,
    appeal: Appeal,
    to_body: str = "",
    covering_letter: str,
    to_unit: Unit | None = None,
    expected_version: int | None = None,
) -> Forwarding:
    """Send the appeal to the competent body with a covering letter (art. 7.10, within 3 working days);
    the applicant is informed. Never to the body or official complained about."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    _guard(access.can_forward(actor, appeal))
    to_body = " ".join((to_body or "").split())
    if not to_body and to_unit is not None:
        to_body = to_unit.name_az
    errors: dict[str, str] = {}
    if not to_body:
        errors["to_body"] = str(_("Name the competent body the appeal is sent to."))
    elif len(to_body) > 300:
        errors["to_body"] = str(_("At most %(limit)d characters.") % {"limit": 300})
    if to_unit is not None and to_unit.pk == appeal.unit_id:
        errors["to_unit"] = str(
            _("An appeal is forwarded to another body, not to the unit that received it.")
        )
    if errors:
        raise ValidationFailed(details=errors)
    covering_letter = _text(covering_letter, "covering_letter", _("Write the covering letter."))
    check_not_complained(appeal, unit=to_unit, field="to_unit" if to_unit else "to_body", body=to_body)
    before = _snapshot(appeal)
    _move(appeal, AppealStatus.FORWARDED)
    now = timezone.now()
    appeal.forwarded_to_unit = to_unit
    appeal.closed_at = now
    _save(appeal, "status", "forwarded_to_unit", "closed_at")
    forwarding = Forwarding.objects.create(
        appeal=appeal,
        to_body=to_body,
        to_unit=to_unit,
        covering_letter=covering_letter,
        sent_at=now,
        sent_by=actor,
    )
    terms.close_all(appeal)
    _audit(
        actor,
        "forwarded",
        appeal,
        before,
        data={
            "to_body": to_body,
            "late": bool(appeal.forward_due and timezone.localdate() > appeal.forward_due),
        },
    )
    notify_applicant(appeal, "appeal_forwarded", body=to_body, forwarded_at=now)
    if to_unit is not None:
        from eprok.appeals.selectors import answer_holders

        notify_staff(
            answer_holders(unit=to_unit),
            title=str(_("An appeal was forwarded to your unit: %(number)s") % {"number": appeal.number}),
            appeal=appeal,
            actor=actor,
        )
    return forwarding


# --- the extension of art. 10.2 ------------------------------------------------------------------------


@transaction.atomic
def appeal_extend(
    *,
    actor: Any,
    appeal: Appeal,
    reason: str,
    length: int | None = None,
    step: str = terms.EXTENSION_STEP,
    applicant_informed: bool = False,
    expected_version: int | None = None,
) -> AppealExtension:
    """Extend the answer term once, by at most 30 working days, when additional information must be
    requested (art. 10.2); only the holder of the step's role; the applicant is informed (by a notice to
    the e-mail or phone they left, or — `applicant_informed` — by post or telephone, as the official says)."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    if not access.can_extend(actor, appeal, step):
        raise Forbidden(
            _("Only an official holding “Answer appeals” over the appeal's unit may extend its term.")
        )
    reason = _text(reason, "reason", _("Write why the term is extended (what information is requested)."))
    rule = terms.answer_rule(appeal)
    step_row = next((s for s in rule.extension_steps or [] if str(s.get("key")) == step), None)
    if step_row is None:
        raise ExtensionRefused(_("The rule has no extension step %(step)s.") % {"step": step})
    existing = list(appeal.extensions.all())
    if existing:
        raise ExtensionRefused(
            _("The answer term of an appeal may be extended only once (Appeals Law art. 10.2).")
        )
    length = int(length if length is not None else step_row.get("length", 30))
    if length < 1:
        raise ValidationFailed(_("An extension must have a positive length."), details={"length": "1"})
    deadline = terms.answer_deadline(appeal, extensions=existing, extra=[Extension(length=length, step=step)])
    before = _snapshot(appeal)
    informed = applicant_informed or bool(appeal.notify_email or appeal.notify_sms)
    extension = AppealExtension.objects.create(
        appeal=appeal, step=step, length=length, reason=reason, granted_by=actor, applicant_informed=informed
    )
    appeal.answer_due = deadline.due
    _save(appeal, "answer_due")
    terms.track_answer(appeal, deadline)
    _audit(actor, "extended", appeal, before, data={"step": step, "length": length, "reason": reason})
    notify_applicant(appeal, "appeal_extended", due_date=deadline.due, reason=reason)
    return extension


# --- the three-answers rule (art. 8.1.4) -------------------------------------------------------------


@transaction.atomic
def appeal_close_as_repeat(
    *, actor: Any, appeal: Appeal, reason: str = "", expected_version: int | None = None
) -> Appeal:
    """Leave a repeat appeal with nothing new unconsidered (art. 8.1.4): allowed only when the applicant's
    appeals on the same subject were answered on the merits at least 3 times within the year before it."""
    from eprok.appeals.services.registration import REPEAT_ANSWERS, find_repeat_of, merit_answers

    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    _guard(access.can_answer(actor, appeal))
    reason = _text(reason, "reason", "", limit=5_000, required=False)
    count = merit_answers(appeal)
    if count < REPEAT_ANSWERS:
        raise RepeatRuleNotMet(
            _(
                "The appeal cannot be left unconsidered as a repeat: the applicant's appeals on this subject "
                "were answered on the merits %(count)d time(s) within a year, and the law requires three."
            )
            % {"count": count},
            details={"merit_answers": count, "required": REPEAT_ANSWERS},
        )
    before = _snapshot(appeal)
    _move(appeal, AppealStatus.LEFT_UNCONSIDERED)
    appeal.nothing_new = True
    appeal.unconsidered_ground = UnconsideredGround.REPEAT
    appeal.outcome = Outcome.LEFT_UNCONSIDERED
    appeal.closed_at = timezone.now()
    fields = ["status", "nothing_new", "unconsidered_ground", "outcome", "closed_at"]
    if appeal.repeat_of_id is None:
        appeal.repeat_of = find_repeat_of(appeal)
        fields.append("repeat_of")
    _save(appeal, *fields)
    terms.close_all(appeal)
    _audit(actor, "closed_as_repeat", appeal, before, data={"merit_answers": count, "reason": reason or None})
    notify_applicant(appeal, "appeal_answered")
    return appeal


# --- files added later -----------------------------------------------------------------------------------


def appeal_attach(
    *, actor: Any, appeal: Appeal, files: Sequence[Any], expected_version: int | None = None
) -> list[AppealAttachment]:
    """Add files to an open appeal (a scan of a letter, a later supplement), all or none."""
    from eprok.appeals.services.registration import _discard, _store_files, _validate_files

    files = list(files)
    errors: dict[str, str] = {}
    if not files:
        errors["attachments"] = str(_("Choose a file."))
    sniffed = _validate_files(files, errors) if files else []
    if errors:
        raise ValidationFailed(details=errors)
    stored: list[str] = []
    try:
        with transaction.atomic():
            appeal = _locked(appeal, expected_version)
            _require_open(appeal)
            _guard(access.can_classify(actor, appeal))
            rows = _store_files(appeal, files, sniffed, actor, stored)
            before = _snapshot(appeal)
            _save(appeal)
            _audit(actor, "attachment_added", appeal, before, data={"files": [r.sha256 for r in rows]})
    except BaseException:
        _discard(stored)
        raise
    return rows
