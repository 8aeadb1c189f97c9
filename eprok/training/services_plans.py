"""Writes on the quarterly thematic plans of the offices and on the classifier of thematic areas.

An office draws up its plan for a year and quarter (items: area, topic, kind, month within the quarter,
hours, audience, trainer) and sends it to the Centre; the Centre's administrators of training approve it or
return it with a comment; a returned plan is changed and sent again; an approved plan is frozen. The moves
are PLAN_TRANSITIONS; each write checks first, then changes in one transaction with its audit event, and
notifies after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Role
from eprok.training import access
from eprok.training.models import (
    PLAN_EDITABLE,
    PLAN_TRANSITIONS,
    EventKind,
    PlanItem,
    PlanStatus,
    ThematicArea,
    ThematicPlan,
)

MAX_HOURS = Decimal("500")
NOTE_LIMIT = 4000


def _fail(field_name: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field_name: str(message)})


def quarter_months(quarter: int) -> range:
    """The months of a quarter: 1 → January to March, ..., 4 → October to December."""
    return range(3 * quarter - 2, 3 * quarter + 1)


# --- the plan --------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: Any, unit: Unit | None, year: Any, quarter: Any, note: str = "") -> ThematicPlan:
    """Draw up a plan (a draft) for an office, year and quarter; one plan per office and quarter."""
    if unit is None or not access.can_draw_up(actor, unit):
        raise _fail("unit", _("Choose an office you draw up training plans for."))
    try:
        year, quarter = int(year), int(quarter)
    except (TypeError, ValueError):
        raise _fail("year", _("Enter the year and the quarter.")) from None
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise _fail("year", _("Plan for last year, this year or next year."))
    if quarter not in (1, 2, 3, 4):
        raise _fail("quarter", _("The quarter is 1, 2, 3 or 4."))
    if ThematicPlan.objects.filter(unit=unit, year=year, quarter=quarter).exists():
        raise _fail(
            "quarter",
            _("%(unit)s already has a plan for %(year)d, quarter %(quarter)d.")
            % {"unit": unit.name, "year": year, "quarter": quarter},
        )
    plan = ThematicPlan.objects.create(
        unit=unit, year=year, quarter=quarter, note=(note or "").strip()[:NOTE_LIMIT], created_by=actor
    )
    audit_record(
        actor=actor,
        action="training.plan.created",
        target=plan,
        changes=diff({}, {"unit": unit.code, "year": year, "quarter": quarter}),
    )
    return plan


def _editable(actor: Any, plan: ThematicPlan) -> ThematicPlan:
    plan = ThematicPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    if not access.can_draw_up(actor, plan.unit):
        raise Forbidden(_("Only the office that draws up the plan may change it."))
    if plan.status not in PLAN_EDITABLE:
        raise Conflict(
            _("A plan in the status “%(status)s” can no longer be changed.")
            % {"status": plan.get_status_display()}
        )
    return plan


@transaction.atomic
def plan_update_note(*, actor: Any, plan: ThematicPlan, note: str) -> ThematicPlan:
    plan = _editable(actor, plan)
    before = {"note": plan.note}
    plan.note = (note or "").strip()[:NOTE_LIMIT]
    plan.save(update_fields=["note", "updated_at"])
    changes = diff(before, {"note": plan.note})
    if changes:
        audit_record(actor=actor, action="training.plan.updated", target=plan, changes=changes)
    return plan


@dataclass(frozen=True)
class ItemInput:
    area: ThematicArea | None
    topic: str
    kind: str
    month: Any
    hours: Any
    audience: str = ""
    trainer: str = ""


def _clean_item(plan: ThematicPlan, data: ItemInput) -> dict[str, Any]:
    if data.area is None or not data.area.is_active:
        raise _fail("area", _("Choose an active thematic area."))
    topic = (data.topic or "").strip()
    if not topic:
        raise _fail("topic", _("Enter the topic."))
    if len(topic) > 255:
        raise _fail("topic", _("At most %(limit)d characters.") % {"limit": 255})
    if data.kind not in EventKind.values:
        raise _fail("kind", _("Choose the kind of event."))
    try:
        month = int(data.month)
    except (TypeError, ValueError):
        month = 0
    months = quarter_months(plan.quarter)
    if month not in months:
        raise _fail(
            "month",
            _("Quarter %(quarter)d runs from month %(first)d to month %(last)d; choose a month within it.")
            % {"quarter": plan.quarter, "first": months[0], "last": months[-1]},
        )
    try:
        hours = Decimal(str(data.hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise _fail("hours", _("Enter the academic hours as a number, e.g. 4 or 1.5.")) from None
    if not Decimal("0") < hours <= MAX_HOURS:
        raise _fail("hours", _("Enter from 0.5 to %(max)s academic hours.") % {"max": MAX_HOURS})
    return {
        "area": data.area,
        "topic": topic,
        "kind": data.kind,
        "month": month,
        "hours": hours,
        "audience": (data.audience or "").strip()[:255],
        "trainer": (data.trainer or "").strip()[:255],
    }


def _item_snapshot(item: PlanItem) -> dict[str, Any]:
    return {
        "area": item.area.code,
        "topic": item.topic,
        "kind": item.kind,
        "month": item.month,
        "hours": str(item.hours),
        "audience": item.audience,
        "trainer": item.trainer,
    }


@transaction.atomic
def plan_item_add(*, actor: Any, plan: ThematicPlan, data: ItemInput) -> PlanItem:
    plan = _editable(actor, plan)
    item = PlanItem.objects.create(plan=plan, **_clean_item(plan, data))
    audit_record(
        actor=actor, action="training.plan.item_added", target=plan, changes=diff({}, _item_snapshot(item))
    )
    return item


@transaction.atomic
def plan_item_update(*, actor: Any, item: PlanItem, data: ItemInput) -> PlanItem:
    plan = _editable(actor, item.plan)
    item = PlanItem.objects.select_for_update().select_related("area").get(pk=item.pk, plan=plan)
    before = _item_snapshot(item)
    for name, value in _clean_item(plan, data).items():
        setattr(item, name, value)
    item.save()
    changes = diff(before, _item_snapshot(item))
    if changes:
        audit_record(actor=actor, action="training.plan.item_changed", target=plan, changes=changes)
    return item


@transaction.atomic
def plan_item_remove(*, actor: Any, item: PlanItem) -> None:
    plan = _editable(actor, item.plan)
    item = PlanItem.objects.select_related("area").get(pk=item.pk, plan=plan)
    before = _item_snapshot(item)
    item.delete()
    audit_record(actor=actor, action="training.plan.item_removed", target=plan, changes=diff(before, {}))


def _move(plan: ThematicPlan, status: str) -> None:
    if status not in PLAN_TRANSITIONS[plan.status]:
        raise Conflict(
            _("A plan in the status “%(current)s” cannot become “%(status)s”.")
            % {"current": plan.get_status_display(), "status": PlanStatus(status).label}
        )


@transaction.atomic
def plan_submit(*, actor: Any, plan: ThematicPlan) -> ThematicPlan:
    """Send a draft or returned plan with at least one item to the Centre; its administrators are notified."""
    plan = ThematicPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    if not access.can_draw_up(actor, plan.unit):
        raise Forbidden(_("Only the office that draws up the plan may send it."))
    _move(plan, PlanStatus.SUBMITTED)
    if not plan.items.exists():
        raise Conflict(_("Add at least one planned training before sending the plan."))
    before = {"status": plan.status}
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="training.plan.submitted",
        target=plan,
        changes=diff(before, {"status": plan.status}),
    )
    plan_pk = plan.pk
    transaction.on_commit(lambda: _notify_centre(plan_pk, actor), robust=True)
    return plan


@transaction.atomic
def plan_decide(*, actor: Any, plan: ThematicPlan, approve: bool, comment: str = "") -> ThematicPlan:
    """The Centre approves a sent plan (it is frozen) or returns it with a comment; the office is notified."""
    if not access.can_decide_plan(actor, plan):
        raise Forbidden(_("Only the Centre's administrators of training approve or return plans."))
    plan = ThematicPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    _move(plan, status)
    comment = (comment or "").strip()
    if not approve and not comment:
        raise _fail("comment", _("Say what the office should change."))
    before = {"status": plan.status, "decision_comment": plan.decision_comment}
    plan.status = status
    plan.decided_by = actor
    plan.decided_at = timezone.now()
    plan.decision_comment = comment[:NOTE_LIMIT]
    plan.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    audit_record(
        actor=actor,
        action="training.plan.approved" if approve else "training.plan.returned",
        target=plan,
        changes=diff(before, {"status": plan.status, "decision_comment": plan.decision_comment}),
    )
    plan_pk = plan.pk
    transaction.on_commit(lambda: _notify_office(plan_pk, actor), robust=True)
    return plan


def centre_administrators() -> list[Employee]:
    """The active holders of "Administer training" today."""
    today = timezone.localdate()
    ids = RoleAssignment.objects.filter(
        role=Role.ADMINISTER_TRAINING, valid_from__lte=today, employee__is_active=True
    ).exclude(valid_to__lt=today)
    return list(Employee.objects.filter(pk__in=ids.values("employee_id")).order_by("pk"))


def _in_language(employee: Any, make: Any) -> str:
    with translation.override(getattr(employee, "preferred_language", "") or settings.LANGUAGE_CODE):
        return str(make())


def _notify_centre(plan_pk: int, actor: Any) -> None:
    from eprok.notifications.services import notification_send_many

    plan = ThematicPlan.objects.select_related("unit").get(pk=plan_pk)
    messages = [
        (
            admin,
            _in_language(
                admin,
                lambda: (
                    gettext("Thematic plan for approval: %(unit)s, %(year)d Q%(quarter)d")
                    % {"unit": plan.unit.name, "year": plan.year, "quarter": plan.quarter}
                ),
            ),
        )
        for admin in centre_administrators()
        if admin.pk != getattr(actor, "pk", None)
    ]
    notification_send_many(messages=messages, url=plan.get_absolute_url(), actor=actor)


def _notify_office(plan_pk: int, actor: Any) -> None:
    from eprok.notifications.models import Level
    from eprok.notifications.services import notification_send_many

    plan = ThematicPlan.objects.select_related("unit", "created_by", "unit__head").get(pk=plan_pk)
    recipients = {plan.created_by.pk: plan.created_by}
    if plan.unit.head is not None and plan.unit.head.is_active:
        recipients[plan.unit.head.pk] = plan.unit.head
    approved = plan.status == PlanStatus.APPROVED

    def title() -> str:
        values = {"unit": plan.unit.name, "year": plan.year, "quarter": plan.quarter}
        if approved:
            return gettext("Thematic plan approved: %(unit)s, %(year)d Q%(quarter)d") % values
        return gettext("Thematic plan returned for changes: %(unit)s, %(year)d Q%(quarter)d") % values

    messages = [
        (employee, _in_language(employee, title))
        for employee in recipients.values()
        if employee.pk != getattr(actor, "pk", None)
    ]
    notification_send_many(
        messages=messages,
        body=plan.decision_comment,
        url=plan.get_absolute_url(),
        level=Level.INFO if approved else Level.WARNING,
        actor=actor,
    )


# --- the classifier of thematic areas --------------------------------------------------------------------


@dataclass(frozen=True)
class AreaInput:
    code: str
    name_az: str
    name_en: str = ""
    name_ru: str = ""
    is_active: bool = True
    is_mandatory: bool = False
    sort_order: int = 0


AREA_FIELDS = ("code", "name_az", "name_en", "name_ru", "is_active", "is_mandatory", "sort_order")


def _require_administrator(actor: Any) -> None:
    if not access.is_administrator(actor):
        raise Forbidden(_("Only administrators of training may do this."))


def _clean_area(data: AreaInput, area: ThematicArea | None) -> dict[str, Any]:
    from django.utils.text import slugify

    code = slugify((data.code or "").strip())[:64]
    if not code:
        raise _fail("code", _("Enter a code of Latin letters, digits and hyphens."))
    others = ThematicArea.objects.filter(code=code)
    if area is not None:
        others = others.exclude(pk=area.pk)
    if others.exists():
        raise _fail("code", _("Another thematic area has this code."))
    name_az = (data.name_az or "").strip()
    if not name_az:
        raise _fail("name_az", _("Enter the name in Azerbaijani."))
    if data.sort_order is not None and int(data.sort_order) < 0:
        raise _fail("sort_order", _("The order is zero or a positive number."))
    return {
        "code": code,
        "name_az": name_az[:255],
        "name_en": (data.name_en or "").strip()[:255],
        "name_ru": (data.name_ru or "").strip()[:255],
        "is_active": bool(data.is_active),
        "is_mandatory": bool(data.is_mandatory),
        "sort_order": int(data.sort_order or 0),
    }


def _area_snapshot(area: ThematicArea) -> dict[str, Any]:
    return {name: getattr(area, name) for name in AREA_FIELDS}


@transaction.atomic
def area_create(*, actor: Any, data: AreaInput) -> ThematicArea:
    _require_administrator(actor)
    area = ThematicArea.objects.create(**_clean_area(data, None))
    audit_record(
        actor=actor, action="training.area.created", target=area, changes=diff({}, _area_snapshot(area))
    )
    return area


@transaction.atomic
def area_update(*, actor: Any, area: ThematicArea, data: AreaInput) -> ThematicArea:
    _require_administrator(actor)
    area = ThematicArea.objects.select_for_update().get(pk=area.pk)
    before = _area_snapshot(area)
    for name, value in _clean_area(data, area).items():
        setattr(area, name, value)
    area.save()
    changes = diff(before, _area_snapshot(area))
    if changes:
        audit_record(actor=actor, action="training.area.updated", target=area, changes=changes)
    return area
