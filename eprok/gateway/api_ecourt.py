"""API operations of the e-Court deliveries (mounted in eprok.core.api at /api/v1/ecourt).

The same services and selectors as the pages: the register of deliveries, one delivery with its evidence
(request hash, times, the court's acknowledgement and reference) and manifest, sending one (queued and
delivered by the worker) and "retry now". Every read is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts.scopes import Scope
from eprok.core.access import deny
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import ValidationFailed
from eprok.core.pagination import Page, PageParams, paginate

from . import access, ecourt
from .models import CourtDelivery, DeliveryKind, DeliveryStatus

router = Router(tags=["ecourt"])


class EcourtDeliveryOut(Schema):
    public_id: uuid.UUID
    kind: str = Field(..., description=f"One of: {', '.join(DeliveryKind.values)}.")
    case_number: str = Field(..., description="The number of the case or supervised case.")
    court: str = Field(..., description="The code of the court.")
    title: str
    status: str = Field(..., description=f"One of: {', '.join(DeliveryStatus.values)}.")
    attempts: int
    next_attempt_at: dt.datetime | None = Field(None, description="While queued: when it is tried next.")
    last_error: str
    xroad_id: str = Field(..., description="The X-Road-Id, the same on every attempt.")
    request_hash: str = Field(
        ..., description="X-Road request hash (SHA-512, base64) of the delivered request."
    )
    delivered_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    court_reference: str = Field(
        ..., description="The court's reference (its case number) once acknowledged."
    )
    package: uuid.UUID | None = Field(None, description="The sealed package document.")
    created_at: dt.datetime


class EcourtDeliveryDetailOut(EcourtDeliveryOut):
    text: str
    manifest: dict[str, Any]


class EcourtDeliveryIn(Schema):
    kind: DeliveryKind
    case: str | None = Field(None, description="The number of a case of the service.")
    supervised: uuid.UUID | None = Field(None, description="The public id of a supervised case.")
    proceeding: uuid.UUID | None = Field(None, description="The public id of a court proceeding.")
    court: str | None = Field(None, description="The court's code; default: the proceeding's court.")
    title: str = Field(..., max_length=300)
    text: str = ""
    documents: list[uuid.UUID] = Field(default_factory=list, description="Documents of the case to attach.")
    decision: int | None = Field(None, description="The court decision appealed (appeals and protests).")


class EcourtFilterIn(Schema):
    status: DeliveryStatus | None = None


def _out(delivery: CourtDelivery) -> dict[str, Any]:
    record = delivery.case or delivery.supervised
    return {
        "public_id": delivery.public_id,
        "kind": delivery.kind,
        "case_number": getattr(record, "number", ""),
        "court": delivery.court.code,
        "title": delivery.title,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_error": delivery.last_error,
        "xroad_id": delivery.xroad_id,
        "request_hash": delivery.request_hash,
        "delivered_at": delivery.delivered_at,
        "acknowledged_at": delivery.acknowledged_at,
        "court_reference": delivery.court_reference,
        "package": delivery.package.public_id if delivery.package_id else None,  # type: ignore[union-attr]
        "created_at": delivery.created_at,
    }


def _detail(delivery: CourtDelivery) -> dict[str, Any]:
    return {**_out(delivery), "text": delivery.text, "manifest": delivery.manifest or {}}


def _invalid(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: message})


def _owner(request: HttpRequest, payload: EcourtDeliveryIn) -> ecourt.Owner:
    named = [x for x in (payload.case, payload.supervised, payload.proceeding) if x]
    if len(named) != 1:
        raise _invalid("case", _("Name exactly one of case, supervised or proceeding."))
    if payload.case:
        from eprok.cases import access as cases_access

        return ecourt.owner_resolve(case=cases_access.get_case_for(request.user, payload.case, "view"))
    if payload.supervised:
        from eprok.supervision import access as supervision_access

        return ecourt.owner_resolve(
            supervised=supervision_access.get_case_for(request.user, payload.supervised)
        )
    from eprok.courtwork import access as courtwork_access

    return ecourt.owner_resolve(
        proceeding=courtwork_access.get_proceeding_for(request.user, payload.proceeding)
    )


@router.get(
    "/deliveries",
    response={200: Page[EcourtDeliveryOut], **ERRORS},
    summary="List deliveries to the e-Court",
    description="The deliveries the caller may see: failed and queued first, then the newest.",
)
def ecourt_delivery_list(
    request: HttpRequest, page: Query[PageParams], filters: Query[EcourtFilterIn]
) -> Any:
    require_scope(request, Scope.READ)
    if not access.ecourt_can_see_register(request.user):
        deny(
            request.user,
            action="gateway.ecourt.list",
            target_type="gateway.ecourt",
            target_key="",
            visible=True,
        )
    status = filters.status.value if filters.status else ""
    result = paginate(
        ecourt.delivery_list(user=request.user, status=status), limit=page.limit, offset=page.offset
    )
    ecourt.deliveries_record_listed(
        actor=request.user, keys=[str(d.public_id) for d in result["items"]], purpose="api"
    )
    result["items"] = [_out(d) for d in result["items"]]
    return result


@router.get(
    "/deliveries/{public_id}",
    response={200: EcourtDeliveryDetailOut, **ERRORS},
    summary="Get one delivery to the e-Court",
    description="The delivery with its evidence of delivery and the manifest of its package.",
)
def ecourt_delivery_get(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.READ)
    delivery = access.get_delivery_for(request.user, public_id, "view")
    ecourt.delivery_record_view(actor=request.user, delivery=delivery, purpose="api")
    return _detail(delivery)


@router.post(
    "/deliveries",
    response={201: EcourtDeliveryDetailOut, **WRITE_ERRORS},
    summary="Send to the e-Court",
    description=(
        "Builds and seals the package, stores it and queues the delivery; the worker sends it. Name exactly "
        "one of `case`, `supervised`, `proceeding`. The answer is the queued delivery (status `queued`)."
    ),
)
def ecourt_delivery_create(request: HttpRequest, payload: EcourtDeliveryIn) -> Any:
    require_scope(request, Scope.WRITE)
    from eprok.courtwork.models import Court, Decision
    from eprok.documents.models import Document

    owner = _owner(request, payload)
    court = None
    if payload.court:
        court = Court.objects.filter(code=payload.court, is_active=True).first()
        if court is None:
            raise _invalid("court", _("There is no court with this code."))
    decision = None
    if payload.decision is not None:
        decision = Decision.objects.filter(pk=payload.decision, proceeding=owner.proceeding).first()
        if decision is None:
            raise _invalid("decision", _("The decision is not one of this case's court proceeding."))
    documents = list(Document.objects.filter(public_id__in=payload.documents))
    if len(documents) != len(set(payload.documents)):
        raise _invalid("documents", _("Attach only documents of this case."))
    delivery = ecourt.delivery_queue(
        actor=request.user,
        kind=payload.kind.value,
        **owner.as_kwargs(),
        court=court,
        title=payload.title,
        text=payload.text,
        documents=documents,
        decision=decision,
    )
    delivery.refresh_from_db()
    return Status(
        201, _detail(CourtDelivery.objects.select_related(*access.DELIVERY_RELATED).get(pk=delivery.pk))
    )


@router.post(
    "/deliveries/{public_id}/retry",
    response={200: EcourtDeliveryDetailOut, **WRITE_ERRORS},
    summary="Retry a delivery now",
    description="Puts a failed (or queued) delivery back in the queue to be sent at once.",
)
def ecourt_delivery_retry(request: HttpRequest, public_id: uuid.UUID) -> Any:
    require_scope(request, Scope.WRITE)
    delivery = access.get_delivery_for(request.user, public_id, "retry")
    ecourt.delivery_retry(actor=request.user, delivery=delivery)
    return _detail(CourtDelivery.objects.select_related(*access.DELIVERY_RELATED).get(pk=delivery.pk))
