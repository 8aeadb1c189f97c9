"""API operations of the appeals register (mounted in eprok.core.api at /api/v1/appeals).

The operations call the same selectors and services as the register's pages. Writes take the version
the client last saw (`version` in the body, or the `If-Match` header) and answer 409 `stale_version`
when the appeal changed since; registration honours the `Idempotency-Key` header. An appeal is never
routed or forwarded to the body or official it complains about: such a request answers 422
`complained_body`.

`POST /egov/inbound` is the e-Government portal's door: it is not called with a personal token but
with the portal's X-Road member id (`X-Road-Client`) and its shared secret (`Authorization: Bearer`),
checked in constant time against settings.EPROK_EGOV_CLIENTS (member id -> SHA-256 of the secret).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import HttpBearer

from eprok.accounts.scopes import Scope
from eprok.appeals import access, selectors, services, terms
from eprok.appeals.models import Appeal, AppealTopic, Channel, Sector
from eprok.appeals.schemas import (
    AnswerIn,
    AppealDetailOut,
    AppealFilterIn,
    AppealOut,
    AttachmentIn,
    ClassifiersOut,
    ClassifyIn,
    DeliverIn,
    EgovAcceptedOut,
    EgovAppealIn,
    ExtendIn,
    ForwardIn,
    ReceptionFilterIn,
    ReceptionIn,
    ReceptionOut,
    RegisterIn,
    RepeatIn,
    RouteIn,
    RoutingOptionsOut,
    SendIn,
    VersionIn,
)
from eprok.audit.services import audit_record
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, ErrorOut, employee_by_public_id, require_scope, unit_by_code
from eprok.core.errors import ApplicationError, ValidationFailed
from eprok.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from eprok.core.idempotency import run_once
from eprok.core.locking import expected_version
from eprok.core.pagination import Page, PageParams, paginate
from eprok.org.models import Unit

router = Router(tags=["appeals"])

# --- helpers -----------------------------------------------------------------------------------------


def _expected(request: HttpRequest, body: VersionIn) -> int | None:
    return expected_version(request, body.version)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={field: message})


def _optional_unit(code: str, field: str) -> Unit | None:
    return unit_by_code(code, field) if code else None


def _topic(code: str, field: str = "topic") -> AppealTopic | None:
    if not code:
        return None
    topic = AppealTopic.objects.select_related("escalate_to").filter(code=code).first()
    if topic is None:
        raise _invalid(field, _("There is no topic with this code."))
    return topic


def _sector(code: str, field: str = "concerned_body") -> Sector | None:
    if not code:
        return None
    sector = Sector.objects.filter(code=code).first()
    if sector is None:
        raise _invalid(field, _("There is no sector with this code."))
    return sector


def _decode(attachments: list[AttachmentIn]) -> list[ContentFile]:
    """The base64 attachments as files (the content is checked by the registration service)."""
    limit = int(getattr(settings, "EPROK_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
    files = []
    for item in attachments:
        if len(item.content_base64) > (limit // 3 + 1) * 4 + 4:
            raise _invalid("attachments", _("“%(name)s” is too large.") % {"name": item.filename[:120]})
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid(
                "attachments", _("“%(name)s” is not valid base64.") % {"name": item.filename[:120]}
            ) from None
        files.append(ContentFile(data, name=item.filename))
    return files


def _unit_ref(unit: Unit | None) -> dict[str, str] | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def _employee_ref(employee: Any) -> dict[str, Any] | None:
    return (
        {"public_id": employee.public_id, "full_name": employee.full_name} if employee is not None else None
    )


def _deadline(appeal: Appeal, extensions: Any) -> dict[str, Any] | None:
    if not appeal.is_open:
        return None
    deadline = terms.answer_deadline(appeal, extensions=extensions)
    return {
        "rule": deadline.rule_code,
        "due": deadline.due,
        "total_days": deadline.total_length,
        "explanation": deadline.explain_lines(),
    }


def _answer(appeal: Appeal) -> dict[str, Any] | None:
    answer = selectors.appeal_answer_of(appeal)
    if answer is None:
        return None
    return {
        "status": answer.status,
        "text": answer.text,
        "outcome": answer.outcome,
        "drafted_by": answer.drafted_by.full_name,
        "drafted_at": answer.drafted_at,
        "approved_by": answer.approved_by.full_name if answer.approved_by else None,
        "approved_at": answer.approved_at,
        "sent_at": answer.sent_at,
        "delivery_channel": answer.delivery_channel,
        "delivered_at": answer.delivered_at,
    }


def _detail(appeal: Appeal) -> dict[str, Any]:
    """The appeal as the API shows it (loaded by selectors.appeal_get, children prefetched)."""
    extensions = list(appeal.extensions.all())
    return {
        "number": appeal.number,
        "public_id": appeal.public_id,
        "unit": _unit_ref(appeal.unit),
        "channel": appeal.channel,
        "kind": appeal.kind,
        "status": appeal.status,
        "outcome": appeal.outcome,
        "is_collective": appeal.is_collective,
        "is_anonymous": appeal.is_anonymous,
        "applicant_name": appeal.applicant_name,
        "received_at": appeal.received_at,
        "registered_at": appeal.registered_at,
        "text_preview": appeal.text_preview,
        "topic": {"code": appeal.topic.code, "name": appeal.topic.name} if appeal.topic else None,
        "executor_unit": _unit_ref(appeal.executor_unit),
        "executor": _employee_ref(appeal.executor),
        "answer_due": appeal.answer_due,
        "escalation": appeal.escalation,
        "is_repeat": appeal.is_repeat,
        "version": appeal.version,
        "text": appeal.text,
        "signatories": appeal.signatories,
        "applicant": {
            "last_name": appeal.applicant_last_name,
            "first_name": appeal.applicant_first_name,
            "patronymic": appeal.applicant_patronymic,
            "fin": appeal.applicant_fin,
            "address": appeal.applicant_address,
            "email": appeal.applicant_email,
            "phone": appeal.applicant_phone,
            "organisation": appeal.organisation,
            "person": appeal.person.public_id if appeal.person else None,
        },
        "notify_email": appeal.notify_email,
        "notify_sms": appeal.notify_sms,
        "language": appeal.language,
        "concerned_body": (
            {"code": appeal.concerned_body.code, "name": appeal.concerned_body.name}
            if appeal.concerned_body
            else None
        ),
        "complained_unit": _unit_ref(appeal.complained_unit),
        "complained_official": _employee_ref(appeal.complained_official),
        "complained_text": appeal.complained_text,
        "answer_rule": appeal.answer_rule,
        "forward_due": appeal.forward_due,
        "answer_deadline": _deadline(appeal, extensions),
        "unconsidered_ground": appeal.unconsidered_ground,
        "closed_at": appeal.closed_at,
        "escalated_to": _unit_ref(appeal.escalated_to),
        "forwarded_to_unit": _unit_ref(appeal.forwarded_to_unit),
        "repeat_of": appeal.repeat_of.number if appeal.repeat_of else None,
        "repeats": [repeat.number for repeat in appeal.repeats.all()],
        "external_id": appeal.external_id,
        "resolutions": [
            {
                "id": r.pk,
                "author": r.author.full_name,
                "executor_unit": _unit_ref(r.executor_unit),
                "executor": _employee_ref(r.executor),
                "instruction": r.instruction,
                "due_date": r.due_date,
                "created_at": r.created_at,
            }
            for r in appeal.resolutions.all()
        ],
        "extensions": [
            {
                "id": e.pk,
                "step": e.step,
                "length": e.length,
                "reason": e.reason,
                "granted_by": e.granted_by.full_name,
                "granted_at": e.created_at,
                "applicant_informed": e.applicant_informed,
            }
            for e in extensions
        ],
        "forwardings": [
            {
                "id": f.pk,
                "to_body": f.to_body,
                "to_unit": _unit_ref(f.to_unit),
                "covering_letter": f.covering_letter,
                "sent_at": f.sent_at,
                "sent_by": f.sent_by.full_name,
            }
            for f in appeal.forwardings.all()
        ],
        "answer": _answer(appeal),
        "attachments": [
            {
                "id": a.pk,
                "original_name": a.original_name,
                "size": a.size,
                "content_type": a.content_type,
                "sha256": a.sha256,
            }
            for a in appeal.attachments.all()
        ],
    }


def _reload(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    return _detail(selectors.appeal_get(user=request.user, number=appeal.number))


def _applicant(data: Any, user: Any) -> services.ApplicantData | None:
    if data is None:
        return None
    person = None
    if getattr(data, "person", None) is not None:
        from eprok.persons.selectors import person_for_reference

        person = person_for_reference(user=user, public_id=data.person)
        if person is None:
            raise _invalid("applicant.person", _("There is no such person in the register."))
    return services.ApplicantData(
        last_name=data.last_name,
        first_name=data.first_name,
        patronymic=data.patronymic,
        fin=data.fin,
        address=data.address,
        email=data.email,
        phone=data.phone,
        organisation=data.organisation,
        person=person,
    )


# --- the register --------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: Page[AppealOut], **ERRORS},
    summary="List appeals",
    description=(
        "The appeals the caller may see, filtered like the register page and ordered by `sort` "
        "(newest registration first by default)."
    ),
)
def appeal_list(request: HttpRequest, page: Query[PageParams], filters: Query[AppealFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    qs = selectors.appeal_list(user=request.user, filters=filters.to_filter())
    return paginate(qs, limit=page.limit, offset=page.offset)


@router.post(
    "",
    response={200: AppealDetailOut, 201: AppealDetailOut, **WRITE_ERRORS},
    summary="Register an appeal",
    description=(
        "Registers an appeal received by `unit` (the caller must hold “Register appeals” there), "
        "gives it the next register number and starts its terms (15 working days to answer, 30 with "
        "`needs_verification`; 3 to decide on forwarding). Any non-empty text is accepted; an anonymous "
        "written appeal is registered and left unconsidered (art. 6.4). Attachments are base64. With an "
        "`Idempotency-Key` header a retried request returns the appeal the first one created (200)."
    ),
)
def appeal_register(request: HttpRequest, payload: RegisterIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_register(request.user, unit):
        deny(
            request.user,
            action="appeals.appeal.register",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    applicant = _applicant(payload.applicant, request.user)
    topic = _topic(payload.topic)
    sector = _sector(payload.concerned_body)
    complained_unit = _optional_unit(payload.complained_unit, "complained_unit")
    complained_official = employee_by_public_id(payload.complained_official, "complained_official")
    files = _decode(payload.attachments)

    def create() -> Appeal:
        return services.appeal_register(
            actor=request.user,
            unit=unit,
            channel=payload.channel.value,
            kind=payload.kind.value,
            text=payload.text,
            applicant=applicant,
            is_collective=payload.is_collective,
            signatories=payload.signatories,
            topic=topic,
            concerned_body=sector,
            complained_unit=complained_unit,
            complained_official=complained_official,
            complained_text=payload.complained_text,
            received_at=payload.received_at,
            language=payload.language.value,
            notify_email=payload.notify_email,
            notify_sms=payload.notify_sms,
            attachments=files,
            needs_verification=payload.needs_verification,
            escalation=payload.escalation.value if payload.escalation else "",
        )

    appeal, created = run_once(
        client=request.user,
        operation="appeals.register",
        key=request.headers.get(IDEMPOTENCY_HEADER),
        payload=payload.model_dump(mode="json"),
        create=create,
        result_key=lambda a: str(a.public_id),
        load=lambda key: Appeal.objects.get(public_id=key),
    )
    return Status(201 if created else 200, _reload(request, appeal))


@router.get(
    "/classifiers",
    response={200: ClassifiersOut, **ERRORS},
    summary="Topics and sectors",
    description="The classifiers of appeals: topics (with escalation) and the sectors or agencies concerned.",
)
def classifier_list(request: HttpRequest) -> Any:
    require_scope(request, Scope.READ)
    topics = selectors.topic_choices(active_only=False)
    return {
        "topics": [
            {
                "code": t.code,
                "name_az": t.name_az,
                "name_en": t.name_en,
                "name_ru": t.name_ru,
                "parent": t.parent.code if t.parent else None,
                "escalation": t.escalation,
                "escalate_to": t.escalate_to.code if t.escalate_to else None,
                "is_active": t.is_active,
            }
            for t in topics
        ],
        "sectors": [
            {
                "code": s.code,
                "name_az": s.name_az,
                "name_en": s.name_en,
                "name_ru": s.name_ru,
                "is_active": s.is_active,
            }
            for s in selectors.sector_choices(active_only=False)
        ],
    }


# --- the personal reception log -------------------------------------------------------------------------


@router.get(
    "/reception",
    response={200: Page[ReceptionOut], **ERRORS},
    summary="Reception log",
    description=(
        "Visitors received by officials of the units whose register the caller reads. The read is audited."
    ),
)
def reception_list(request: HttpRequest, page: Query[PageParams], filters: Query[ReceptionFilterIn]) -> Any:
    require_scope(request, Scope.READ)
    unit = unit_by_code(filters.unit, "unit") if filters.unit else None
    qs = selectors.reception_list(
        user=request.user, unit=unit, date_from=filters.date_from, date_to=filters.date_to
    )
    services.reception_record_list(actor=request.user, unit_code=filters.unit)
    return paginate(qs, limit=page.limit, offset=page.offset)


@router.post(
    "/reception",
    response={201: ReceptionOut, **WRITE_ERRORS},
    summary="Record a visitor",
    description=(
        "Records a visitor received by an official in `unit` (holders of “Register appeals” or "
        "“Answer appeals” there); `appeal_number` names the appeal registered from the visit."
    ),
)
def reception_create(request: HttpRequest, payload: ReceptionIn) -> Any:
    require_scope(request, Scope.WRITE)
    unit = unit_by_code(payload.unit, "unit")
    if not access.can_log_reception(request.user, unit):
        deny(
            request.user,
            action="appeals.reception_entry.create",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    entry = services.reception_entry_create(
        actor=request.user,
        unit=unit,
        received_at=payload.received_at,
        official=employee_by_public_id(payload.official, "official"),
        visitor_name=payload.visitor_name,
        visitor_fin=payload.visitor_fin,
        subject=payload.subject,
        result=payload.result,
        appeal_number=payload.appeal_number,
    )
    return Status(201, entry)


# --- the e-Government portal's inbound messages ------------------------------------------------------------

# Compared when the member id is unknown, so a wrong member id costs the same as a wrong secret.
_DUMMY_DIGEST = hashlib.sha256(b"eprok-no-such-client").hexdigest()


class EgovUnauthenticated(ApplicationError):
    code = "unauthenticated"
    status = 401


class EgovNotConfigured(ApplicationError):
    code = "not_configured"
    status = 503


def _egov_refused(member: str, reason: str, **data: Any) -> None:
    """Audit a refused inbound message in its own transaction (the request's work is rolled back)."""
    with transaction.atomic():
        audit_record(
            actor=None,
            action="appeals.appeal.egov_refused",
            target_type="appeals.egov",
            target_id=member[:64],
            data={"client": member[:100], "reason": reason, **data},
        )


def egov_client(request: HttpRequest) -> str:
    """The caller's X-Road member id if its bearer secret matches EPROK_EGOV_CLIENTS (constant time);
    otherwise the refusal is audited and EgovUnauthenticated (401) raised."""
    member = request.headers.get("X-Road-Client", "").strip()
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    clients: dict[str, str] = getattr(settings, "EPROK_EGOV_CLIENTS", {}) or {}
    expected = str(clients.get(member, "")).lower() if member else ""
    supplied = hashlib.sha256(secret.strip().encode()).hexdigest()
    matches = hmac.compare_digest(supplied, expected or _DUMMY_DIGEST)
    if not (matches and expected and scheme.lower() == "bearer" and secret.strip()):
        printable = "".join(ch for ch in member if ch.isprintable())
        _egov_refused(printable, "unauthenticated")
        raise EgovUnauthenticated(_("The e-Government client is not recognised."))
    return member


class EgovClientAuth(HttpBearer):
    """The e-Government portal: its X-Road member id in `X-Road-Client` and its shared secret as bearer.

    Checked before the body is read, so a caller without credentials learns nothing about the body.
    """

    openapi_description = (
        "The e-Government portal's shared secret (`Authorization: Bearer <secret>`) together with its "
        "X-Road member id in the `X-Road-Client` header."
    )

    def __call__(self, request: HttpRequest) -> Any:
        return egov_client(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover - __call__ decides
        return egov_client(request)


@router.post(
    "/egov/inbound",
    auth=EgovClientAuth(),
    response={
        200: EgovAcceptedOut,
        201: EgovAcceptedOut,
        401: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    summary="Receive an appeal from the e-Government portal",
    description=(
        "The e-Government portal (through the X-Road gateway) forwards a citizen's appeal with its "
        "attachments (base64). Authenticate with the `X-Road-Client` header (the member id) and "
        "`Authorization: Bearer <secret>`. The message id (`message_id` or the `X-Road-Id` header) makes "
        "it idempotent: the first delivery answers 201 with the register number, a repeat 200 with the "
        "same number. A refused message (bad credentials, bad fields or files) writes nothing but an "
        "audit event."
    ),
)
def egov_inbound(request: HttpRequest, payload: EgovAppealIn) -> Any:
    member = str(request.auth)  # type: ignore[attr-defined]
    header_id = request.headers.get("X-Road-Id", "").strip()
    message_id = payload.message_id.strip() or header_id
    try:
        if not message_id:
            raise _invalid(
                "message_id", _("Send the portal's message id (message_id or the X-Road-Id header).")
            )
        if payload.message_id.strip() and header_id and header_id != payload.message_id.strip():
            raise _invalid("message_id", _("The message id differs from the X-Road-Id header."))
        code = getattr(settings, "EPROK_EGOV_APPEALS_UNIT", "gpo-documents")
        unit = Unit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise EgovNotConfigured(_("The unit receiving e-Government appeals is not configured."))
        files = _decode(payload.attachments)
        applicant = payload.applicant
        appeal, created = services.appeal_register_once(
            actor=None,
            unit=unit,
            channel=Channel.EGOV,
            kind=payload.kind.value,
            text=payload.text,
            applicant=services.ApplicantData(
                last_name=applicant.last_name,
                first_name=applicant.first_name,
                patronymic=applicant.patronymic,
                fin=applicant.fin,
                address=applicant.address,
                email=applicant.email,
                phone=applicant.phone,
                organisation=applicant.organisation,
            ),
            is_collective=payload.is_collective,
            signatories=payload.signatories,
            topic=_topic(payload.topic) if payload.topic else None,
            received_at=payload.received_at,
            external_id=message_id,
            language=payload.language.value,
            notify_email=payload.notify_email,
            notify_sms=payload.notify_sms,
            attachments=files,
        )
    except ApplicationError as exc:
        _egov_refused(member, exc.code, message_id=message_id[:100], fields=sorted(exc.details)[:20])
        raise
    body = {
        "number": appeal.number,
        "message_id": appeal.external_id,
        "registered_at": appeal.registered_at,
        "status": appeal.status,
        "answer_due": appeal.answer_due,
    }
    return Status(201 if created else 200, body)


# --- one appeal ------------------------------------------------------------------------------------------


@router.get(
    "/{number}",
    response={200: AppealDetailOut, **ERRORS},
    summary="Get an appeal",
    description=(
        "One appeal with its applicant, classification, resolutions, extensions, forwardings, answer "
        "and files, and the running answer term with its explanation. The read is recorded in the audit log."
    ),
)
def appeal_get(request: HttpRequest, number: str) -> Any:
    require_scope(request, Scope.READ)
    appeal = selectors.appeal_get(user=request.user, number=number)
    services.appeal_record_view(actor=request.user, appeal=appeal, purpose="api")
    return _detail(appeal)


@router.get(
    "/{number}/routing-options",
    response={200: RoutingOptionsOut, **ERRORS},
    summary="Where a resolution may send the appeal",
    description=(
        "The units a resolution may name — never the unit complained about or a unit within it — and, "
        "for `unit`, the eligible executors (never the official complained about)."
    ),
)
def appeal_routing_options(request: HttpRequest, number: str, unit: str = "") -> Any:
    require_scope(request, Scope.READ)
    appeal = access.get_appeal_for(request.user, number, action="route")
    target = unit_by_code(unit, "unit") if unit else None
    return {
        "units": [_unit_ref(u) for u in selectors.routing_options(appeal)],
        "executors": [_employee_ref(e) for e in selectors.eligible_executors(appeal, target)]
        if target
        else [],
    }


@router.post(
    "/{number}/classify",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Classify an appeal",
    description=(
        "Sets the topic, the sector concerned and the body or official complained about; links a repeat "
        "and escalates (torture, corruption, misconduct) when the classification asks for it."
    ),
)
def appeal_classify(request: HttpRequest, number: str, payload: ClassifyIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="classify")
    services.appeal_classify(
        actor=request.user,
        appeal=appeal,
        topic=_topic(payload.topic),
        concerned_body=_sector(payload.concerned_body),
        complained_unit=_optional_unit(payload.complained_unit, "complained_unit"),
        complained_official=employee_by_public_id(payload.complained_official, "complained_official"),
        complained_text=payload.complained_text,
        escalation=payload.escalation.value if payload.escalation else "",
        expected_version=_expected(request, payload),
    )
    return _reload(request, appeal)


@router.post(
    "/{number}/route",
    response={201: AppealDetailOut, **WRITE_ERRORS},
    summary="Write a resolution (dərkənar)",
    description=(
        "Sends the appeal to an executor unit and person with an instruction and an internal due date "
        "(not after the legal term). For holders of “Answer appeals” over the appeal's units. The unit "
        "or official complained about is refused with 422 `complained_body`."
    ),
)
def appeal_route(request: HttpRequest, number: str, payload: RouteIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="route")
    services.appeal_route(
        actor=request.user,
        appeal=appeal,
        executor_unit=unit_by_code(payload.executor_unit, "executor_unit"),
        executor=employee_by_public_id(payload.executor, "executor"),
        instruction=payload.instruction,
        due_date=payload.due_date,
        needs_verification=payload.needs_verification,
        expected_version=_expected(request, payload),
    )
    return Status(201, _reload(request, appeal))


@router.post(
    "/{number}/forward",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Forward to the competent body",
    description=(
        "Sends the appeal to the competent body (`to_body`, or a unit of the service `to_unit`) with a "
        "covering letter (art. 7.10: within 3 working days); the applicant is informed. The body "
        "complained about is refused with 422 `complained_body`."
    ),
)
def appeal_forward(request: HttpRequest, number: str, payload: ForwardIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="forward")
    services.appeal_forward(
        actor=request.user,
        appeal=appeal,
        to_body=payload.to_body,
        to_unit=_optional_unit(payload.to_unit, "to_unit"),
        covering_letter=payload.covering_letter,
        expected_version=_expected(request, payload),
    )
    return _reload(request, appeal)


@router.post(
    "/{number}/extensions",
    response={201: AppealDetailOut, **WRITE_ERRORS},
    summary="Extend the answer term",
    description=(
        "Extends the answer term once under art. 10.2 (step `10.2`), by at most 30 working days, when "
        "additional information must be requested; the applicant is informed. A second extension or a "
        "longer one is refused with 422 `extension_not_allowed`."
    ),
)
def appeal_extend(request: HttpRequest, number: str, payload: ExtendIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="extend")
    services.appeal_extend(
        actor=request.user,
        appeal=appeal,
        reason=payload.reason,
        length=payload.length,
        expected_version=_expected(request, payload),
    )
    return Status(201, _reload(request, appeal))


@router.post(
    "/{number}/answer",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Draft the answer",
    description=(
        "Writes (or rewrites) the answer and its outcome; a rewritten approved answer needs approval again."
    ),
)
def appeal_answer_draft(request: HttpRequest, number: str, payload: AnswerIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="answer")
    services.appeal_answer_draft(
        actor=request.user,
        appeal=appeal,
        text=payload.text,
        outcome=payload.outcome.value,
        expected_version=_expected(request, payload),
    )
    return _reload(request, appeal)


@router.post(
    "/{number}/answer/approve",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Approve the answer",
    description="Approves the drafted answer; refused (403 `same_official`) for the official who drafted it.",
)
def appeal_answer_approve(request: HttpRequest, number: str, payload: VersionIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="answer")
    services.appeal_answer_approve(
        actor=request.user, appeal=appeal, expected_version=_expected(request, payload)
    )
    return _reload(request, appeal)


@router.post(
    "/{number}/answer/send",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Send the answer",
    description=(
        "Sends the approved answer: the appeal becomes “answered” with its outcome; the applicant is told."
    ),
)
def appeal_answer_send(request: HttpRequest, number: str, payload: SendIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="answer")
    services.appeal_answer_send(
        actor=request.user,
        appeal=appeal,
        delivery_channel=payload.delivery_channel.value if payload.delivery_channel else "",
        expected_version=_expected(request, payload),
    )
    return _reload(request, appeal)


@router.post(
    "/{number}/answer/deliver",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Record the delivery of the answer",
    description="Records that the sent answer reached the applicant (a postal receipt, a handover).",
)
def appeal_answer_deliver(request: HttpRequest, number: str, payload: DeliverIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="deliver")
    services.appeal_answer_deliver(
        actor=request.user,
        appeal=appeal,
        delivered_at=payload.delivered_at,
        expected_version=_expected(request, payload),
    )
    return _reload(request, appeal)


@router.post(
    "/{number}/close-as-repeat",
    response={200: AppealDetailOut, **WRITE_ERRORS},
    summary="Leave a repeat appeal unconsidered",
    description=(
        "Leaves a repeat appeal with nothing new unconsidered (art. 8.1.4). Refused with 409 "
        "`repeat_rule_not_met` unless the applicant's appeals on the same topic were answered on the "
        "merits at least three times within the year before it."
    ),
)
def appeal_close_as_repeat(request: HttpRequest, number: str, payload: RepeatIn) -> Any:
    require_scope(request, Scope.WRITE)
    appeal = access.get_appeal_for(request.user, number, action="answer")
    services.appeal_close_as_repeat(
        actor=request.user, appeal=appeal, reason=payload.reason, expected_version=_expected(request, payload)
    )
    return _reload(request, appeal)
