"""The gateway's administration in the API (mounted at /api/v1/gateway): the configured services with their
circuits, resetting a circuit, the message log and one message, verifying the log's chain.

Only administrators of the gateway; everyone else gets 404. Reads of the log are audited as in the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.pagination import Page, PageParams, paginate
from eprok.gateway import access, selectors, services

router = Router(tags=["gateway"])


class GatewayServiceOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    member: str = Field(..., description="The provider: INSTANCE/CLASS/MEMBER/SUBSYSTEM.")
    service: str = Field(..., description="The provider's service code.")
    timeout: float
    retries: int
    failure_threshold: int
    cooldown: int
    roles: list[str]
    is_active: bool
    circuit_open: bool
    circuit_failures: int
    circuit_opened_until: dt.datetime | None
    last_outcome: str = Field(..., description="The outcome of the latest outbound message, or empty.")
    last_at: dt.datetime | None


def _service_out(row: selectors.ServiceRow) -> dict[str, Any]:
    service = row.service
    return {
        "id": service.pk,
        "code": service.code,
        "name": str(service.name),
        "kind": service.kind,
        "member": service.member,
        "service": service.service,
        "timeout": service.timeout,
        "retries": service.retries,
        "failure_threshold": service.failure_threshold,
        "cooldown": service.cooldown,
        "roles": list(service.roles or []),
        "is_active": service.is_active,
        "circuit_open": row.is_open,
        "circuit_failures": row.failures,
        "circuit_opened_until": row.opened_until,
        "last_outcome": row.last_outcome,
        "last_at": row.last_at,
    }


class GatewayMessageOut(Schema):
    id: int
    occurred_at: dt.datetime
    direction: str = Field(..., description="out (eprok called) or in (eprok was called).")
    xroad_id: str
    client: str
    service: str
    service_code: str
    method: str
    path: str
    user_id: str
    issue: str
    purpose: str
    attempt: int
    status_code: int | None
    outcome: str
    error: str
    duration_ms: int
    request_hash: str
    response_hash: str
    hash: str


class GatewayMessageDetailOut(GatewayMessageOut):
    prev_hash: str
    request_body: str
    response_body: str


class GatewayMessageFilter(PageParams):
    direction: str = Field("", description="in or out.")
    service: str = Field("", max_length=300, description="A service code or part of its address.")
    outcome: str = Field("", max_length=16)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    xroad_id: str = Field("", max_length=100)
    issue: str = Field("", max_length=100)
    user: str = Field("", max_length=64, description="The employee's FIN (X-Road-UserId without AZ).")


class GatewayChainProblemOut(Schema):
    message: int = Field(..., description="The id of the message where the chain breaks.")
    problem: str = Field(
        ..., description="chain_break (not linked to the one before) or hash_mismatch (changed)."
    )


class GatewayVerifyOut(Schema):
    ok: bool
    checked: int = Field(..., description="How many messages were checked.")
    problems: list[GatewayChainProblemOut]


@router.get(
    "/services",
    response={200: list[GatewayServiceOut], **ERRORS},
    summary="The gateway's services with their circuit breakers",
)
def gateway_service_list(request: HttpRequest) -> list[dict[str, Any]]:
    require_scope(request, Scope.READ)
    return [_service_out(row) for row in selectors.service_list(user=request.user)]


@router.post(
    "/services/{id}/circuit/reset",
    response={200: GatewayServiceOut, **WRITE_ERRORS},
    summary="Close a service's circuit breaker",
)
def gateway_circuit_reset(request: HttpRequest, id: int) -> dict[str, Any]:
    require_scope(request, Scope.WRITE)
    service = access.get_service_for(request.user, id, action="circuit_reset")
    services.circuit_reset(actor=request.user, service=service)
    row = next(row for row in selectors.service_list(user=request.user) if row.service.pk == service.pk)
    return _service_out(row)


@router.get(
    "/messages",
    response={200: Page[GatewayMessageOut], **ERRORS},
    summary="The gateway's message log, newest first (without bodies)",
)
def gateway_message_list(request: HttpRequest, params: Query[GatewayMessageFilter]) -> dict[str, Any]:
    require_scope(request, Scope.READ)
    filters = selectors.MessageFilters.from_query(params.dict())
    rows = selectors.message_list_audited(user=request.user, filters=filters)
    return paginate(rows, limit=params.limit, offset=params.offset)


@router.get(
    "/messages/{id}",
    response={200: GatewayMessageDetailOut, **ERRORS},
    summary="One message of the gateway's log with its bodies (the read is audited)",
)
def gateway_message_get(request: HttpRequest, id: int) -> Any:
    require_scope(request, Scope.READ)
    return selectors.message_get(user=request.user, key=id)


@router.post(
    "/verify",
    response={200: GatewayVerifyOut, **WRITE_ERRORS},
    summary="Verify the hash chain of the gateway's message log",
)
def gateway_verify(request: HttpRequest) -> dict[str, Any]:
    require_scope(request, Scope.READ)
    result = services.log_verify(actor=request.user)
    problems = [{"message": pk, "problem": problem} for pk, problem in result.problems]
    return {"ok": result.ok, "checked": result.checked, "problems": problems}
