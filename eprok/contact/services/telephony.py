"""Telephony events mapped onto call records: a call offered, answered, ended (with its recording).

Events are idempotent: the same event delivered twice changes nothing the second time, so a PBX may
retry freely. A refused event (an unknown call, a bad signature) is audited outside the transaction
that refused it, so the refusal is recorded although nothing else is.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.contact import terms
from eprok.contact.models import Call, CallStatus, Pbx, PbxOperator
from eprok.contact.services.base import CLOCK_SKEW, audit_call, bump, call_snapshot, move_call
from eprok.contact.services.calls import normalise_number
from eprok.core.errors import NotFound, ValidationFailed
from eprok.org.grants import has_role
from eprok.org.models import Employee
from eprok.org.roles import Role

logger = logging.getLogger(__name__)

OFFERED = "call.offered"
ANSWERED = "call.answered"
ENDED = "call.ended"
EVENT_TYPES = (OFFERED, ANSWERED, ENDED)


class UnknownCall(NotFound):
    code = "unknown_call"
    default_message = _("The telephony system has not announced this call (no call.offered with this id).")


@dataclass(frozen=True)
class PbxEvent:
    """One event as the PBX sends it (the API's PbxEventIn, or the simulator's JSON)."""

    type: str
    call_id: str
    time: dt.datetime
    caller_number: str = ""
    called_number: str = ""
    operator: str = ""
    recording_url: str = ""
    caller_notified: bool | None = None


@dataclass(frozen=True)
class EventResult:
    call: Call
    changed: bool


def _check(event: PbxEvent) -> dt.datetime:
    errors: dict[str, str] = {}
    if event.type not in EVENT_TYPES:
        errors["type"] = str(_("The event type must be call.offered, call.answered or call.ended."))
    if not (event.call_id or "").strip() or len(event.call_id) > 100:
        errors["call_id"] = str(_("The call id must be 1 to 100 characters."))
    moment = event.time
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    if moment > timezone.now() + CLOCK_SKEW:
        errors["time"] = str(_("The event's time is in the future."))
    if event.recording_url:
        parts = urlsplit(event.recording_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(event.recording_url) > 500:
            errors["recording_url"] = str(
                _("The recording's address must be an http(s) URL of at most 500 characters.")
            )
    if errors:
        raise ValidationFailed(details=errors)
    return moment


def _operator_for(pbx: Pbx, value: str) -> Any:
    """The employee behind an extension (or a login) that answered on `pbx`, if they operate its unit."""
    value = (value or "").strip()[:150]
    if not value:
        return None
    mapped = PbxOperator.objects.select_related("employee").filter(pbx=pbx, extension=value).first()
    employee = mapped.employee if mapped else Employee.objects.filter(username=value).first()
    if employee is None or not employee.is_active or not has_role(employee, Role.OPERATE_CALLS, pbx.unit):
        return None
    return employee


def _existing(pbx: Pbx, call_id: str, *, lock: bool) -> Call | None:
    rows = Call.objects.select_related("unit", "operator", "pbx").filter(pbx=pbx, external_id=call_id)
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.first()


def _offered(pbx: Pbx, event: PbxEvent, moment: dt.datetime) -> EventResult:
    found = _existing(pbx, event.call_id, lock=False)
    if found is not None:
        return EventResult(found, False)
    from eprok.contact.models import Centre

    try:
        caller = normalise_number(event.caller_number, "caller_number")
    except ValidationFailed:
        caller = ""  # a withheld or malformed number: the call is still taken
    try:
        called = normalise_number(event.called_number, "called_number")
    except ValidationFailed:
        called = ""
    if pbx.centre == Centre.HOTLINE:
        caller = ""  # the 161 hotline keeps no caller's number (see services.calls.call_open)
    try:
        with transaction.atomic():
            call = Call.objects.create(
                centre=pbx.centre,
                unit=pbx.unit,
                pbx=pbx,
                external_id=event.call_id,
                caller_number=caller,
                called_number=called,
                offered_at=moment,
                status=CallStatus.OFFERED,
            )
    except IntegrityError:  # the same event, delivered twice at once: the first one created it
        found = _existing(pbx, event.call_id, lock=False)
        if found is None:
            raise
        return EventResult(found, False)
    audit_call(None, "offered", call, data={"pbx": pbx.code, "external_id": event.call_id})
    return EventResult(call, True)


def _answered(call: Call, pbx: Pbx, event: PbxEvent, moment: dt.datetime) -> EventResult:
    if call.answered_at is not None or call.status not in (CallStatus.OFFERED, CallStatus.REGISTERED):
        return EventResult(call, False)
    before = call_snapshot(call)
    fields = ["answered_at"]
    call.answered_at = moment
    operator = _operator_for(pbx, event.operator)
    if call.operator_id is None and operator is not None:
        call.operator = operator
        fields.append("operator")
    if call.status == CallStatus.OFFERED:
        move_call(call, CallStatus.ANSWERED)
        fields.append("status")
    bump(call, *fields)
    audit_call(
        None, "answered", call, before, data={"pbx": pbx.code, "operator_matched": operator is not None}
    )
    return EventResult(call, True)


def _ended(call: Call, pbx: Pbx, event: PbxEvent, moment: dt.datetime) -> EventResult:
    if call.ended_at is not None:
        return EventResult(call, False)
    before = call_snapshot(call)
    fields = ["ended_at"]
    call.ended_at = max(moment, call.answered_at or call.offered_at)
    if call.status == CallStatus.OFFERED:
        move_call(call, CallStatus.MISSED)
        fields.append("status")
    elif call.status == CallStatus.ANSWERED:
        move_call(call, CallStatus.ENDED)
        fields.append("status")
    if event.recording_url:
        call.recording_url = event.recording_url
        # Kept at least as long as the caller may ask for a copy (deadlines_az.md B3).
        call.recording_retain_until = terms.copy_window(call).due
        fields += ["recording_url", "recording_retain_until"]
    if event.caller_notified is not None:
        call.caller_notified = event.caller_notified
        fields.append("caller_notified")
    bump(call, *fields)
    audit_call(None, "ended", call, before, data={"pbx": pbx.code})
    return EventResult(call, True)


def pbx_event_receive(*, pbx: Pbx, event: PbxEvent) -> EventResult:
    """Apply one authenticated event of `pbx`; UnknownCall (audited) for answered/ended of an unknown call."""
    moment = _check(event)
    try:
        with transaction.atomic():
            if event.type == OFFERED:
                return _offered(pbx, event, moment)
            call = _existing(pbx, event.call_id, lock=True)
            if call is None:
                raise UnknownCall()
            if event.type == ANSWERED:
                return _answered(call, pbx, event, moment)
            return _ended(call, pbx, event, moment)
    except UnknownCall:
        pbx_event_refused(
            pbx=pbx,
            code=pbx.code,
            reason="unknown_call",
            data={"type": event.type, "call_id": event.call_id[:100]},
        )
        raise


def pbx_event_refused(*, pbx: Pbx | None, code: str, reason: str, data: dict[str, Any] | None = None) -> None:
    """Record a refused telephony event in the audit log and the application log (never the secret)."""
    logger.warning("PBX event refused: pbx=%s reason=%s", code[:40], reason)
    with transaction.atomic():
        audit_record(
            actor=None,
            action="contact.pbx.event_refused",
            target=pbx,
            target_type="contact.pbx",
            target_id=code[:64],
            data={"reason": reason, **(data or {})},
        )


@transaction.atomic
def pbx_register(*, actor: Any, code: str, name: str, centre: str, unit: Any, secret: str) -> Pbx:
    """Register a telephony system (or record a new secret for it): the row keeps the secret's hash only."""
    from eprok.contact import pbx as signing
    from eprok.contact.models import Centre

    errors: dict[str, str] = {}
    if centre not in Centre.values:
        errors["centre"] = str(_("Choose the 961 call centre or the 161 hotline."))
    if len(secret or "") < 16:
        errors["secret"] = str(_("The secret must be at least 16 characters long."))
    if not code or len(code) > 40:
        errors["code"] = str(_("The code must be 1 to 40 characters."))
    if errors:
        raise ValidationFailed(details=errors)
    values = {
        "name": name or code,
        "centre": centre,
        "unit": unit,
        "secret_hash": signing.secret_hash(secret),
        "is_active": True,
    }
    existing = Pbx.objects.filter(code=code).first()
    if existing is not None and all(getattr(existing, key) == value for key, value in values.items()):
        return existing  # nothing to change: registering again is harmless
    pbx, created = Pbx.objects.update_or_create(code=code, defaults=values)
    audit_record(
        actor=actor,
        action="contact.pbx.registered" if created else "contact.pbx.secret_changed",
        target=pbx,
        data={"centre": centre, "unit": unit.code},
    )
    return pbx
