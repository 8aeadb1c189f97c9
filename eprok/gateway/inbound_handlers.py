"""eprok's inbound services for the e-Government portal and the investigating bodies.

- `portal-appeals-v1` POST /appeals: a citizen's appeal from the e-Government portal, registered by the portal
  intake (`eprok.portal.services.portal_appeal_submit`) with the X-Road-Id as its submission id; the answer
  carries the register number and the access code (`receipt`), which the message log does not keep. A
  repeated X-Road-Id does not reach the handler: the endpoint answers from the log with "receipt": null and
  "repeated": true, and the code of the first answer stays the one that works.
- `supervised-cases-v1` POST /cases: a case an investigating body sends under the prosecutor's supervision
  (`eprok.supervision.services.supervised_receive`); the body is the one whose gateway member is the caller.

The court's services (`court-hearings-v1`, `court-decisions-v1`) are in eprok.gateway.ecourt_inbound.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.utils.translation import gettext as _

from . import protocol
from .inbound import InboundError, InboundRequest, provider

APPLICANT_FIELDS = ("last_name", "first_name", "patronymic", "fin", "address", "email", "phone")


def _expect_path(request: InboundRequest, path: str) -> None:
    if request.path.rstrip("/") != path:
        raise InboundError(
            404, protocol.UNKNOWN_SERVICE, _("The service answers POST %(path)s.") % {"path": path}
        )


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InboundError(400, protocol.INVALID_REQUEST, _("The body must be a JSON object."))
    return payload


def _text(data: dict[str, Any], name: str, errors: dict[str, str]) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = _("Must be text.")
        return ""
    return value.strip()


def _submission_id(request: InboundRequest) -> str:
    """The portal intake's submission id: the X-Road-Id (a long one hashed) with the caller, so one message
    is one appeal and no two callers' ids collide."""
    digest = hashlib.sha256(f"{request.client}\x1f{request.xroad_id}".encode()).hexdigest()[:40]
    return f"xroad-{digest}"


@provider("portal-appeals-v1", secret=("receipt",))
def portal_appeal_received(request: InboundRequest) -> dict[str, Any]:
    """{kind, text, applicant: {last_name, first_name, patronymic, fin, address, email, phone}, topic,
    language, notify_email, notify_sms} → {status, number, receipt}; called once per message (a repeat is
    answered from the log, so no second code replaces the first)."""
    from eprok.appeals.models import AppealKind, AppealTopic
    from eprok.appeals.services import ApplicantData
    from eprok.portal.services import portal_appeal_submit

    _expect_path(request, "/appeals")
    data = _object(request.payload)
    errors: dict[str, str] = {}
    applicant_data = data.get("applicant") or {}
    if not isinstance(applicant_data, dict):
        errors["applicant"] = _("The applicant must be a JSON object.")
        applicant_data = {}
    applicant = {name: _text(applicant_data, name, errors) for name in APPLICANT_FIELDS}
    kind = _text(data, "kind", errors) or AppealKind.APPLICATION
    text = _text(data, "text", errors)
    language = _text(data, "language", errors) or "az"
    if language not in ("az", "en", "ru"):
        errors["language"] = _("The language is az, en or ru.")
    topic = None
    topic_code = _text(data, "topic", errors)
    if topic_code:
        topic = AppealTopic.objects.filter(code=topic_code, is_active=True).first()
        if topic is None:
            errors["topic"] = _("There is no topic with this code.")
    notify_email = _text(data, "notify_email", errors)
    notify_sms = _text(data, "notify_sms", errors)
    if errors:
        raise InboundError(400, protocol.INVALID_REQUEST, _("Some fields are not valid."), detail=errors)
    receipt = portal_appeal_submit(
        submission_id=_submission_id(request),
        kind=kind,
        text=text,
        applicant=ApplicantData(**applicant),
        topic=topic,
        notify_email=notify_email,
        notify_sms=notify_sms,
        language=language,
    )
    return {"status": "accepted", "number": receipt.appeal.number, "receipt": receipt.code}


@provider("supervised-cases-v1")
def supervised_case_received(request: InboundRequest) -> dict[str, Any]:
    """A case under supervision from the investigating body that is the caller → {status, number, created}."""
    from eprok.supervision.models import InvestigatingBody
    from eprok.supervision.services import supervised_receive

    _expect_path(request, "/cases")
    data = _object(request.payload)
    body = InvestigatingBody.objects.filter(xroad_member=request.client, is_active=True).first()
    if body is None:
        raise InboundError(403, protocol.ACCESS_DENIED, _("The caller is not an active investigating body."))
    case, created = supervised_receive(body=body, payload=data)
    return {
        "status": "accepted",
        "number": case.number,
        "reference": str(case.public_id),
        "created": created,
    }
