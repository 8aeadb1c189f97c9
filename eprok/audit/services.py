"""Writing audit events. Services call `audit_record` inside their own transaction."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from eprok.audit.chain import GENESIS_HASH, canonical_json, event_hash
from eprok.audit.models import AuditEvent
from eprok.core.context import current

# Keys whose values never reach the log (matched case-insensitively as substrings).
SENSITIVE_KEYS = ("password", "secret", "token", "totp", "otp", "key_hash", "api_key", "session")
REDACTED = "***"
# Arbitrary constant naming the PostgreSQL advisory lock that serialises the chain.
_CHAIN_LOCK_ID = 0x6570726F6B  # "eprok"


def redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (REDACTED if any(s in str(k).lower() for s in SENSITIVE_KEYS) else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the keys that changed, as {"before": {...}, "after": {...}}."""
    keys = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    if not keys:
        return {}
    return {"before": {k: before.get(k) for k in keys}, "after": {k: after.get(k) for k in keys}}


def object_label(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def object_key(obj: models.Model) -> str:
    return str(getattr(obj, "public_id", None) or obj.pk)


def _actor_snapshot(actor: Any) -> tuple[int | None, str, str, int | None]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", "", None
    unit = getattr(actor, "unit", None)
    return (
        actor.pk,
        actor.get_full_name() or actor.get_username(),
        unit.name_az if unit else "",
        getattr(unit, "pk", None),
    )


def normalise_ip(ip: str | None) -> str | None:
    """The address as PostgreSQL's inet type prints it back, so the hashed text is the stored text.

    Python and PostgreSQL agree on IPv4 and on compressed IPv6 (RFC 5952), except that PostgreSQL
    writes IPv4-mapped and IPv4-compatible IPv6 addresses with a dotted tail. Unparseable input is
    dropped rather than failing the audited action.
    """
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return None
        if address.ipv4_mapped is not None:
            return f"::ffff:{address.ipv4_mapped}"
        packed = address.packed
        if packed[:12] == bytes(12) and packed[12:14] != b"\0\0":
            return f"::{ipaddress.IPv4Address(packed[12:])}"
    return str(address)


def _last_hash() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS_HASH


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    related: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Append one event to the chain; joins the caller's transaction (or opens one)."""
    if target is not None:
        target_type = target_type or object_label(target)
        target_id = target_id or object_key(target)
        target_repr = target_repr or str(target)
    ctx = current()
    actor_id, actor_name, actor_unit, actor_unit_id = _actor_snapshot(actor)
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "actor_id": actor_id,
        "actor_name": actor_name[:255],
        "actor_unit": actor_unit[:255],
        "action": action[:100],
        "target_type": target_type[:64],
        "target_id": str(target_id)[:64],
        "target_repr": target_repr[:255],
        "related_type": object_label(related)[:64] if related is not None else "",
        "related_id": object_key(related)[:64] if related is not None else "",
        "changes": canonical_json(redact(changes) if changes else None),
        "data": canonical_json(redact(data) if data else None),
        "purpose": purpose[:255],
        "source": ctx.source[:16],
        "request_id": ctx.request_id[:64],
        "ip": normalise_ip(ctx.ip),
        "user_agent": ctx.user_agent[:300],
    }
    # No savepoint inside a caller's transaction: if the event cannot be written, the caller's work
    # must not commit without it, and the two savepoint statements would cost every audited action.
    with transaction.atomic(savepoint=False):
        prev = _last_hash()
        event = AuditEvent(
            **fields, actor_unit_id=actor_unit_id, prev_hash=prev, hash=event_hash(prev, **fields)
        )
        event.save(force_insert=True)
    return event


def audit_denied_access(
    *, actor: Any, action: str, target_type: str, target_key: str, visible: bool
) -> AuditEvent:
    """A refused attempt on a protected object (404 when invisible, 403 when only the action is refused)."""
    return audit_record(
        actor=actor,
        action="access.denied",
        target_type=target_type,
        target_id=target_key,
        data={"attempted": action, "outcome": "forbidden" if visible else "not_found"},
    )


def audit_log_read(
    *, actor: Any, filters: dict[str, str], page_size: int, before_id: int | None
) -> AuditEvent:
    """Reading the audit log is itself audited: who looked, with which filters."""
    return audit_record(
        actor=actor,
        action="audit.log.read",
        data={"filters": filters, "page_size": page_size, **({"before_id": before_id} if before_id else {})},
    )


def audit_event_read(*, actor: Any, event: AuditEvent) -> AuditEvent:
    return audit_record(
        actor=actor,
        action="audit.event.read",
        target_type="audit.auditevent",
        target_id=str(event.pk),
        target_repr=str(event),
    )


def audit_log_exported(*, actor: Any, filters: dict[str, str], max_rows: int) -> AuditEvent:
    return audit_record(
        actor=actor, action="audit.log.exported", data={"filters": filters, "max_rows": max_rows}
    )
