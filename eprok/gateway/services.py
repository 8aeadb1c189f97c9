"""Writes of the gateway's administration: a service's limits and roles, its circuit, the allow-list, and the
verification of the message log. Each checks the administrator, changes rows in one transaction and records
its audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.gateway import access, log, protocol
from eprok.gateway.models import CircuitState, InboundPermission, RemoteService

# Bounds an administrator may set (the form and the API show the same).
TIMEOUT_LIMITS = (0.5, 120.0)
COUNT_LIMITS: dict[str, tuple[int, int]] = {
    "retries": (0, 5),
    "failure_threshold": (1, 50),
    "cooldown": (5, 3600),
}
LIMITS: dict[str, tuple[float, float]] = {"timeout": TIMEOUT_LIMITS, **COUNT_LIMITS}
EDITABLE = ("timeout", "retries", "failure_threshold", "cooldown", "roles", "is_active")


def _snapshot(service: RemoteService) -> dict[str, Any]:
    return {name: getattr(service, name) for name in EDITABLE}


def _check_limits(values: dict[str, Any]) -> None:
    from eprok.org.roles import Role

    errors: dict[str, str] = {}
    for name, (low, high) in LIMITS.items():
        value = values.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = _("Enter a value from %(low)s to %(high)s.") % {"low": low, "high": high}
    roles = values.get("roles")
    if not isinstance(roles, list) or any(role not in Role.values for role in roles):
        errors["roles"] = _("Choose the roles from the list.")
    if errors:
        raise ValidationFailed(details=errors)


def service_update(
    *,
    actor: Any,
    service: RemoteService,
    timeout: float,
    retries: int,
    failure_threshold: int,
    cooldown: int,
    roles: list[str],
    is_active: bool,
) -> RemoteService:
    access.require_gateway_admin(actor, action="service_update")
    values = {
        "timeout": timeout,
        "retries": retries,
        "failure_threshold": failure_threshold,
        "cooldown": cooldown,
        "roles": sorted(set(roles)),
        "is_active": bool(is_active),
    }
    _check_limits(values)
    with transaction.atomic():
        locked = RemoteService.objects.select_for_update().get(pk=service.pk)
        before = _snapshot(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        changes = diff(before, _snapshot(locked))
        if changes:
            locked.save(update_fields=[*EDITABLE, "updated_at"])
            audit_record(actor=actor, action="gateway.service.updated", target=locked, changes=changes)
    return locked


def circuit_reset(*, actor: Any, service: RemoteService) -> RemoteService:
    """Close the circuit at once (failures forgotten): after the provider says it is back."""
    access.require_gateway_admin(actor, action="circuit_reset")
    with transaction.atomic():
        state, _created = CircuitState.objects.select_for_update().get_or_create(service=service)
        before = {"failures": state.failures, "opened_until": state.opened_until}
        CircuitState.objects.filter(pk=state.pk).update(failures=0, opened_until=None)
        audit_record(
            actor=actor,
            action="gateway.circuit.reset",
            target=service,
            changes=diff(before, {"failures": 0, "opened_until": None}),
        )
    return service


def _clean_member(client: str) -> str:
    client = (client or "").strip()
    if not protocol.MEMBER_RE.match(client):
        raise ValidationFailed(
            details={
                "client": _(
                    "Write the member as INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. AZ/GOV/1900000051/ecourt."
                )
            }
        )
    return client


def permission_create(*, actor: Any, client: str, service: str, note: str = "") -> InboundPermission:
    """Allow `client` to call our `service` (a withdrawn permission of the same pair is restored)."""
    from eprok.gateway.inbound import services as inbound_services

    access.require_gateway_admin(actor, action="permission_create")
    client = _clean_member(client)
    service = (service or "").strip()
    if service not in inbound_services():
        raise ValidationFailed(details={"service": _("Choose one of eprok's services.")})
    note = " ".join((note or "").split())[:200]
    with transaction.atomic():
        existing = (
            InboundPermission.objects.select_for_update().filter(client=client, service=service).first()
        )
        if existing is not None:
            if existing.is_active:
                raise Conflict(
                    _("This member may already call this service."), details={"client": _("Already allowed.")}
                )
            return permission_set_active(actor=actor, permission=existing, active=True)
        permission = InboundPermission.objects.create(client=client, service=service, note=note)
        audit_record(
            actor=actor,
            action="gateway.permission.created",
            target=permission,
            target_repr=f"{client} → {service}",
            data={"client": client, "service": service, "note": note},
        )
    return permission


def permission_set_active(*, actor: Any, permission: InboundPermission, active: bool) -> InboundPermission:
    access.require_gateway_admin(actor, action="permission_update")
    with transaction.atomic():
        locked = InboundPermission.objects.select_for_update().get(pk=permission.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active", "updated_at"])
            audit_record(
                actor=actor,
                action="gateway.permission.activated" if active else "gateway.permission.deactivated",
                target=locked,
                target_repr=f"{locked.client} → {locked.service}",
                changes=diff({"is_active": not active}, {"is_active": active}),
            )
    return locked


def log_verify(*, actor: Any) -> log.Verification:
    """Walk the message log's chain; the result (how many rows, which are broken) is audited."""
    access.require_gateway_admin(actor, action="verify")
    result = log.verify()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="gateway.log.verified",
            target_type="gateway.message",
            data={
                "checked": result.checked,
                "ok": result.ok,
                "problems": [list(p) for p in result.problems[:20]],
            },
        )
    return result
