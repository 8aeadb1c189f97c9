"""The operator's writes on a call: opening a card by hand, taking a ringing call, registering it with its
outcome, and the two outcomes that register something in another register (an appeal, a crime report)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.contact import access, classifiers
from eprok.contact.models import Call, CallDirection, CallOutcome, CallStatus, Centre
from eprok.contact.services.base import (
    CLOCK_SKEW,
    audit_call,
    bump,
    call_snapshot,
    clean_text,
    locked,
    move_call,
)
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.org.models import Unit

# Outcomes an operator chooses on the registration form; the others are set by the service that
# registers the appeal, the crime report or the hotline report.
PLAIN_OUTCOMES = (CallOutcome.INFORMATION, CallOutcome.FORWARDED, CallOutcome.OTHER)


def normalise_number(value: str | None, field: str) -> str:
    """A phone number in E.164 form, or "" when none was given (a withheld number)."""
    from eprok.persons.validators import normalise_phone

    if not (value or "").strip():
        return ""
    try:
        return normalise_phone(value, field=field)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code=exc.code, details={field: str(exc.message)}) from None


def normalise_caller_fin(value: str | None) -> str:
    from eprok.persons.validators import normalise_fin

    try:
        return normalise_fin(value, field="caller_fin") or ""
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, code=exc.code, details={"caller_fin": str(exc.message)}) from None


@transaction.atomic
def call_open(
    *,
    actor: Any,
    unit: Unit,
    centre: str,
    direction: str = CallDirection.INCOMING,
    caller_number: str = "",
    called_number: str = "",
    started_at: dt.datetime | None = None,
) -> Call:
    """Open a call card by hand (a call the telephony system did not announce, or an outgoing call)."""
    if not access.can_operate(actor, unit):
        raise Forbidden(_("You do not answer calls in this unit."))
    errors: dict[str, str] = {}
    if centre not in Centre.values:
        errors["centre"] = str(_("Choose the 961 call centre or the 161 hotline."))
    if direction not in CallDirection.values:
        errors["direction"] = str(_("Choose whether the call is incoming or outgoing."))
    now = timezone.now()
    started_at = started_at or now
    if started_at > now + CLOCK_SKEW:
        errors["started_at"] = str(_("A call cannot start in the future."))
    try:
        # The 161 hotline keeps no caller's number: a reporter who wants to be reached gives it, and it
        # goes to the custodian with the rest of their identity.
        caller = "" if centre == Centre.HOTLINE else normalise_number(caller_number, "caller_number")
        called = normalise_number(called_number, "called_number")
    except ValidationFailed as exc:
        errors.update(exc.details)
        caller = called = ""
    # No hidden numbers for outgoing calls (call-centre rules, deadlines_az.md B2): an outgoing call
    # names the number it calls.
    if direction == CallDirection.OUTGOING and not called and "called_number" not in errors:
        errors["called_number"] = str(_("An outgoing call needs the number called."))
    if errors:
        raise ValidationFailed(details=errors)
    if not unit.is_active:
        raise Conflict(_("Calls cannot be registered in an inactive unit."), code="inactive_unit")
    call = Call.objects.create(
        centre=centre,
        unit=unit,
        direction=direction,
        caller_number=caller,
        called_number=called,
        operator=actor,
        offered_at=started_at,
        answered_at=started_at,
        status=CallStatus.ANSWERED,
    )
    audit_call(actor, "opened", call, data={"centre": centre, "direction": direction, "by_hand": True})
    return call


@transaction.atomic
def call_take(*, actor: Any, call: Call, expected_version: int | None = None) -> Call:
    """Take a ringing (or untaken) call: the actor becomes its operator."""
    call = locked(Call.objects.select_related("unit", "operator"), call.pk, expected_version)
    if not access.can_take(actor, call):
        raise Conflict(_("Another operator has already taken this call."), code="call_taken")
    before = call_snapshot(call)
    fields = ["operator"]
    call.operator = actor
    if call.status == CallStatus.OFFERED:
        move_call(call, CallStatus.ANSWERED)
        call.answered_at = timezone.now()
        fields += ["status", "answered_at"]
    bump(call, *fields)
    audit_call(actor, "taken", call, before)
    return call


@dataclass(frozen=True)
class Caller:
    """What the operator learnt about a 961 caller (all optional)."""

    number: str | None = None  # None keeps the number the telephony system gave
    name: str = ""
    fin: str = ""
    person: Any = None


def _check_registration(
    call: Call, *, outcome: str, summary: str, topic: str, caller: Caller, forwarded_to: str
) -> dict[str, Any]:
    """Every problem at once (ValidationFailed); returns the cleaned caller fields."""
    errors: dict[str, str] = {}
    if outcome not in CallOutcome.values:
        errors["outcome"] = str(_("Choose the outcome of the call from the list."))
    if not summary:
        errors["summary"] = str(_("Write what the caller asked and what they were told."))
    if topic and not classifiers.is_topic(topic):
        errors["topic"] = str(_("Choose the topic from the classifier."))
    if outcome == CallOutcome.FORWARDED and not forwarded_to:
        errors["forwarded_to"] = str(_("Name the body the caller was referred to."))
    cleaned: dict[str, Any] = {}
    if call.centre == Centre.HOTLINE:
        if caller.number or caller.name or caller.fin or caller.person is not None:
            errors["caller_name"] = str(
                _("A hotline call keeps no caller's identity; a reporter's identity goes to the custodian.")
            )
    else:
        try:
            if caller.number is not None:
                cleaned["caller_number"] = normalise_number(caller.number, "caller_number")
        except ValidationFailed as exc:
            errors.update(exc.details)
        try:
            cleaned["caller_fin"] = normalise_caller_fin(caller.fin)
        except ValidationFailed as exc:
            errors.update(exc.details)
        cleaned["caller_name"] = caller.name.strip()[:200]
        cleaned["person"] = caller.person
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def _register(
    *,
    actor: Any,
    call: Call,
    outcome: str,
    summary: str,
    topic: str = "",
    caller: Caller | None = None,
    forwarded_to: str = "",
    caller_notified: bool | None = None,
    appeal_number: str = "",
    material_number: str = "",
    expected_version: int | None = None,
    audit_data: dict[str, Any] | None = None,
    registered_at: dt.datetime | None = None,
) -> Call:
    """Register the call (inside the caller's transaction): the one path to the status "registered".

    `registered_at` backdates the registration (imports, the demo); it defaults to now.
    """
    call = locked(Call.objects.select_related("unit", "operator"), call.pk, expected_version)
    if not access.can_register_call(actor, call):
        if call.status == CallStatus.REGISTERED:
            raise Conflict(_("This call has already been registered."), code="call_registered")
        raise Forbidden(_("Another operator has taken this call."))
    summary = clean_text(summary, "summary")
    forwarded_to = clean_text(forwarded_to, "forwarded_to", limit=300)
    cleaned = _check_registration(
        call,
        outcome=outcome,
        summary=summary,
        topic=topic,
        caller=caller or Caller(),
        forwarded_to=forwarded_to,
    )
    before = call_snapshot(call)
    was_missed = call.status == CallStatus.MISSED
    now = registered_at or timezone.now()
    if now > timezone.now() + CLOCK_SKEW or now < call.offered_at:
        message = _("A call is registered after it rang and not in the future.")
        raise ValidationFailed(message, details={"registered_at": str(message)})
    move_call(call, CallStatus.REGISTERED)
    for name, value in cleaned.items():
        setattr(call, name, value)
    call.topic = topic
    call.summary = summary
    call.outcome = outcome
    call.forwarded_to = forwarded_to if outcome == CallOutcome.FORWARDED else ""
    call.appeal_number = appeal_number
    call.material_number = material_number
    if caller_notified is not None:
        call.caller_notified = caller_notified
    if call.operator_id is None:
        call.operator = actor
    if call.answered_at is None and not was_missed:
        call.answered_at = call.offered_at
    call.registered_at = now
    call.registered_by = actor
    bump(
        call,
        "status",
        *cleaned,
        "topic",
        "summary",
        "outcome",
        "forwarded_to",
        "appeal_number",
        "material_number",
        "caller_notified",
        "operator",
        "answered_at",
        "registered_at",
        "registered_by",
    )
    audit_call(actor, "registered", call, before, data=audit_data)
    return call


@transaction.atomic
def call_register(
    *,
    actor: Any,
    call: Call,
    outcome: str,
    summary: str,
    topic: str = "",
    caller: Caller | None = None,
    forwarded_to: str = "",
    caller_notified: bool | None = None,
    expected_version: int | None = None,
    registered_at: dt.datetime | None = None,
) -> Call:
    """Register a call whose outcome is information, forwarding or another answer given on the line."""
    if outcome not in PLAIN_OUTCOMES:
        message = _("An appeal, a crime report or a hotline report is registered with its own action.")
        raise ValidationFailed(message, details={"outcome": str(message)})
    return _register(
        actor=actor,
        call=call,
        outcome=outcome,
        summary=summary,
        topic=topic,
        caller=caller,
        forwarded_to=forwarded_to,
        caller_notified=caller_notified,
        expected_version=expected_version,
        registered_at=registered_at,
    )


@dataclass(frozen=True)
class ApplicantFields:
    """The applicant of an appeal taken on the phone (the appeals register's ApplicantData)."""

    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    fin: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""


def _require_call_centre(call: Call) -> None:
    if call.centre != Centre.CALL_CENTRE:
        raise Conflict(
            _("A call to the 161 hotline is registered as a hotline report, which is triaged there."),
            code="hotline_call",
        )


@transaction.atomic
def call_register_appeal(
    *,
    actor: Any,
    call: Call,
    kind: str,
    text: str,
    applicant: ApplicantFields,
    topic: str = "",
    summary: str = "",
    caller_notified: bool | None = None,
    expected_version: int | None = None,
    registered_at: dt.datetime | None = None,
) -> Call:
    """Register an oral appeal taken on the call in the appeals register (channel 961) and the call with it.

    Both happen in one transaction: if the appeal cannot be registered, the call stays as it was.
    """
    _require_call_centre(call)
    try:
        from eprok.appeals.services import ApplicantData, appeal_register
    except ImportError as exc:  # pragma: no cover - the appeals register is part of the project
        raise Conflict(_("The appeals register is not available."), code="appeals_unavailable") from exc
    text = clean_text(text, "text", required=_("Write the appeal as the caller stated it."))
    if topic and not classifiers.is_topic(topic):
        message = _("Choose the topic from the classifier.")
        raise ValidationFailed(message, details={"topic": str(message)})
    current = locked(Call.objects.select_related("unit", "operator"), call.pk, expected_version)
    if not access.can_register_call(actor, current):
        raise Conflict(_("This call has already been registered."), code="call_registered")
    phone = applicant.phone or current.caller_number
    data = ApplicantData(
        last_name=applicant.last_name.strip(),
        first_name=applicant.first_name.strip(),
        patronymic=applicant.patronymic.strip(),
        fin=applicant.fin.strip(),
        address=applicant.address.strip(),
        email=applicant.email.strip(),
        phone=phone,
        organisation="",
        person=current.person,
    )
    appeal = appeal_register(
        actor=actor,
        unit=current.unit,
        channel="call_961",
        kind=kind,
        text=text,
        applicant=data,
        topic=classifiers.topic_object(topic),
        received_at=current.offered_at,
        registered_at=registered_at,
    )
    name = " ".join(part for part in (data.last_name, data.first_name, data.patronymic) if part)
    return _register(
        actor=actor,
        call=current,
        outcome=CallOutcome.APPEAL_REGISTERED,
        summary=summary or text,
        topic=topic,
        caller=Caller(number=None, name=name, fin=data.fin, person=current.person),
        caller_notified=caller_notified,
        appeal_number=str(appeal.number),
        audit_data={"appeal": str(appeal.number)},
        registered_at=registered_at,
    )


@transaction.atomic
def call_refer_crime_report(
    *,
    actor: Any,
    call: Call,
    unit: Unit,
    summary: str,
    place: str = "",
    topic: str = "",
    caller: Caller | None = None,
    caller_notified: bool | None = None,
    expected_version: int | None = None,
    registered_at: dt.datetime | None = None,
) -> Call:
    """Register the crime report a caller made in the crime-report register of `unit`, and the call.

    The report is anonymous unless the caller gave their name or FIN (an anonymous report can start a
    check, never by itself open a case: the materials register enforces that).
    """
    _require_call_centre(call)
    from eprok.materials.models import MaterialSource
    from eprok.materials.services import material_register

    summary = clean_text(summary, "summary", required=_("Write what the caller reported."))
    current = locked(Call.objects.select_related("unit", "operator"), call.pk, expected_version)
    if not access.can_register_call(actor, current):
        raise Conflict(_("This call has already been registered."), code="call_registered")
    material = material_register(
        actor=actor,
        unit=unit,
        source=MaterialSource.HOTLINE,
        received_at=current.offered_at,
        summary=summary,
        is_anonymous=not (
            (caller and (caller.name.strip() or caller.fin.strip() or caller.person is not None))
            or current.caller_name
            or current.caller_fin
            or current.person_id
        ),
        source_reference=f"961 {current.short_id}",
        incident_place=clean_text(place, "place", limit=300),
        registered_at=registered_at,
    )
    return _register(
        actor=actor,
        call=current,
        outcome=CallOutcome.CRIME_REPORT,
        summary=summary,
        topic=topic,
        caller=caller,
        caller_notified=caller_notified,
        material_number=material.number,
        audit_data={"material": material.number},
        registered_at=registered_at,
    )
