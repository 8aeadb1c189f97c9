"""The 161 hotline's writes by staff: registering a report (from a call, a letter or an e-mail), assigning
it, the triage into (a) a crime report for a check, (b) forwarding to the competent agency, (c) an
explanation, the investigator's replies to the reporter, and the custodian's reveal of an identity.

Neither the audit log nor the application log ever receives an identity, a receipt code or the text
of a report or a message: audit events carry the register number, statuses and classifications only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.contact import access, classifiers
from eprok.contact.models import (
    Call,
    CallOutcome,
    Centre,
    CorruptionType,
    HotlineChannel,
    HotlineIdentity,
    HotlineMessage,
    HotlineReport,
    HotlineStatus,
    MessageSide,
)
from eprok.contact.services.base import (
    CLOCK_SKEW,
    audit_report,
    bump,
    clean_text,
    locked,
    move_report,
    notify,
    report_snapshot,
)
from eprok.core import numbering
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.org.models import Unit

MAX_MESSAGE = 5_000
IDENTITY_FIELDS = ("name", "phone", "email", "fin", "note")


def hotline_unit() -> Unit:
    """The unit that runs the 161 hotline (settings.EPROK_CONTACT_UNITS["161"]); portal reports go there."""
    code = (getattr(settings, "EPROK_CONTACT_UNITS", None) or {}).get(Centre.HOTLINE, "")
    unit = Unit.objects.filter(code=code, is_active=True).first() if code else None
    if unit is None:
        raise Conflict(_("The hotline's unit is not configured."), code="hotline_unit_missing")
    return unit


def clean_identity(identity: dict[str, Any] | None) -> dict[str, str] | None:
    """The identity a reporter gave, checked and normalised; None when they gave nothing."""
    if not identity:
        return None
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        message = _("Unknown fields of an identity.")
        raise ValidationFailed(message, details={"identity": str(message)})
    values = {key: str(identity.get(key) or "").strip() for key in IDENTITY_FIELDS}
    if not any(values.values()):
        return None
    errors: dict[str, str] = {}
    limits = {"name": 200, "phone": 40, "email": 200, "fin": 20, "note": 2_000}
    for key, limit in limits.items():
        if len(values[key]) > limit or "\x00" in values[key]:
            errors[f"identity.{key}"] = str(_("The text is too long."))
    if values["phone"] and not errors:
        from eprok.persons.validators import normalise_phone

        try:
            values["phone"] = normalise_phone(values["phone"], field="phone")
        except ValidationFailed as exc:
            errors["identity.phone"] = str(exc.message)
    if values["email"] and not errors:
        try:
            validate_email(values["email"])
        except DjangoValidationError:
            errors["identity.email"] = str(_("Enter a valid e-mail address."))
    if values["fin"] and not errors:
        from eprok.persons.validators import normalise_fin

        try:
            values["fin"] = normalise_fin(values["fin"], field="fin") or ""
        except ValidationFailed as exc:
            errors["identity.fin"] = str(exc.message)
    if errors:
        raise ValidationFailed(details=errors)
    return values


def _check_report(
    *, text: str, sector: str, corruption_type: str, place: str, received_at: dt.datetime
) -> tuple[str, str]:
    errors: dict[str, str] = {}
    try:
        text = clean_text(text, "text", required=_("Write what the reporter told."))
    except ValidationFailed as exc:
        errors.update(exc.details)
    if sector and not classifiers.is_sector(sector):
        errors["sector"] = str(_("Choose the sector from the classifier."))
    if corruption_type and corruption_type not in CorruptionType.values:
        errors["corruption_type"] = str(_("Choose the type of corruption from the list."))
    try:
        place = clean_text(place, "place", limit=300)
    except ValidationFailed as exc:
        errors.update(exc.details)
    if received_at > timezone.now() + CLOCK_SKEW:
        errors["received_at"] = str(_("A report cannot be received in the future."))
    if errors:
        raise ValidationFailed(details=errors)
    return text, place


def create_report(
    *,
    unit: Unit,
    channel: str,
    text: str,
    sector: str = "",
    corruption_type: str = "",
    place: str = "",
    received_at: dt.datetime | None = None,
    registered_by: Any = None,
    identity: dict[str, Any] | None = None,
    assignee: Any = None,
    call: Call | None = None,
    receipt_code_hash: str = "",
    language: str = "az",
) -> HotlineReport:
    """Number and store a report and the identity its author gave (inside the caller's transaction)."""
    received_at = received_at or timezone.now()
    text, place = _check_report(
        text=text, sector=sector, corruption_type=corruption_type, place=place, received_at=received_at
    )
    given = clean_identity(identity)
    if assignee is not None and not access.is_eligible_hotline_assignee(assignee, unit):
        message = _(
            "The assignee must hold “Investigate” or “Operate the call centre” over the hotline's unit."
        )
        raise ValidationFailed(message, details={"assignee": str(message)})
    if not unit.is_active:
        raise Conflict(_("Reports cannot be registered in an inactive unit."), code="inactive_unit")
    number = numbering.next_number(
        register="hotline", unit_code=unit.code, on=timezone.localtime(received_at).date()
    )
    report = HotlineReport.objects.create(
        number=number,
        unit=unit,
        channel=channel,
        call=call,
        received_at=received_at,
        registered_by=registered_by,
        sector=sector,
        corruption_type=corruption_type,
        place=place,
        text=text,
        identity_held=given is not None,
        assignee=assignee,
        status=HotlineStatus.IN_REVIEW if assignee is not None else HotlineStatus.RECEIVED,
        receipt_code_hash=receipt_code_hash,
        language=language if language in ("az", "en", "ru") else "az",
    )
    if given is not None:
        HotlineIdentity.objects.create(report=report, **given)
    return report


def _notify_assignee(report: HotlineReport, actor: Any) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("A hotline report was assigned to you: %(number)s") % {"number": report.number}
    notify(report.assignee, title=title, url=report.get_absolute_url(), actor=actor)


@transaction.atomic
def hotline_report_register(
    *,
    actor: Any,
    unit: Unit,
    channel: str,
    text: str,
    sector: str = "",
    corruption_type: str = "",
    place: str = "",
    received_at: dt.datetime | None = None,
    identity: dict[str, Any] | None = None,
    assignee: Any = None,
) -> HotlineReport:
    """Register a report that came by e-mail or letter (calls: hotline_report_from_call; the portal:
    hotline_report_submit_public)."""
    if not access.can_register_hotline(actor, unit):
        raise Forbidden(_("Hotline reports are registered by the hotline's operators."))
    if channel not in (HotlineChannel.EMAIL, HotlineChannel.LETTER, HotlineChannel.PHONE):
        message = _("Choose e-mail or letter; calls and portal reports are registered from where they came.")
        raise ValidationFailed(message, details={"channel": str(message)})
    report = create_report(
        unit=unit,
        channel=channel,
        text=text,
        sector=sector,
        corruption_type=corruption_type,
        place=place,
        received_at=received_at,
        registered_by=actor,
        identity=identity,
        assignee=assignee,
    )
    audit_report(actor, "registered", report, data={"channel": channel})
    _notify_assignee(report, actor)
    return report


@transaction.atomic
def hotline_report_from_call(
    *,
    actor: Any,
    call: Call,
    text: str,
    sector: str = "",
    corruption_type: str = "",
    place: str = "",
    identity: dict[str, Any] | None = None,
    assignee: Any = None,
    caller_notified: bool | None = None,
    expected_version: int | None = None,
    registered_at: dt.datetime | None = None,
) -> HotlineReport:
    """Register what a 161 caller reported as a hotline report, and the call with it (one transaction)."""
    from eprok.contact.services.calls import _register

    if call.centre != Centre.HOTLINE:
        raise Conflict(_("Only a call to the 161 hotline becomes a hotline report."), code="not_hotline")
    current = locked(Call.objects.select_related("unit", "operator"), call.pk, expected_version)
    if not access.can_register_call(actor, current):
        raise Conflict(_("This call has already been registered."), code="call_registered")
    report = create_report(
        unit=current.unit,
        channel=HotlineChannel.PHONE,
        text=text,
        sector=sector,
        corruption_type=corruption_type,
        place=place,
        received_at=current.offered_at,
        registered_by=actor,
        identity=identity,
        assignee=assignee,
        call=current,
    )
    _register(
        actor=actor,
        call=current,
        outcome=CallOutcome.HOTLINE_REPORT,
        summary=report.text,
        caller_notified=caller_notified,
        audit_data={"hotline_report": report.number},
        registered_at=registered_at,
    )
    audit_report(actor, "registered", report, data={"channel": HotlineChannel.PHONE})
    _notify_assignee(report, actor)
    return report


def _lock_report(report: HotlineReport, expected_version: int | None) -> HotlineReport:
    return locked(HotlineReport.objects.select_related("unit", "assignee"), report.pk, expected_version)


@transaction.atomic
def hotline_report_assign(
    *, actor: Any, report: HotlineReport, assignee: Any, expected_version: int | None = None
) -> HotlineReport:
    """Give the report to an investigator (or operator) of the hotline's unit for review."""
    report = _lock_report(report, expected_version)
    if not access.can_assign_hotline(actor, report):
        raise Forbidden(_("Hotline reports are assigned by the hotline's operators and supervisors."))
    if not access.is_eligible_hotline_assignee(assignee, report.unit):
        message = _(
            "The assignee must hold “Investigate” or “Operate the call centre” over the hotline's unit."
        )
        raise ValidationFailed(message, details={"assignee": str(message)})
    before = report_snapshot(report)
    report.assignee = assignee
    fields = ["assignee"]
    if report.status == HotlineStatus.RECEIVED:
        move_report(report, HotlineStatus.IN_REVIEW)
        fields.append("status")
    bump(report, *fields)
    audit_report(actor, "assigned", report, before)
    _notify_assignee(report, actor)
    return report


def _triage_start(
    actor: Any, report: HotlineReport, expected_version: int | None, to: str
) -> tuple[HotlineReport, dict[str, Any]]:
    report = _lock_report(report, expected_version)
    if not access.may_triage(actor, report):
        raise Forbidden(_("The report is triaged by its assignee or a supervisor of the hotline."))
    if not report.is_open:
        raise Conflict(_("This report has already been triaged."), code="report_triaged")
    before = report_snapshot(report)
    move_report(report, to)
    report.triaged_at = timezone.now()
    report.triaged_by = actor
    return report, before


def _post_staff(report: HotlineReport, actor: Any, text: str) -> HotlineMessage | None:
    """A message to a portal reporter (who has a receipt code); none for reports from other channels."""
    if not report.receipt_code_hash:
        return None
    return HotlineMessage.objects.create(report=report, side=MessageSide.STAFF, author=actor, text=text)


@transaction.atomic
def hotline_triage_material(
    *, actor: Any, report: HotlineReport, summary: str = "", expected_version: int | None = None
) -> HotlineReport:
    """(a) Register a crime report for a check (source: hotline) and keep its number.

    Anonymous unless the reporter gave an identity to the custodian: an anonymous report can start a
    check but never by itself open a case (the materials register enforces that).
    """
    from eprok.materials import access as materials_access
    from eprok.materials.models import MaterialSource
    from eprok.materials.services import material_register

    report, before = _triage_start(actor, report, expected_version, HotlineStatus.MATERIAL)
    summary = clean_text(summary, "summary") or report.text
    assignee = (
        report.assignee if materials_access.is_eligible_assignee(report.assignee, report.unit) else None
    )
    material = material_register(
        actor=actor,
        unit=report.unit,
        source=MaterialSource.HOTLINE,
        received_at=report.received_at,
        summary=summary,
        is_anonymous=not report.identity_held,
        source_reference=report.number,
        incident_place=report.place,
        assignee=assignee,
    )
    report.material_number = material.number
    bump(report, "status", "triaged_at", "triaged_by", "material_number")
    audit_report(actor, "triaged", report, before, data={"outcome": "material", "material": material.number})
    return report


@transaction.atomic
def hotline_triage_forward(
    *,
    actor: Any,
    report: HotlineReport,
    agency: str,
    covering_note: str,
    expected_version: int | None = None,
) -> HotlineReport:
    """(b) Forward the report to the competent agency with a covering note."""
    agency = clean_text(agency, "forwarded_to", required=_("Name the agency the report goes to."), limit=300)
    covering_note = clean_text(covering_note, "covering_note", required=_("Write the covering note."))
    report, before = _triage_start(actor, report, expected_version, HotlineStatus.FORWARDED)
    report.forwarded_to = agency
    report.covering_note = covering_note
    bump(report, "status", "triaged_at", "triaged_by", "forwarded_to", "covering_note")
    with translation.override(report.language):
        notice = gettext("Your report was forwarded to the competent agency: %(agency)s.") % {
            "agency": agency
        }
    _post_staff(report, actor, notice)
    audit_report(actor, "triaged", report, before, data={"outcome": "forwarded"})
    return report


@transaction.atomic
def hotline_triage_explain(
    *, actor: Any, report: HotlineReport, explanation: str, expected_version: int | None = None
) -> HotlineReport:
    """(c) Give the reporter information or an explanation (a portal reporter reads it in the thread)."""
    explanation = clean_text(
        explanation, "explanation", required=_("Write the information or explanation given.")
    )
    report, before = _triage_start(actor, report, expected_version, HotlineStatus.EXPLAINED)
    report.explanation = explanation
    bump(report, "status", "triaged_at", "triaged_by", "explanation")
    _post_staff(report, actor, explanation)
    audit_report(actor, "triaged", report, before, data={"outcome": "explained"})
    return report


@transaction.atomic
def hotline_reply(*, actor: Any, report: HotlineReport, text: str) -> HotlineMessage:
    """The assignee writes to the anonymous reporter, who sees the message as from "Investigator"."""
    if not access.can_reply(actor, report):
        raise Forbidden(_("Only the report's assignee writes to the reporter."))
    text = clean_text(text, "text", required=_("Write the message."), limit=MAX_MESSAGE)
    message = HotlineMessage.objects.create(report=report, side=MessageSide.STAFF, author=actor, text=text)
    audit_record(
        actor=actor,
        action="contact.hotline_message.posted",
        target=report,
        data={"side": MessageSide.STAFF, "message": message.pk},
    )
    return message


@transaction.atomic
def hotline_identity_reveal(*, actor: Any, report: HotlineReport, purpose: str) -> HotlineIdentity:
    """The custodian reads the identity a reporter gave; the read is audited with its purpose (never the
    identity itself)."""
    if not access.can_reveal_identity(actor, report):
        raise Forbidden(_("Only the custodian of the hotline's identities reveals them."))
    purpose = clean_text(purpose, "purpose", required=_("State why the identity is needed."), limit=255)
    if len(purpose) < 10:
        message = _("State why the identity is needed, in a sentence.")
        raise ValidationFailed(message, details={"purpose": str(message)})
    identity = HotlineIdentity.objects.get(report=report)
    audit_record(
        actor=actor,
        action="contact.hotline_identity.revealed",
        target_type="contact.hotlineidentity",
        target_id=report.number,
        target_repr=report.number,
        related=report,
        purpose=purpose,
    )
    return identity
