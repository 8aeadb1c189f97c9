"""Who may see and act on training events.

- Administrators of training (holders of "Administer training", at the Centre with or without sub-units)
  see every event and manage them all: enter, edit, publish, cancel, add trainers, invite, mark attendance.
- A trainer (an employee named among an event's trainers) sees the events they teach, shows their
  attendance QR code and marks attendance.
- Any employee sees the published (and later held or cancelled) events they are invited to, answers the
  invitation, checks in with the QR code, downloads the session materials and, once present at a held
  event, evaluates it.
- The session materials (documents owned by the event) are uploaded by administrators and the event's
  trainers; the protocol is written by administrators and the lead trainer, read (PDF) by the trainers too.
- A thematic plan is drawn up by whoever holds "Administer training" or "Conduct training" in the office,
  or heads it; administrators of training see every plan and decide on it.
- An employee's training record is seen by the employee, administrators of training and the head of the
  employee's unit or of any unit above it (org.Unit.head).

Everything else answers 404, and the refusal is audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import has_role, unit_scope
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role
from eprok.training.models import (
    PLAN_EDITABLE,
    EventStatus,
    EventTrainer,
    Invitation,
    ThematicPlan,
    TrainerRole,
    TrainingEvent,
)

TARGET_TYPE = "training.trainingevent"  # the audit label of the model (app.model)
PLAN_TARGET = "training.thematicplan"


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_administrator(user: Any) -> bool:
    return signed_in(user) and has_role(user, Role.ADMINISTER_TRAINING)


def organiser_units(user: Any) -> QuerySet[Unit]:
    """The units an administrator may enter events for (where they hold "Administer training")."""
    if not signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope(user, Role.ADMINISTER_TRAINING, None), is_active=True)


def uses_base(user: Any) -> bool:
    """Whether the user works with the base of events (the menu entry and the list page)."""
    return is_administrator(user) or (
        signed_in(user)
        and (has_role(user, Role.TEACH_TRAINING) or EventTrainer.objects.filter(employee_id=user.pk).exists())
    )


def analysis_units(user: Any) -> QuerySet[Unit]:
    """The units whose training record the user may analyse: every unit for administrators of training,
    the subtree of each active unit the user heads (org.Unit.head), none for anyone else."""
    if not signed_in(user):
        return Unit.objects.none()
    if is_administrator(user):
        return Unit.objects.all()
    condition = Q(pk__in=[])
    for path in headed_units(user).values_list("path", flat=True):
        condition |= Q(path__startswith=path)
    return Unit.objects.filter(condition)


def visible_to(user: Any) -> QuerySet[TrainingEvent]:
    if not signed_in(user):
        return TrainingEvent.objects.none()
    if is_administrator(user):
        return TrainingEvent.objects.all()
    teaches = EventTrainer.objects.filter(employee_id=user.pk).values("event_id")
    invited = Invitation.objects.filter(employee_id=user.pk).values("event_id")
    return TrainingEvent.objects.filter(
        Q(pk__in=teaches) | (Q(pk__in=invited) & ~Q(status=EventStatus.DRAFT))
    )


def is_trainer(user: Any, event: TrainingEvent) -> bool:
    return signed_in(user) and EventTrainer.objects.filter(event=event, employee_id=user.pk).exists()


def can_manage(user: Any, event: TrainingEvent | None = None) -> bool:
    """Enter, edit, publish, cancel, add trainers, invite."""
    return is_administrator(user)


def can_run(user: Any, event: TrainingEvent) -> bool:
    """Show the attendance QR code and mark attendance: administrators and the event's trainers."""
    return is_administrator(user) or is_trainer(user, event)


def get_event_for(user: Any, key: Any, action: str = "view") -> TrainingEvent:
    """The event by public id if the user may see it; 404 otherwise, 403 for a refused action."""
    text = str(key or "").strip()
    event = None
    if _is_uuid(text):
        event = (
            visible_to(user).select_related("area", "organiser", "created_by").filter(public_id=text).first()
        )
    if event is None:
        deny(user, action=action, target_type=TARGET_TYPE, target_key=text[:64], visible=False)
    if action == "manage" and not can_manage(user, event):
        deny(user, action=action, target_type=TARGET_TYPE, target_key=str(event.public_id), visible=True)
    if action == "run" and not can_run(user, event):
        deny(user, action=action, target_type=TARGET_TYPE, target_key=str(event.public_id), visible=True)
    return event


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


# --- session materials (the documents panel of the event) ------------------------------------------------


def can_attach_materials(user: Any, event: TrainingEvent) -> bool:
    """Upload presentations and handouts: administrators of training and the event's trainers."""
    return can_run(user, event)


def register_documents_owner() -> None:
    """The event owns documents (its session materials): whoever sees the event reads them."""
    from django.urls import reverse

    from eprok.documents.owners import OwnerType, register_owner

    register_owner(
        OwnerType(
            label=TARGET_TYPE,
            verbose_name=TrainingEvent._meta.verbose_name,
            model=TrainingEvent,
            key_field="public_id",
            get_for=lambda user, key, action: get_event_for(user, key, "view"),
            can_attach=can_attach_materials,
            visible_to=visible_to,
            unit_of=lambda event: event.organiser,
            url_of=lambda event: reverse("training:detail", args=[event.public_id]),
        )
    )


# --- evaluation and protocol -----------------------------------------------------------------------------


def is_lead_trainer(user: Any, event: TrainingEvent) -> bool:
    return (
        signed_in(user)
        and EventTrainer.objects.filter(event=event, employee_id=user.pk, role=TrainerRole.LEAD).exists()
    )


def can_write_protocol(user: Any, event: TrainingEvent) -> bool:
    """Administrators of training and the event's lead trainer write the protocol of a held event."""
    return is_administrator(user) or is_lead_trainer(user, event)


def can_read_protocol(user: Any, event: TrainingEvent) -> bool:
    """The protocol names the listeners present and absent: administrators and the event's trainers."""
    return can_run(user, event)


def can_see_evaluations(user: Any, event: TrainingEvent) -> bool:
    """The averages (and the comments without names) for the event's trainers; everything for
    administrators."""
    return can_run(user, event)


# --- thematic plans --------------------------------------------------------------------------------------


def headed_units(user: Any) -> QuerySet[Unit]:
    """The active units the user heads (org.Unit.head)."""
    if not signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(head_id=user.pk, is_active=True)


def heads_a_unit(user: Any) -> bool:
    """Whether the user heads a unit (asked of the database; the pages' own checks)."""
    return signed_in(user) and headed_units(user).exists()


# The menu asks on every page whether the user heads a unit: it reads the set of all heads from the cache
# instead of running a query per page. The set is recomputed whenever a unit is saved or deleted, and at
# most every ten minutes otherwise (other processes' caches). The pages themselves check `heads_a_unit`.
HEADS_CACHE_KEY = "eprok:training:unit-heads"
HEADS_CACHE_SECONDS = 600


def _load_head_ids() -> frozenset[int]:
    from django.core.cache import cache

    ids = frozenset(Unit.objects.filter(head__isnull=False, is_active=True).values_list("head_id", flat=True))
    cache.set(HEADS_CACHE_KEY, ids, HEADS_CACHE_SECONDS)
    return ids


def _head_ids() -> frozenset[int]:
    from django.core.cache import cache

    ids = cache.get(HEADS_CACHE_KEY)
    return frozenset(ids) if ids is not None else _load_head_ids()


def forget_heads(**_kwargs: Any) -> None:
    """Connected to org.Unit's post_save and post_delete: recompute the cached set of heads (a cache, not
    workflow)."""
    _load_head_ids()


def menu_heads_a_unit(user: Any) -> bool:
    """The menu entry "Unit training record": the heads of units (from the cached set of heads)."""
    return signed_in(user) and user.pk in _head_ids()


def menu_uses_plans(user: Any) -> bool:
    """The menu entry "Thematic plans": training roles (already loaded for the menu), or a head of a unit."""
    return signed_in(user) and (
        has_role(user, Role.ADMINISTER_TRAINING)
        or has_role(user, Role.TEACH_TRAINING)
        or menu_heads_a_unit(user)
    )


def plan_units(user: Any) -> QuerySet[Unit]:
    """The units the user draws up thematic plans for: where they hold "Administer training" or "Conduct
    training" (with sub-units when the grant says so), and the units they head."""
    if not signed_in(user):
        return Unit.objects.none()
    condition = (
        unit_scope(user, Role.ADMINISTER_TRAINING, None)
        | unit_scope(user, Role.TEACH_TRAINING, None)
        | Q(head_id=user.pk)
    )
    return Unit.objects.filter(condition, is_active=True)


def uses_plans(user: Any) -> bool:
    """The menu entry "Thematic plans": training roles, or the head of a unit."""
    return signed_in(user) and (
        has_role(user, Role.ADMINISTER_TRAINING) or has_role(user, Role.TEACH_TRAINING) or heads_a_unit(user)
    )


def plans_visible_to(user: Any) -> QuerySet[ThematicPlan]:
    """Administrators of training see every plan; an office sees the plans of the units it plans for."""
    if not signed_in(user):
        return ThematicPlan.objects.none()
    if is_administrator(user):
        return ThematicPlan.objects.all()
    return ThematicPlan.objects.filter(unit__in=plan_units(user))


def can_draw_up(user: Any, unit: Unit) -> bool:
    return plan_units(user).filter(pk=unit.pk).exists()


def can_edit_plan(user: Any, plan: ThematicPlan) -> bool:
    """Change the items and send: the office, while the plan is a draft or returned."""
    return plan.status in PLAN_EDITABLE and can_draw_up(user, plan.unit)


def can_decide_plan(user: Any, plan: ThematicPlan | None = None) -> bool:
    """Approve or return a sent plan: the Centre's administrators of training."""
    return is_administrator(user)


def get_plan_for(user: Any, key: Any, action: str = "view") -> ThematicPlan:
    """The plan by public id if the user may see it (404 otherwise); 403 for a refused action."""
    text = str(key or "").strip()
    plan = None
    if _is_uuid(text):
        plan = (
            plans_visible_to(user)
            .select_related("unit", "created_by", "decided_by")
            .filter(public_id=text)
            .first()
        )
    if plan is None:
        deny(user, action=action, target_type=PLAN_TARGET, target_key=text[:64], visible=False)
    allowed = {"view": True, "edit": can_edit_plan, "decide": can_decide_plan}.get(action, False)
    if callable(allowed):
        allowed = allowed(user, plan)
    if not allowed:
        deny(user, action=action, target_type=PLAN_TARGET, target_key=str(plan.public_id), visible=True)
    return plan


# --- the training record ---------------------------------------------------------------------------------


def heads_above(user: Any, employee: Any) -> bool:
    """Whether the user heads the employee's unit or a unit above it."""
    unit = getattr(employee, "unit", None)
    if unit is None or not signed_in(user):
        return False
    return any(unit.path.startswith(path) for path in headed_units(user).values_list("path", flat=True))


def can_see_record(user: Any, employee: Any) -> bool:
    """An employee's training record: the employee, administrators of training, and the head of the
    employee's unit or of any unit above it."""
    if not signed_in(user) or employee is None:
        return False
    return user.pk == employee.pk or is_administrator(user) or heads_above(user, employee)


def record_units(user: Any) -> QuerySet[Unit]:
    """The units whose training record the user opens: every unit for administrators, the trees of the units
    they head for heads."""
    if not signed_in(user):
        return Unit.objects.none()
    if is_administrator(user):
        return Unit.objects.filter(is_active=True)
    condition = Q(pk__in=[])
    for path in headed_units(user).values_list("path", flat=True):
        condition |= Q(path__startswith=path)
    return Unit.objects.filter(condition, is_active=True)


def get_record_for(user: Any, key: Any) -> Employee:
    """The employee whose record the user may see (404 otherwise, audited)."""
    text = str(key or "").strip()
    employee = None
    if _is_uuid(text):
        employee = Employee.objects.select_related("unit", "position").filter(public_id=text).first()
    if employee is None or not can_see_record(user, employee):
        deny(user, action="record", target_type="training.record", target_key=text[:64], visible=False)
    return employee


def can_join(user: Any, event: TrainingEvent) -> bool:
    """See the live session's join link: administrators, the event's trainers and the invited listeners
    who have not declined (a listener who declined confirms first; nobody else ever sees it)."""
    from eprok.training.models import InvitationStatus

    if event.status == EventStatus.CANCELLED:
        return False
    if can_run(user, event):
        return True
    return (
        signed_in(user)
        and event.status != EventStatus.DRAFT
        and Invitation.objects.filter(event=event, employee_id=user.pk)
        .exclude(status=InvitationStatus.DECLINED)
        .exists()
    )
