"""Who may see and act on supervised cases (investigations conducted by the police and other bodies).

A supervised case is visible to
- its named supervising prosecutor, always;
- holders of "Supervise investigations" over its supervising unit (superior offices hold the role with
  sub-units);
- holders of "State prosecution in court" over the unit, once the case is sent to court.
Everything else answers 404, and the refusal is audited.

Everyone who holds "Supervise investigations" over the unit, and the named supervisor, acts on the case
(details, instructions, demands, protests, answers, violations, suspension, termination). The indictment is
decided (approved or returned) only by the named supervisor or by a holder of "Supervise investigations"
over a superior unit (a grant with sub-units on an ancestor of the case's unit).
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import active_grants, has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

from .models import SupervisedCase, SupervisedStatus

TARGET_TYPE = "supervision.supervisedcase"  # the audit label of the model (app.model)
# The roles that open the register at all: supervisors, and state prosecutors for the cases sent to court.
REGISTER_ROLES = frozenset({Role.SUPERVISE, Role.PROSECUTE})


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible_to(user: Any) -> QuerySet[SupervisedCase]:
    if not signed_in(user):
        return SupervisedCase.objects.none()
    return SupervisedCase.objects.filter(
        Q(supervisor_id=user.pk)
        | unit_scope(user, Role.SUPERVISE)
        | (unit_scope(user, Role.PROSECUTE) & Q(status=SupervisedStatus.SENT_TO_COURT))
    )


def can_view(user: Any, case: SupervisedCase) -> bool:
    """visible_to(user) decided for one loaded case (its unit loaded), from the grants in memory."""
    if not signed_in(user):
        return False
    return bool(
        case.supervisor_id == user.pk
        or has_role(user, Role.SUPERVISE, case.unit)
        or (case.status == SupervisedStatus.SENT_TO_COURT and has_role(user, Role.PROSECUTE, case.unit))
    )


def can_act(user: Any, case: SupervisedCase) -> bool:
    """Details, acts, answers, violations, suspension and termination: the supervisor and "Supervise"."""
    return signed_in(user) and (case.supervisor_id == user.pk or has_role(user, Role.SUPERVISE, case.unit))


def supervises_from_above(user: Any, unit: Unit) -> bool:
    """Holds "Supervise investigations" with sub-units on an ancestor of `unit` (a superior office)."""
    return any(
        grant.role == Role.SUPERVISE
        and grant.include_subunits
        and grant.unit_id != unit.pk
        and unit.path.startswith(grant.unit_path)
        for grant in active_grants(user)
    )


def can_decide_indictment(user: Any, case: SupervisedCase) -> bool:
    """Approving or returning the indictment: the named supervisor, or a superior office's supervisor."""
    return signed_in(user) and (case.supervisor_id == user.pk or supervises_from_above(user, case.unit))


def can_see_register(user: Any) -> bool:
    return signed_in(user) and any(grant.role in REGISTER_ROLES for grant in active_grants(user))


def can_see_statistics(user: Any) -> bool:
    return signed_in(user) and has_role(user, Role.SUPERVISE)


def can_create_in(user: Any, unit: Unit) -> bool:
    return signed_in(user) and has_role(user, Role.SUPERVISE, unit)


def create_units(user: Any) -> QuerySet[Unit]:
    """The units whose supervised cases the user may enter by hand."""
    if not signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope(user, Role.SUPERVISE, None), is_active=True)


ACTIONS = {
    "view": lambda user, case: True,
    "act": can_act,
    "decide": can_decide_indictment,
}


def deny_case(user: Any, case: SupervisedCase | None, *, action: str, key: str = "") -> NoReturn:
    """Record a refused attempt on a case and raise 404 (case None or invisible) or 403."""
    deny(
        user,
        action=f"supervision.case.{action}",
        target_type=TARGET_TYPE,
        target_key=(str(case.public_id) if case is not None else key)[:64],
        visible=case is not None,
    )


def deny_register(user: Any, action: str) -> NoReturn:
    deny(
        user, action=f"supervision.{action}", target_type="supervision.register", target_key="", visible=False
    )


CASE_RELATED = ("body", "unit", "supervisor")


def get_case_for(user: Any, key: Any, action: str = "view", queryset: Any = None) -> SupervisedCase:
    """The case by public id if `user` may see it (404 otherwise) and may do `action` (403 otherwise)."""
    text = str(key or "").strip()
    case = None
    if signed_in(user) and _is_uuid(text):
        base = queryset if queryset is not None else SupervisedCase.objects.select_related(*CASE_RELATED)
        rows = list(base.filter(public_id=text).order_by()[:1])
        case = rows[0] if rows and can_view(user, rows[0]) else None
    if case is None:
        deny_case(user, None, action=action, key=text)
    if not ACTIONS[action](user, case):
        deny_case(user, case, action=action)
    return case


def require(user: Any, case: SupervisedCase, action: str) -> None:
    """The services' own check; actor None is the system (the gateway, the sweep)."""
    if user is None:
        return
    if not can_view(user, case):
        deny_case(user, None, action=action, key=str(case.public_id))
    if not ACTIONS[action](user, case):
        deny_case(user, case, action=action)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
