"""The write path of the correspondence register: register a letter, record a resolution, complete it,
mark an outgoing letter sent. Each is one transaction, audited; numbers are gapless per unit and year
(eprok.core.numbering, registers "correspondence_in" and "correspondence_out")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core import numbering
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.locking import lock_row
from eprok.documents.correspondence import access, terms
from eprok.documents.models import (
    Correspondence,
    CorrespondenceStatus,
    DeliveryChannel,
    Direction,
    LinkType,
    Resolution,
    ResolutionStatus,
)
from eprok.org.roles import Clearance

MAX_TEXT = 10_000


def _required(value: str, field: str, max_length: int) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise ValidationFailed(
            _("Fill in the required fields."), code="required", details={field: str(_("Required."))}
        )
    if len(value) > max_length:
        raise ValidationFailed(
            _("The text is too long."),
            code="too_long",
            details={field: str(_("At most %(n)d characters.") % {"n": max_length})},
        )
    return value


def _text(value: str, field: str, *, required: bool) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ValidationFailed(
            _("Fill in the required fields."), code="required", details={field: str(_("Required."))}
        )
    if len(value) > MAX_TEXT:
        raise ValidationFailed(
            _("The text is too long."), code="too_long", details={field: str(_("Too long."))}
        )
    return value


def resolve_link(user: Any, link_type: str, link_key: str) -> tuple[str, str]:
    """A case, report or appeal named by number, which the user must be able to open (404 otherwise)."""
    link_type, link_key = str(link_type or ""), str(link_key or "").strip()
    if not link_type and not link_key:
        return "", ""
    if link_type not in LinkType.values or not link_key:
        raise ValidationFailed(
            _("Choose the type of the linked record and give its number."),
            code="link_invalid",
            details={"link_key": str(_("Give the type and the number."))},
        )
    from eprok.documents import owners

    try:
        owner = owners.owner_type(link_type).get_for(user, link_key, "view")
    except Exception:
        raise ValidationFailed(
            _("No record with this number that you can open."),
            code="link_not_found",
            details={"link_key": str(_("No record with this number that you can open."))},
        ) from None
    return link_type, owners.owner_type(link_type).key_of(owner)


def correspondence_register(
    *,
    actor: Any,
    unit: Any,
    direction: str,
    correspondent: str,
    subject: str,
    channel: str,
    summary: str = "",
    their_number: str = "",
    their_date: dt.date | None = None,
    classification: int = Clearance.OFFICIAL,
    link_type: str = "",
    link_key: str = "",
    registered_at: dt.datetime | None = None,
) -> Correspondence:
    """Register an incoming or outgoing letter of `unit` under the next number of its register."""
    if not access.can_register(actor, unit):
        raise Forbidden()
    if direction not in Direction.values:
        raise ValidationFailed(
            _("Choose incoming or outgoing."),
            code="direction_invalid",
            details={"direction": str(_("Choose one."))},
        )
    if channel not in DeliveryChannel.values:
        raise ValidationFailed(
            _("Choose the delivery channel."),
            code="channel_invalid",
            details={"channel": str(_("Choose one."))},
        )
    if classification not in Clearance.values or classification > access.clearance_of(actor):
        raise ValidationFailed(
            _("You cannot register a letter above your own clearance."),
            code="classification_above_clearance",
            details={"classification": str(_("Above your clearance."))},
        )
    now = timezone.now()
    registered_at = registered_at or now
    if registered_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed(_("The registration time is in the future."), code="registered_in_future")
    if their_date and their_date > timezone.localtime(now).date():
        raise ValidationFailed(
            _("The sender's date is in the future."),
            code="their_date_future",
            details={"their_date": str(_("In the future."))},
        )
    if direction == Direction.OUTGOING:
        their_number, their_date = "", None
    correspondent = _required(correspondent, "correspondent", 300)
    subject = _required(subject, "subject", 300)
    summary = _text(summary, "summary", required=False)
    their_number = " ".join(str(their_number or "").split())[:64]
    link_type, link_key = resolve_link(actor, link_type, link_key)
    with transaction.atomic():
        register = "correspondence_in" if direction == Direction.INCOMING else "correspondence_out"
        number = numbering.next_number(
            register=register, unit_code=unit.code, on=timezone.localtime(registered_at).date()
        )
        letter = Correspondence.objects.create(
            number=number,
            direction=direction,
            unit=unit,
            registered_at=registered_at,
            registered_by=actor,
            correspondent=correspondent,
            their_number=their_number,
            their_date=their_date,
            subject=subject,
            summary=summary,
            classification=classification,
            channel=channel,
            link_type=link_type,
            link_key=link_key,
        )
        audit_record(
            actor=actor,
            action="documents.correspondence.register",
            target=letter,
            data={
                "number": number,
                "direction": direction,
                "unit": unit.code,
                "link": f"{link_type}:{link_key}" if link_type else "",
            },
        )
    return letter


def _locked(letter: Correspondence, expected_version: int | None = None) -> Correspondence:
    return lock_row(Correspondence.objects.select_related("unit"), letter.pk, expected_version)


def resolution_add(
    *,
    actor: Any,
    letter: Correspondence,
    text: str,
    executor: Any,
    executor_unit: Any = None,
    author: Any = None,
    due_date: dt.date | None = None,
    expected_version: int | None = None,
) -> Resolution:
    """Record the head's resolution: the executor, the executor unit and the due date from the rule,
    or an earlier date the head set (never later, never in the past)."""
    if not access.can_resolve(actor, letter):
        raise Forbidden()
    text = _text(text, "text", required=True)
    if executor is None or not executor.is_active:
        raise ValidationFailed(
            _("Choose an active employee as executor."),
            code="executor_invalid",
            details={"executor": str(_("Choose an employee."))},
        )
    executor_unit = executor_unit or executor.unit
    if executor_unit is None:
        raise ValidationFailed(
            _(
                "The executor belongs to no unit, so the resolution has no executor unit; "
                "choose another executor."
            ),
            code="executor_invalid",
            details={"executor": str(_("The employee belongs to no unit."))},
        )
    if executor.unit is None or (
        executor.unit_id != executor_unit.pk and not executor.unit.path.startswith(executor_unit.path)
    ):
        raise ValidationFailed(
            _("The executor does not work in the executor unit."),
            code="executor_unit_mismatch",
            details={"executor": str(_("Not in the executor unit."))},
        )
    author = author or actor
    now = timezone.now()
    rule_due = terms.computed(now).due
    today = timezone.localtime(now).date()
    explicit = due_date is not None and due_date != rule_due
    if due_date is not None:
        if due_date < today:
            raise ValidationFailed(
                _("The due date is in the past."),
                code="due_in_past",
                details={"due_date": str(_("In the past."))},
            )
        if due_date > rule_due:
            raise ValidationFailed(
                _("The due date cannot be later than the term of the rule (%(date)s).")
                % {"date": rule_due.isoformat()},
                code="due_after_rule",
                details={"due_date": str(_("Later than the rule's term."))},
            )
    with transaction.atomic():
        locked = _locked(letter, expected_version)
        resolution = Resolution.objects.create(
            correspondence=locked,
            text=text,
            author=author,
            recorded_by=actor,
            executor=executor,
            executor_unit=executor_unit,
            rule_code=terms.RULE,
            due_date=due_date or rule_due,
            due_set_by_head=explicit,
        )
        resolution.correspondence = locked
        terms.track(resolution, new=True)
        if (
            locked.status == CorrespondenceStatus.REGISTERED
            or locked.status == CorrespondenceStatus.COMPLETED
        ):
            locked.status = CorrespondenceStatus.IN_PROGRESS
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="documents.resolution.add",
            target=locked,
            related=resolution,
            data={
                "executor": executor.get_username(),
                "executor_unit": executor_unit.code,
                "due_date": resolution.due_date.isoformat(),
                "set_by_head": explicit,
                "author": author.get_username(),
            },
        )
    letter.status, letter.version = locked.status, locked.version
    return resolution


def resolution_complete(*, actor: Any, resolution: Resolution, report: str) -> Resolution:
    """The executor reports execution; the letter is executed when no resolution remains open."""
    if not access.can_complete(actor, resolution):
        raise Forbidden()
    report = _text(report, "report", required=True)
    with transaction.atomic():
        locked = Resolution.objects.select_for_update().select_related("correspondence").get(pk=resolution.pk)
        if locked.status != ResolutionStatus.OPEN:
            raise Conflict(_("The resolution was already executed."), code="resolution_done")
        locked.status = ResolutionStatus.DONE
        locked.report = report
        locked.completed_at = timezone.now()
        locked.completed_by = actor
        locked.save(update_fields=["status", "report", "completed_at", "completed_by", "updated_at"])
        terms.close(locked)
        letter = _locked(locked.correspondence)
        if (
            not letter.resolutions.filter(status=ResolutionStatus.OPEN).exists()
            and letter.status == CorrespondenceStatus.IN_PROGRESS
        ):
            letter.status = CorrespondenceStatus.COMPLETED
        letter.version += 1
        letter.save(update_fields=["status", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="documents.resolution.complete",
            target=letter,
            related=locked,
            data={"report": report[:500]},
        )
    resolution.status, resolution.report, resolution.completed_at = (
        locked.status,
        locked.report,
        locked.completed_at,
    )
    return locked


def correspondence_mark_sent(
    *, actor: Any, letter: Correspondence, sent_at: dt.datetime | None = None
) -> Correspondence:
    """An outgoing letter left the unit."""
    if not access.can_send(actor, letter):
        raise Forbidden()
    with transaction.atomic():
        locked = _locked(letter)
        if locked.status == CorrespondenceStatus.SENT:
            raise Conflict(_("The letter was already sent."), code="already_sent")
        previous = locked.status
        locked.status = CorrespondenceStatus.SENT
        locked.sent_at = sent_at or timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "sent_at", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="documents.correspondence.send",
            target=locked,
            changes={"status": [previous, locked.status]},
        )
    letter.status, letter.sent_at = locked.status, locked.sent_at
    return locked


def may_be_executor(employee: Any) -> bool:
    return bool(employee and employee.is_active)
