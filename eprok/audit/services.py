"""Writing audit events. Services call `audit_record` inside their own transaction."""

from __future__ import annotations

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
            k: (REDACTED if any(s in str(k).lower() for s in SENSITIVE_KEYS) else redact(v)) for k, v in value.items()
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
    return actor.pk, actor.get_full_name() or actor.get_username(), unit.name_az if unit else "", getattr(
        unit, "pk", None
    )


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
    fields = {
        "occurred_at": timezone.now(),
        "actor_id": actor_id,
        "actor_name": actor_name[:255],
        "actor_unit": actor_unit[:255],
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id)[:64],
        "target_repr": target_repr[:255],
        "related_type": object_label(related) if related is not None else "",
        "related_id": object_key(related) if related is not None else "",
        "changes": canonical_json(redact(changes) if changes else None),
        "data": canonical_json(redact(data) if data else None),
        "purpose": purpose[:255],
        "source": ctx.source,
        "request_id": ctx.request_id,
        "ip": ctx.ip,
        "user_agent": ctx.user_agent[:300],
    }
    with transaction.atomic():
        prev = _last_hash()
        event = AuditEvent(**fields, actor_unit_id=actor_unit_id, prev_hash=prev, hash=event_hash(prev, **fields))
        event.save(force_insert=True)
    return event


def audit_denied_access(*, actor: Any, action: str, target_type: str, target_key: str, visible: bool) -> AuditEvent:
    """A refused attempt on a protected object (404 when invisible, 403 when only the action is refused)."""
    return audit_record(
        actor=actor,
        action="access.denied",
        target_type=target_type,
        target_id=target_key,
        data={"attempted": action, "outcome": "forbidden" if visible else "not_found"},
    )
