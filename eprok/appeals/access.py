"""Who may see and act on appeals and on the personal reception log.

An appeal is visible to
- holders of "Register appeals" or "Answer appeals" over its receiving unit (the unit's register);
- holders of "Answer appeals" over its executor unit (set by the latest resolution) and its executor;
- holders of "Answer appeals" over the department it was escalated to (torture, corruption,
  misconduct of prosecutors or police);
- holders of either role over the unit of the service it was forwarded to.
Everything else answers 404. Resolving, forwarding, extending, answering and closing need "Answer
appeals" over one of the appeal's units (receiving, executor, escalated-to); registering needs
"Register appeals" over the unit. An answer is approved by a holder of "Answer appeals" other than
its drafter (four eyes; see docs/decisions/0009-appeals.md). The executor is never the official
complained about, nor anyone of the unit complained about (`is_eligible_executor`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from eprok.appeals import terms
from eprok.appeals.models import OPEN_STATUSES, Appeal, AppealStatus, ReceptionEntry
from eprok.core.access import deny
from eprok.core.calendar.deadlines import may_grant_extension
from eprok.org.grants import active_grants, has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

TARGET_TYPE = "appeals.appeal"
READER_ROLES = (Role.REGISTER_APPEALS, Role.ANSWER_APPEALS)
# The roles that open the register at all (the menu, the list page, the dashboard).
REGISTER_ROLES = frozenset(READER_ROLES)


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def unit_filter(user: Any) -> Q:
    """Appeals of the units where the user reads the register, works them, or receives escalations."""
    condition = Q(pk__in=[])
    for role in READER_ROLES:
        condition |= unit_scope(user, role, "unit") | unit_scope(user, role, "forwarded_to_unit")
    condition |= unit_scope(user, Role.ANSWER_APPEALS, "executor_unit")
    condition |= unit_scope(user, Role.ANSWER_APPEALS, "escalated_to")
    return condition


def reads_everything(user: Any) -> bool:
    """Holds a reader role over a whole tree (a root unit with its sub-units): every appeal is visible."""
    return any(
        grant.role in READER_ROLES and grant.include_subunits and grant.unit_path.count("/") == 2
        for grant in active_grants(user)
    )


def visible_to(user: Any) -> QuerySet[Appeal]:
    if not signed_in(user):
        return Appeal.objects.none()
    if reads_everything(user):
        # The same rows without the visibility condition's joins on the unit tree.
        return Appeal.objects.all()
    return Appeal.objects.filter(unit_filter(user) | Q(executor_id=user.pk))


def reads_all_of(user: Any, unit: Any, *, subunits: bool = False) -> bool:
    """Whether the user reads the whole register of `unit` (with `subunits`, of its whole subtree):
    then every appeal received there is visible, and a list filtered to it needs no visibility condition."""
    for grant in active_grants(user):
        if grant.role not in READER_ROLES:
            continue
        if grant.include_subunits and unit.path.startswith(grant.unit_path):
            return True
        if not subunits and grant.unit_id == unit.pk:
            return True
    return False


def visible_in(user: Any, unit: Any, *, subunits: bool = False) -> QuerySet[Appeal]:
    """visible_to(user) for a list filtered to appeals received by `unit`, without the visibility
    condition (and its joins) when the user reads all that the filter keeps."""
    if signed_in(user) and reads_all_of(user, unit, subunits=subunits):
        return Appeal.objects.all()
    return visible_to(user)


# --- the unit's register -------------------------------------------------------------------------------


def can_register(user: Any, unit: Unit | None = None) -> bool:
    """Registers appeals received by `unit` (or anywhere, with unit=None)."""
    return signed_in(user) and has_role(user, Role.REGISTER_APPEALS, unit)


def can_read_unit_register(user: Any, unit: Unit | None = None) -> bool:
    """Opens a unit's register of appeals, its dashboard and its reception log."""
    return signed_in(user) and any(has_role(user, role, unit) for role in READER_ROLES)


# --- one appeal ----------------------------------------------------------------------------------------


def answer_units(appeal: Appeal) -> list[Unit]:
    """The units whose "Answer appeals" holders work the appeal: receiving, executor, escalated-to."""
    units = [appeal.unit, appeal.executor_unit, appeal.escalated_to]
    return [unit for unit in units if unit is not None]


def holds_answer_role(user: Any, appeal: Appeal) -> bool:
    return signed_in(user) and any(has_role(user, Role.ANSWER_APPEALS, unit) for unit in answer_units(appeal))


def is_eligible_executor(employee: Any, unit: Unit, appeal: Appeal | None = None) -> bool:
    """An employee may execute an appeal in `unit` while they hold "Answer appeals" over it, and are
    neither the official complained about nor a member of the unit complained about."""
    if employee is None or not employee.is_active or not has_role(employee, Role.ANSWER_APPEALS, unit):
        return False
    if appeal is None:
        return True
    if appeal.complained_official_id is not None and employee.pk == appeal.complained_official_id:
        return False
    return not (appeal.complained_unit_id is not None and appeal.excludes_unit(employee.unit))


def can_route(user: Any, appeal: Appeal) -> bool:
    """Write a resolution (dərkənar): a holder of "Answer appeals" over one of the appeal's units."""
    return appeal.is_open and holds_answer_role(user, appeal)


def can_forward(user: Any, appeal: Appeal) -> bool:
    """Forward to the competent body: as routing, or the registrar while nobody has routed it yet."""
    if not appeal.is_open:
        return False
    if holds_answer_role(user, appeal):
        return True
    return appeal.status == AppealStatus.REGISTERED and can_register(user, appeal.unit)


def can_classify(user: Any, appeal: Appeal) -> bool:
    """Change the topic, the sector, the body complained about: the registrar or the answering side."""
    return appeal.is_open and (can_register(user, appeal.unit) or holds_answer_role(user, appeal))


def can_answer(user: Any, appeal: Appeal) -> bool:
    """Draft, approve and send the answer, or close the appeal as an unconsidered repeat."""
    return appeal.is_open and holds_answer_role(user, appeal)


def can_deliver(user: Any, appeal: Appeal) -> bool:
    """Record that the sent answer reached the applicant: the answering side or the registrar."""
    return appeal.status == AppealStatus.ANSWERED and (
        holds_answer_role(user, appeal) or can_register(user, appeal.unit)
    )


def can_extend(user: Any, appeal: Appeal, step: str | None = None) -> bool:
    """Extend the answer term under the rule's step (10.2): its role over one of the appeal's units."""
    if not (signed_in(user) and appeal.status in OPEN_STATUSES):
        return False
    rule = terms.answer_rule(appeal)
    steps = [step] if step else [str(s.get("key", "")) for s in (rule.extension_steps or [])]
    return any(may_grant_extension(user, rule, key, unit) for key in steps for unit in answer_units(appeal))


def can_issue_code(user: Any, appeal: Appeal) -> bool:
    """Give the applicant a (new) access code for the portal: the registrar of the receiving unit."""
    return can_register(user, appeal.unit)


ACTIONS = {
    "view": lambda user, appeal: True,
    "route": can_route,
    "forward": can_forward,
    "classify": can_classify,
    "answer": can_answer,
    "deliver": can_deliver,
    "extend": lambda user, appeal: can_extend(user, appeal),
    "issue_code": can_issue_code,
}


def get_appeal_for(user: Any, number: str, action: str = "view", queryset: Any = None) -> Appeal:
    """The appeal `number` if `user` may see it (404 otherwise) and may do `action` on it (403 otherwise)."""
    base = (
        queryset
        if queryset is not None
        else visible_to(user).select_related(
            "unit", "executor_unit", "escalated_to", "executor", "complained_unit"
        )
    )
    # The number is unique: no ORDER BY (what .first() adds costs PostgreSQL more planning than the
    # look-up itself takes to run).
    appeal = next(iter(base.filter(number=str(number)[:40]).order_by()[:1]), None)
    if appeal is None:
        deny(
            user,
            action=f"appeals.appeal.{action}",
            target_type=TARGET_TYPE,
            target_key=str(number)[:64],
            visible=False,
        )
    if not ACTIONS[action](user, appeal):
        deny(
            user,
            action=f"appeals.appeal.{action}",
            target_type=TARGET_TYPE,
            target_key=appeal.number,
            visible=True,
        )
    return appeal


# --- the personal reception log ------------------------------------------------------------------------


def receptions_visible_to(user: Any) -> QuerySet[ReceptionEntry]:
    if not signed_in(user):
        return ReceptionEntry.objects.none()
    condition = Q(pk__in=[])
    for role in READER_ROLES:
        condition |= unit_scope(user, role, "unit")
    return ReceptionEntry.objects.filter(condition | Q(official_id=user.pk))


def can_manage_classifiers(user: Any) -> bool:
    """Maintain the topics and sectors: "Administer users" over the whole service (a root unit)."""
    return signed_in(user) and any(
        grant.role == Role.ADMINISTER_USERS and grant.unit_path.count("/") == 2
        for grant in active_grants(user)
    )


def can_log_reception(user: Any, unit: Unit | None = None) -> bool:
    """Record visitors received in `unit`: the registrar or the answering side of the unit."""
    return can_read_unit_register(user, unit)
