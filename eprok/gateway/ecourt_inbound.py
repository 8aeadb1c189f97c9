"""The e-Court's calls to eprok (eprok as the provider): hearing schedules and court decisions.

- `court-hearings-v1` POST /hearings {case_number, court_reference, court, judge,
  hearing: {id, starts_at (ISO with offset), courtroom, status}}
- `court-decisions-v1` POST /decisions {case_number, court_reference, court,
  decision: {id, instance, kind, decided_on, sentence, text}}

The proceeding is found by the court's reference (of a delivery acknowledged by the court, or the
proceeding's number in the court), else by the case number (a case of the service, else a supervised case)
and its court proceeding. The effect is courtwork's `hearing_from_court` / `decision_from_court`, idempotent
on the court's own id of the hearing or decision: the same hearing sent twice under two X-Road-Ids makes one
hearing, a changed time updates it. The endpoint (eprok.gateway.inbound) checks the allow-list, answers a
repeated X-Road-Id with its first answer, logs every message and runs the handler in its transaction; a
refusal here (unknown case 404, invalid field 400) is logged there, and nothing of it is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from . import ecourt, protocol
from .inbound import InboundError, InboundRequest, provider
from .models import CourtDelivery

HEARING_STATUSES = ("scheduled", "postponed", "cancelled", "held")
INSTANCES = ("first", "appeal", "cassation")


def _invalid(field: str, message: Any) -> InboundError:
    return InboundError(400, protocol.INVALID_REQUEST, message, detail={field: str(message)})


def _expect_path(request: InboundRequest, path: str) -> None:
    if request.path.rstrip("/") != path:
        raise InboundError(
            404, protocol.UNKNOWN_SERVICE, _("The service answers POST %(path)s.") % {"path": path}
        )


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(field, _("Must be a JSON object."))
    return value


def _text(data: dict[str, Any], name: str, *, required: bool = False, limit: int = 200) -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _invalid(name, _("Must be text."))
    value = value.strip()
    if required and not value:
        raise _invalid(name, _("Required."))
    if len(value) > limit:
        raise _invalid(name, _("Too long."))
    return value


def find_proceeding(*, court_reference: str, case_number: str) -> Any:
    """The court proceeding the court's message is about, or InboundError 404."""
    from eprok.cases.models import Case
    from eprok.courtwork.models import Proceeding
    from eprok.supervision.models import SupervisedCase

    rows = Proceeding.objects.select_related("court", "unit", "prosecutor", "case", "supervised")
    if court_reference:
        delivery = (
            CourtDelivery.objects.filter(court_reference=court_reference, proceeding__isnull=False)
            .order_by("-pk")
            .values_list("proceeding_id", flat=True)
            .first()
        )
        if delivery is not None:
            return rows.get(pk=delivery)
        by_number = list(rows.filter(court_number=court_reference)[:2])
        if len(by_number) == 1:
            return by_number[0]
    if case_number:
        case = Case.objects.filter(number=case_number).first()
        if case is not None:
            found = rows.filter(case=case).first()
            if found is not None:
                return found
        supervised = list(
            SupervisedCase.objects.filter(number=case_number, court_proceeding__isnull=False)[:2]
        )
        if len(supervised) == 1:
            return rows.get(supervised=supervised[0])
    # The spec's literal answer (a machine reads it; not translated).
    raise InboundError(404, protocol.SERVICE_FAILED, "no such case")


def _moment(value: Any, field: str) -> dt.datetime:
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well-formed but impossible, e.g. 30 February
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _invalid(
            field, _("A date and time in ISO 8601 with the offset, e.g. 2026-12-01T10:00:00+04:00.")
        )
    return moment


def _day(value: Any, field: str) -> dt.date:
    try:
        day = parse_date(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None:
        raise _invalid(field, _("A date in ISO 8601, e.g. 2026-12-01."))
    return day


@provider("court-hearings-v1")
def hearing_received(request: InboundRequest) -> dict[str, Any]:
    """A hearing scheduled, moved, cancelled or held by the court → the proceeding's calendar."""
    from eprok.courtwork.services import hearing_from_court

    _expect_path(request, "/hearings")
    data = _object(request.payload, "body")
    hearing = _object(data.get("hearing"), "hearing")
    case_number = _text(data, "case_number", limit=100)
    court_reference = _text(data, "court_reference", limit=100)
    if not case_number and not court_reference:
        raise _invalid("case_number", _("Give the case number or the court's reference."))
    external_id = _text(hearing, "id", required=True, limit=100)
    starts_at = _moment(hearing.get("starts_at"), "hearing.starts_at")
    status = _text(hearing, "status", limit=16) or "scheduled"
    if status not in HEARING_STATUSES:
        raise _invalid("hearing.status", _("One of: %(values)s.") % {"values": ", ".join(HEARING_STATUSES)})
    courtroom = _text(hearing, "courtroom", limit=64)
    judge = _text(data, "judge", limit=200) or _text(hearing, "judge", limit=200)
    proceeding = find_proceeding(court_reference=court_reference, case_number=case_number)
    row, created = hearing_from_court(
        proceeding=proceeding,
        external_id=external_id,
        starts_at=starts_at,
        courtroom=courtroom,
        judge=judge,
        status=status,
    )
    return {"status": "accepted", "hearing": row.pk, "created": created}


@provider("court-decisions-v1")
def decision_received(request: InboundRequest) -> dict[str, Any]:
    """A court's decision (a verdict opens the term of appeal) → the proceeding, and the prosecutor told."""
    from eprok.courtwork.models import DecisionKind
    from eprok.courtwork.services import decision_from_court

    _expect_path(request, "/decisions")
    data = _object(request.payload, "body")
    decision = _object(data.get("decision"), "decision")
    case_number = _text(data, "case_number", limit=100)
    court_reference = _text(data, "court_reference", limit=100)
    if not case_number and not court_reference:
        raise _invalid("case_number", _("Give the case number or the court's reference."))
    external_id = _text(decision, "id", required=True, limit=100)
    kind = _text(decision, "kind", required=True, limit=16)
    if kind not in DecisionKind.values:
        raise _invalid("decision.kind", _("One of: %(values)s.") % {"values": ", ".join(DecisionKind.values)})
    instance = _text(decision, "instance", limit=16)
    if instance and instance not in INSTANCES:
        raise _invalid("decision.instance", _("One of: %(values)s.") % {"values": ", ".join(INSTANCES)})
    decided_on = _day(decision.get("decided_on"), "decision.decided_on")
    sentence = _text(decision, "sentence", limit=20_000)
    text = _text(decision, "text", limit=20_000)
    proceeding = find_proceeding(court_reference=court_reference, case_number=case_number)
    row, created = decision_from_court(
        proceeding=proceeding,
        external_id=external_id,
        instance=instance or proceeding.instance,
        kind=kind,
        decided_on=decided_on,
        sentence=sentence,
        text=text,
    )
    return {
        "status": "accepted",
        "decision": row.pk,
        "created": created,
        "appeal_due": row.appeal_due.isoformat() if row.appeal_due else None,
    }


# The package of a delivery is a document of the delivery (see eprok.gateway.ecourt); GatewayConfig.ready
# imports this module, which registers that owner type.
ecourt.register()
