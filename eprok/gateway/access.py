"""Who may do what in the gateway: administration, register look-ups, e-Court deliveries.

Deny by default; objects a user may not see are reported as not found (404).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from eprok.core.access import deny

# --- administration of the gateway (services, allow-list, message log) ------------------------------------
# The holders of "Administer the e-Government gateway" (in any unit: the gateway is one for the whole
# service) configure it and read its message log; everyone else gets 404 for all of it.

ADMIN_TARGET = "gateway.admin"


def can_administer_gateway(user: Any) -> bool:
    from eprok.org.grants import roles_of
    from eprok.org.roles import Role

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Role.ADMINISTER_GATEWAY in roles_of(user)


def require_gateway_admin(user: Any, *, action: str) -> None:
    """NotFound (audited) unless the user administers the gateway."""
    if not can_administer_gateway(user):
        deny(user, action=f"{ADMIN_TARGET}.{action}", target_type=ADMIN_TARGET, target_key="*", visible=False)


def messages_visible_to(user: Any) -> QuerySet[Any]:
    from eprok.gateway.models import Message

    return Message.objects.all() if can_administer_gateway(user) else Message.objects.none()


def _admin_get(user: Any, model: Any, key: Any, *, action: str, target_type: str) -> Any:
    try:
        pk = int(key)
    except (TypeError, ValueError):
        pk = 0
    found = model.objects.filter(pk=pk).first() if can_administer_gateway(user) and pk > 0 else None
    if found is None:
        deny(
            user,
            action=f"{target_type}.{action}",
            target_type=target_type,
            target_key=str(key)[:64],
            visible=False,
        )
    return found


def get_message_for(user: Any, key: Any, *, action: str = "read") -> Any:
    from eprok.gateway.models import Message

    return _admin_get(user, Message, key, action=action, target_type="gateway.message")


def get_service_for(user: Any, key: Any, *, action: str = "edit") -> Any:
    from eprok.gateway.models import RemoteService

    return _admin_get(user, RemoteService, key, action=action, target_type="gateway.remoteservice")


def get_permission_for(user: Any, key: Any, *, action: str = "edit") -> Any:
    from eprok.gateway.models import InboundPermission

    return _admin_get(user, InboundPermission, key, action=action, target_type="gateway.inboundpermission")


# --- register look-ups --------------------------------------------------------------------------------------
# A register may be asked by a holder (in any unit) of one of the role codes its RemoteService lists in
# `roles`; a stored look-up is read back only by the employee who ran it (404 for anyone else).


def _registers_signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


# The links to the browser on the person, report and case cards read the roles from the cache (a role
# change shows there within this many seconds); the look-ups themselves always read the table.
REGISTER_ROLES_CACHE_KEY = "eprok:gateway:register-roles"
REGISTER_ROLES_CACHE_SECONDS = 60


def register_roles(*, cached: bool = False) -> dict[str, frozenset[str]]:
    """The role codes allowed per register (from the active RemoteService rows of the registers)."""
    from django.core.cache import cache

    from eprok.gateway.lookups import REGISTER_SERVICES
    from eprok.gateway.models import RemoteService

    if cached:
        found = cache.get(REGISTER_ROLES_CACHE_KEY)
        if isinstance(found, dict):
            return found
    by_code = {code: register for register, code in REGISTER_SERVICES.items()}
    rows = RemoteService.objects.filter(code__in=by_code, is_active=True).values_list("code", "roles")
    roles = {by_code[code]: frozenset(str(role) for role in (roles or [])) for code, roles in rows}
    cache.set(REGISTER_ROLES_CACHE_KEY, roles, REGISTER_ROLES_CACHE_SECONDS)
    return roles


def allowed_registers(user: Any, *, cached: bool = False) -> list[str]:
    """The registers `user` may look up in, in the order of the Register choices."""
    from eprok.gateway.models import Register
    from eprok.org.grants import roles_of

    if not _registers_signed_in(user):
        return []
    held = roles_of(user)
    roles = register_roles(cached=cached)
    return [register for register in Register.values if roles.get(register, frozenset()) & held]


def can_look_up(user: Any, register: str) -> bool:
    return register in allowed_registers(user)


def can_use_registers(user: Any, *, cached: bool = False) -> bool:
    """May open the register browser (holds a role that some register allows)."""
    return bool(allowed_registers(user, cached=cached))


def lookups_visible_to(user: Any) -> QuerySet[Any]:
    """The look-ups the user ran (a look-up's answer is for the one who asked and why)."""
    from eprok.gateway.models import Lookup

    if not _registers_signed_in(user):
        return Lookup.objects.none()
    return Lookup.objects.filter(actor_id=user.pk)


def require_registers(user: Any) -> None:
    """Refuse (403, audited) a user whose roles open no register."""
    if not can_use_registers(user):
        deny(
            user,
            action="gateway.registers.open",
            target_type="gateway.register",
            target_key="*",
            visible=True,
        )


def get_lookup_for(user: Any, key: Any) -> Any:
    """The user's own look-up named by its public id (hex or with dashes); 404, audited, otherwise."""
    lookup = None
    try:
        public_id = uuid.UUID(str(key))
    except ValueError:
        public_id = None
    if public_id is not None:
        lookup = lookups_visible_to(user).filter(public_id=public_id).select_related("message").first()
    if lookup is None:
        deny(
            user,
            action="gateway.lookup.view",
            target_type="gateway.lookup",
            target_key=str(key)[:64],
            visible=False,
        )
    return lookup


# --- e-Court deliveries ---
# The state prosecutor of the court proceeding (and "State prosecution in court" over its unit) and the
# supervising prosecutor of the owner (the case's supervisor, "Supervise investigations" over its unit) send
# to the e-Court; whoever may see the owner sees its deliveries. The register of deliveries
# (/gateway/ecourt/) is for holders of those two roles and lists what their grants cover.
ECOURT_TARGET = "gateway.courtdelivery"


def _ecourt_signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def ecourt_can_view_owner(
    user: Any, *, case: Any = None, supervised: Any = None, proceeding: Any = None
) -> bool:
    """Whether the user sees the owner of a delivery (the case, the supervised case or the proceeding)."""
    if not _ecourt_signed_in(user):
        return False
    if proceeding is not None:
        from eprok.courtwork import access as courtwork_access

        if courtwork_access.can_view(user, proceeding):
            return True
    if case is not None:
        from eprok.cases import access as cases_access

        return cases_access.can_view(user, case)
    if supervised is not None:
        from eprok.supervision import access as supervision_access

        return supervision_access.can_view(user, supervised)
    return False


def ecourt_can_send(user: Any, *, case: Any = None, supervised: Any = None, proceeding: Any = None) -> bool:
    """The state prosecutor of the proceeding or the supervising prosecutor of the owner."""
    if not _ecourt_signed_in(user):
        return False
    if proceeding is not None:
        from eprok.courtwork import access as courtwork_access

        if courtwork_access.can_act(user, proceeding):
            return True
    if case is not None:
        from eprok.cases import access as cases_access

        return cases_access.can_supervise(user, case)
    if supervised is not None:
        from eprok.supervision import access as supervision_access

        return supervision_access.can_act(user, supervised)
    return False


def ecourt_can_see_register(user: Any) -> bool:
    from eprok.org.grants import has_role
    from eprok.org.roles import Role

    return _ecourt_signed_in(user) and (has_role(user, Role.PROSECUTE) or has_role(user, Role.SUPERVISE))


def deliveries_visible_to(user: Any) -> QuerySet[Any]:
    """Deliveries the user sent and those whose owner the user sees (the rule of `ecourt_can_view`).

    From the owners' own visibility, not the delivery's unit: "State prosecution in court" opens a case
    of the service only once it is sent to court, so a motion on a case under investigation stays with
    the case's team and supervisors.
    """
    from django.db.models import Q

    from eprok.cases import access as cases_access
    from eprok.courtwork import access as courtwork_access
    from eprok.gateway.models import CourtDelivery
    from eprok.supervision import access as supervision_access

    if not _ecourt_signed_in(user):
        return CourtDelivery.objects.none()
    return CourtDelivery.objects.filter(
        Q(sent_by_id=user.pk)
        | Q(case__in=cases_access.visible_to(user).values("pk"))
        | Q(supervised__in=supervision_access.visible_to(user).values("pk"))
        | Q(proceeding__in=courtwork_access.visible_to(user).values("pk"))
    )


DELIVERY_RELATED = (
    "case",
    "case__unit",
    "supervised",
    "supervised__unit",
    "proceeding",
    "proceeding__unit",
    "court",
    "unit",
    "sent_by",
    "package",
    "package__current_version",
)


def ecourt_can_view(user: Any, delivery: Any) -> bool:
    return delivery.sent_by_id == getattr(user, "pk", None) or ecourt_can_view_owner(
        user, case=delivery.case, supervised=delivery.supervised, proceeding=delivery.proceeding
    )


def ecourt_can_retry(user: Any, delivery: Any) -> bool:
    return ecourt_can_send(
        user, case=delivery.case, supervised=delivery.supervised, proceeding=delivery.proceeding
    )


ECOURT_ACTIONS = {"view": ecourt_can_view, "retry": ecourt_can_retry}


def deny_delivery(user: Any, delivery: Any, *, action: str, key: str = "") -> Any:
    deny(
        user,
        action=f"gateway.ecourt.{action}",
        target_type=ECOURT_TARGET,
        target_key=(str(delivery.public_id) if delivery is not None else key)[:64],
        visible=delivery is not None,
    )


def get_delivery_for(user: Any, key: Any, action: str = "view") -> Any:
    """The delivery by public id if the user may see it (404 otherwise) and do `action` (403 otherwise)."""
    from eprok.gateway.models import CourtDelivery

    text = str(key or "").strip()
    delivery = None
    if _ecourt_signed_in(user):
        try:
            public_id = uuid.UUID(text)
        except ValueError:
            public_id = None
        if public_id is not None:
            delivery = (
                CourtDelivery.objects.select_related(*DELIVERY_RELATED).filter(public_id=public_id).first()
            )
            if delivery is not None and not ecourt_can_view(user, delivery):
                delivery = None
    if delivery is None:
        deny_delivery(user, None, action=action, key=text)
    if not ECOURT_ACTIONS[action](user, delivery):
        deny_delivery(user, delivery, action=action)
    return delivery


def require_ecourt_send(
    user: Any, *, case: Any = None, supervised: Any = None, proceeding: Any = None
) -> None:
    """The services' check: an audited 404 when the owner is invisible, 403 when the user may not send."""
    owner = proceeding or case or supervised
    label = (
        "courtwork.proceeding"
        if proceeding is not None
        else "cases.case"
        if case is not None
        else "supervision.supervisedcase"
    )
    key = str(getattr(owner, "number", "") or getattr(owner, "public_id", ""))[:64]
    visible = ecourt_can_view_owner(user, case=case, supervised=supervised, proceeding=proceeding)
    if not visible or not ecourt_can_send(user, case=case, supervised=supervised, proceeding=proceeding):
        deny(user, action="gateway.ecourt.queue", target_type=label, target_key=key, visible=visible)
