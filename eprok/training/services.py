"""Every write on training events: entry and changes, publication, cancellation, trainers, invitations by
circle, the invitees' answers, attendance marked by the organiser and the QR check-in, the listeners'
evaluation and the protocol of a held event. Thematic plans and areas are in `services_plans`.

Each write checks first, then changes in one transaction and records an audit event; a refusal raises a
translated ApplicationError and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.numbering import next_number
from eprok.org.models import ClassRank, Employee, Position, Unit
from eprok.training import access, checkin
from eprok.training.models import (
    TRANSITIONS,
    Attendance,
    AttendanceMethod,
    Evaluation,
    EventFormat,
    EventKind,
    EventStatus,
    EventTrainer,
    Invitation,
    InvitationStatus,
    PlanItem,
    PlanStatus,
    ThematicArea,
    TrainerRole,
    TrainingEvent,
)

REGISTER = "training"
MAX_HOURS = Decimal("500")
# The QR check-in is open from this long before the start until the end of the event.
CHECKIN_OPENS = dt.timedelta(minutes=60)
TRACKED = ("title", "kind", "area_id", "topic", "organiser_id", "starts_at", "ends_at", "format", "venue")
TRACKED_MORE = ("video_link", "hours", "capacity", "status", "follow_up_course_id", "plan_item_id")


def _fail(field_name: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field_name: str(message)})


def _snapshot(event: TrainingEvent) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in (*TRACKED, *TRACKED_MORE)}
    return {
        key: value.astimezone(dt.UTC).isoformat()
        if isinstance(value, dt.datetime)
        else str(value)
        if value is not None
        else None
        for key, value in values.items()
    }


def _require_manager(actor: Any) -> None:
    if not access.is_administrator(actor):
        raise Forbidden(_("Only administrators of training may do this."))


@dataclass(frozen=True)
class EventInput:
    """What an event says; the form and the API fill it in, the service checks it."""

    title: str
    kind: str
    area: ThematicArea | None
    organiser: Unit | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    format: str
    hours: Any
    topic: str = ""
    venue: str = ""
    video_link: str = ""
    capacity: int | None = None
    follow_up_course: Any = None  # a published learning.Course, or None
    plan_item: PlanItem | None = None  # only when entering: the item of an approved plan carried out


def _clean_event(actor: Any, data: EventInput) -> dict[str, Any]:
    title = (data.title or "").strip()
    if not title:
        raise _fail("title", _("Enter the title of the event."))
    if len(title) > 255:
        raise _fail("title", _("At most %(limit)d characters.") % {"limit": 255})
    if data.kind not in EventKind.values:
        raise _fail("kind", _("Choose the kind of event."))
    if data.area is None or not data.area.is_active:
        raise _fail("area", _("Choose an active thematic area."))
    if data.organiser is None or not access.organiser_units(actor).filter(pk=data.organiser.pk).exists():
        raise _fail("organiser", _("Choose a unit you administer training for."))
    if data.starts_at is None:
        raise _fail("starts_at", _("Enter when the event starts."))
    if data.ends_at is None:
        raise _fail("ends_at", _("Enter when the event ends."))
    if data.ends_at <= data.starts_at:
        raise _fail("ends_at", _("The event must end after it starts."))
    if data.format not in EventFormat.values:
        raise _fail("format", _("Choose the format of the event."))
    venue = (data.venue or "").strip()
    video_link = (data.video_link or "").strip()
    if data.format in (EventFormat.IN_PERSON, EventFormat.MIXED) and not venue:
        raise _fail("venue", _("An event held in person needs a venue."))
    if data.format == EventFormat.IN_PERSON and video_link:
        raise _fail("video_link", _("An in-person event has no video link; choose the mixed format instead."))
    if data.format == EventFormat.ONLINE:
        venue = ""
    if video_link and not video_link.lower().startswith("https://"):
        raise _fail("video_link", _("The video link must be an https:// address."))
    try:
        hours = Decimal(str(data.hours)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise _fail("hours", _("Enter the academic hours as a number, e.g. 4 or 1.5.")) from None
    if not Decimal("0") < hours <= MAX_HOURS:
        raise _fail("hours", _("Enter from 0.5 to %(max)s academic hours.") % {"max": MAX_HOURS})
    if data.capacity is not None and data.capacity < 1:
        raise _fail("capacity", _("The capacity is at least one listener, or leave it empty."))
    course = data.follow_up_course
    if course is not None and course.status != "published":
        raise _fail("follow_up_course", _("Choose a published course as the follow-up course."))
    return {
        "title": title,
        "kind": data.kind,
        "area": data.area,
        "topic": (data.topic or "").strip(),
        "organiser": data.organiser,
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "format": data.format,
        "venue": venue[:255],
        "video_link": video_link,
        "hours": hours,
        "capacity": data.capacity,
        "follow_up_course": course,
    }


def _overlapping(
    employee_id: int, starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None
) -> QuerySet:
    """The other non-cancelled events the employee teaches at a time that overlaps [starts_at, ends_at)."""
    events = TrainingEvent.objects.filter(
        trainers__employee_id=employee_id, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exclude(status=EventStatus.CANCELLED)
    if exclude is not None:
        events = events.exclude(pk=exclude)
    return events


def _overlap_error(employee: Any, other: TrainingEvent) -> ValidationFailed:
    return _fail(
        "employee",
        _(
            "%(trainer)s already teaches %(event)s at an overlapping time; "
            "a trainer cannot be at two events at once."
        )
        % {"trainer": str(employee), "event": other.number},
    )


@transaction.atomic
def event_create(*, actor: Any, data: EventInput) -> TrainingEvent:
    _require_manager(actor)
    values = _clean_event(actor, data)
    if data.plan_item is not None:
        item = PlanItem.objects.select_related("plan").get(pk=data.plan_item.pk)
        if item.plan.status != PlanStatus.APPROVED:
            raise _fail("plan_item", _("Only an item of an approved thematic plan can be carried out."))
        values["plan_item"] = item
    starts_at: dt.datetime = values["starts_at"]
    number = next_number(
        register=REGISTER, unit_code=values["organiser"].code, on=timezone.localtime(starts_at).date()
    )
    event = TrainingEvent.objects.create(number=number, created_by=actor, **values)
    audit_record(
        actor=actor, action="training.event.created", target=event, changes=diff({}, _snapshot(event))
    )
    return event


@transaction.atomic
def event_update(*, actor: Any, event: TrainingEvent, data: EventInput) -> TrainingEvent:
    _require_manager(actor)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if not event.is_open:
        raise Conflict(_("A held or cancelled event can no longer be changed."))
    values = _clean_event(actor, data)
    for trainer in EventTrainer.objects.filter(event=event, employee__isnull=False).select_related(
        "employee"
    ):
        if trainer.employee_id is None:  # pragma: no cover - filtered out above
            continue
        other = _overlapping(trainer.employee_id, values["starts_at"], values["ends_at"], event.pk).first()
        if other is not None:
            error = _overlap_error(trainer.employee, other)
            raise _fail("starts_at", error.message)
    before = _snapshot(event)
    for name, value in values.items():
        setattr(event, name, value)
    event.save()
    changes = diff(before, _snapshot(event))
    if changes:
        audit_record(actor=actor, action="training.event.updated", target=event, changes=changes)
    return event


def _move(actor: Any, event: TrainingEvent, status: str) -> TrainingEvent:
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if status not in TRANSITIONS[event.status]:
        raise Conflict(
            _("An event in the status “%(current)s” cannot become “%(status)s”.")
            % {"current": event.get_status_display(), "status": EventStatus(status).label}
        )
    return event


@transaction.atomic
def event_publish(*, actor: Any, event: TrainingEvent) -> TrainingEvent:
    _require_manager(actor)
    event = _move(actor, event, EventStatus.PUBLISHED)
    before = _snapshot(event)
    event.status = EventStatus.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="training.event.published", target=event, changes=diff(before, _snapshot(event))
    )
    return event


@transaction.atomic
def event_cancel(*, actor: Any, event: TrainingEvent, reason: str) -> TrainingEvent:
    _require_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise _fail("reason", _("Say why the event is cancelled."))
    event = _move(actor, event, EventStatus.CANCELLED)
    before = _snapshot(event)
    event.status = EventStatus.CANCELLED
    event.cancellation_reason = reason[:2000]
    event.save(update_fields=["status", "cancellation_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="training.event.cancelled",
        target=event,
        changes=diff(before, _snapshot(event)),
        data={"reason": event.cancellation_reason},
    )
    return event


@transaction.atomic
def event_mark_held(*, actor: Any, event: TrainingEvent) -> TrainingEvent:
    """Record that a published event took place; possible once it has ended."""
    _require_manager(actor)
    event = _move(actor, event, EventStatus.HELD)
    if timezone.now() < event.ends_at:
        raise Conflict(_("An event is marked as held only after it has ended."))
    before = _snapshot(event)
    event.status = EventStatus.HELD
    event.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action="training.event.held", target=event, changes=diff(before, _snapshot(event))
    )
    return event


@transaction.atomic
def trainer_add(
    *,
    actor: Any,
    event: TrainingEvent,
    employee: Employee | None = None,
    external_name: str = "",
    external_organisation: str = "",
    role: str = TrainerRole.LEAD,
) -> EventTrainer:
    """Add an internal trainer (an employee) or an external expert; an employee who teaches another
    non-cancelled event at an overlapping time is refused."""
    _require_manager(actor)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if not event.is_open:
        raise Conflict(_("A held or cancelled event can no longer be changed."))
    if role not in TrainerRole.values:
        raise _fail("role", _("Choose the trainer's role."))
    external_name = (external_name or "").strip()
    external_organisation = (external_organisation or "").strip()
    if employee is not None and external_name:
        raise _fail("external_name", _("Choose an employee or name an external expert, not both."))
    if employee is None:
        if not external_name:
            raise _fail("employee", _("Choose an employee or name an external expert."))
        trainer = EventTrainer.objects.create(
            event=event,
            external_name=external_name[:255],
            external_organisation=external_organisation[:255],
            role=role,
        )
    else:
        if not employee.is_active:
            raise _fail("employee", _("The employee's account is inactive."))
        if EventTrainer.objects.filter(event=event, employee=employee).exists():
            raise _fail(
                "employee", _("%(trainer)s is already a trainer of this event.") % {"trainer": str(employee)}
            )
        other = _overlapping(employee.pk, event.starts_at, event.ends_at, event.pk).first()
        if other is not None:
            raise _overlap_error(employee, other)
        trainer = EventTrainer.objects.create(event=event, employee=employee, role=role)
    audit_record(
        actor=actor,
        action="training.trainer.added",
        target=event,
        data={"trainer": trainer.name, "role": role, "employee": str(employee.public_id) if employee else ""},
    )
    return trainer


@dataclass(frozen=True)
class Circle:
    """The circle of listeners: the employees of a unit (with its sub-units or not), holding a position or a
    class rank (these criteria narrow each other), and/or named one by one."""

    unit: Unit | None = None
    include_subunits: bool = False
    position: Position | None = None
    class_rank: ClassRank | None = None
    employees: tuple[Employee, ...] = field(default_factory=tuple)

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> Circle:
        """The circle a circle form (training's invitation, learning's assignment) has cleaned."""
        return cls(
            unit=data.get("unit"),
            include_subunits=bool(data.get("include_subunits")),
            position=data.get("position"),
            class_rank=data.get("class_rank"),
            employees=tuple(data.get("names") or ()),
        )

    @property
    def has_criteria(self) -> bool:
        return self.unit is not None or self.position is not None or self.class_rank is not None

    def members(self) -> QuerySet[Employee]:
        condition = Q(pk__in=[])
        if self.has_criteria:
            criteria = Q()
            if self.unit is not None:
                criteria &= (
                    Q(unit__path__startswith=self.unit.path)
                    if self.include_subunits
                    else Q(unit_id=self.unit.pk)
                )
            if self.position is not None:
                criteria &= Q(position_id=self.position.pk)
            if self.class_rank is not None:
                criteria &= Q(class_rank_id=self.class_rank.pk)
            condition |= criteria
        if self.employees:
            condition |= Q(pk__in=[employee.pk for employee in self.employees])
        return Employee.objects.filter(condition, is_active=True)


@transaction.atomic
def invite(*, actor: Any, event: TrainingEvent, circle: Circle) -> int:
    """Invite the active employees of the circle; those already invited are left as they are (idempotent).
    Returns how many were newly invited."""
    _require_manager(actor)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if not event.is_open:
        raise Conflict(_("A held or cancelled event can no longer be changed."))
    if not circle.has_criteria and not circle.employees:
        raise _fail("unit", _("Choose a unit, a position, a class rank or name the listeners."))
    already = set(Invitation.objects.filter(event=event).values_list("employee_id", flat=True))
    new = [pk for pk in circle.members().order_by("pk").values_list("pk", flat=True) if pk not in already]
    Invitation.objects.bulk_create(
        [Invitation(event=event, employee_id=pk, invited_by=actor) for pk in new], ignore_conflicts=True
    )
    if new:
        audit_record(
            actor=actor,
            action="training.invitation.created",
            target=event,
            data={
                "count": len(new),
                "unit": circle.unit.code if circle.unit else "",
                "include_subunits": circle.include_subunits,
                "position": circle.position.code if circle.position else "",
                "class_rank": circle.class_rank.code if circle.class_rank else "",
                "named": len(circle.employees),
            },
        )
    return len(new)


@transaction.atomic
def invitation_respond(*, actor: Any, invitation: Invitation, confirm: bool) -> Invitation:
    """The invitee confirms or declines; a confirmation beyond the event's capacity is refused."""
    invitation = Invitation.objects.select_for_update().select_related("event").get(pk=invitation.pk)
    if invitation.employee_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the invited listener may answer the invitation."))
    event = invitation.event
    if event.status != EventStatus.PUBLISHED:
        raise Conflict(_("The event is no longer open for answers."))
    if timezone.now() >= event.ends_at:
        raise Conflict(_("The event is over; it can no longer be answered."))
    status = InvitationStatus.CONFIRMED if confirm else InvitationStatus.DECLINED
    if (
        confirm
        and invitation.status != InvitationStatus.CONFIRMED
        and event.capacity is not None
        and Invitation.objects.filter(event=event, status=InvitationStatus.CONFIRMED).count()
        >= event.capacity
    ):
        raise Conflict(
            _("The event is full: all %(capacity)d places are taken.") % {"capacity": event.capacity}
        )
    before = {"status": invitation.status}
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="training.invitation.responded",
        target=event,
        changes=diff(before, {"status": invitation.status}),
    )
    return invitation


def _invited(event: TrainingEvent, employee_id: int) -> bool:
    return Invitation.objects.filter(event=event, employee_id=employee_id).exists()


def _record(
    *, actor: Any, event: TrainingEvent, employee: Any, present: bool, method: str
) -> tuple[Attendance, dict[str, Any]]:
    existing = Attendance.objects.select_for_update().filter(event=event, employee_id=employee.pk).first()
    before = {"present": existing.present, "method": existing.method} if existing else {}
    attendance, _created = Attendance.objects.update_or_create(
        event=event,
        employee_id=employee.pk,
        defaults={"present": present, "method": method, "recorded_at": timezone.now(), "recorded_by": actor},
    )
    return attendance, diff(before, {"present": attendance.present, "method": attendance.method})


@transaction.atomic
def attendance_mark(*, actor: Any, event: TrainingEvent, employee: Employee, present: bool) -> Attendance:
    """The organiser (an administrator or a trainer of the event) marks an invited listener present
    or absent."""
    if not access.can_run(actor, event):
        raise Forbidden(_("Only administrators of training and the event's trainers mark attendance."))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
        raise Conflict(_("Attendance is marked only for a published or held event."))
    if not _invited(event, employee.pk):
        raise _fail(
            "employee", _("%(name)s is not in this event's circle of listeners.") % {"name": str(employee)}
        )
    attendance, changes = _record(
        actor=actor, event=event, employee=employee, present=present, method=AttendanceMethod.MANUAL
    )
    audit_record(
        actor=actor,
        action="training.attendance.marked",
        target=event,
        changes=changes,
        data={"listener": str(employee.public_id), "present": present},
    )
    return attendance


@transaction.atomic
def check_in(*, actor: Any, event: TrainingEvent, code: str) -> Attendance:
    """The listener checks in with the code shown on the organiser's QR page (the current or the
    previous rotation)."""
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.PUBLISHED:
        raise Conflict(_("Check-in is open only for a published event."))
    moment = timezone.now()
    if moment < event.starts_at - CHECKIN_OPENS or moment > event.ends_at:
        raise Conflict(_("Check-in is open from an hour before the start until the end of the event."))
    if not _invited(event, actor.pk):
        raise Forbidden(
            _("You are not in this event's circle of listeners, so you cannot check in. Ask the organiser.")
        )
    verdict = checkin.verify(event.public_id, code)
    if verdict == "expired":
        raise _fail(
            "code",
            _(
                "This QR code is from an earlier rotation and has expired. "
                "Scan the code shown on the screen now."
            ),
        )
    if verdict != "valid":
        raise _fail("code", _("The code is not right. Check it against the code shown on the screen."))
    existing = Attendance.objects.filter(event=event, employee_id=actor.pk, present=True).first()
    if existing is not None:
        return existing
    attendance, changes = _record(
        actor=actor, event=event, employee=actor, present=True, method=AttendanceMethod.QR
    )
    audit_record(actor=actor, action="training.attendance.checked_in", target=event, changes=changes)
    return attendance


# --- the listeners' evaluation and the protocol of a held event ------------------------------------------

SCORES = ("content_score", "trainer_score", "organisation_score", "usefulness_score")
PROTOCOL_LIMIT = 20000
COMMENT_LIMIT = 4000


def evaluation_refusal(*, actor: Any, event: TrainingEvent) -> Any:
    """Why the listener may not evaluate the event now (a translated message), or None when they may."""
    if event.status == EventStatus.CANCELLED or event.status == EventStatus.DRAFT:
        return _("Only a held event can be evaluated.")
    if event.status != EventStatus.HELD and timezone.now() < event.ends_at:
        return _("The event can be evaluated once it has ended.")
    if not Attendance.objects.filter(event=event, employee_id=actor.pk, present=True).exists():
        return _("Only a listener recorded as present evaluates the event.")
    if Evaluation.objects.filter(event=event, employee_id=actor.pk).exists():
        return _("You have already evaluated this event; an evaluation is given once.")
    return None


@dataclass(frozen=True)
class Marks:
    """The four marks from 1 to 5 and the comment of an evaluation."""

    content_score: Any
    trainer_score: Any
    organisation_score: Any
    usefulness_score: Any
    comment: str = ""


@transaction.atomic
def evaluation_submit(*, actor: Any, event: TrainingEvent, marks: Marks) -> Evaluation:
    """A listener recorded present evaluates a held (or ended) event once: four marks from 1 to 5 and an
    optional comment."""
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    refusal = evaluation_refusal(actor=actor, event=event)
    if refusal is not None:
        raise Conflict(refusal)
    values: dict[str, int] = {}
    for name in SCORES:
        try:
            score = int(getattr(marks, name))
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise _fail(name, _("Give a mark from 1 to 5."))
        values[name] = score
    comment = (marks.comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise _fail("comment", _("At most %(limit)d characters.") % {"limit": COMMENT_LIMIT})
    evaluation = Evaluation.objects.create(event=event, employee=actor, comment=comment, **values)
    # The marks stay out of the audit trail: the trainers read them only as averages, without names.
    audit_record(actor=actor, action="training.evaluation.submitted", target=event)
    return evaluation


@transaction.atomic
def protocol_write(*, actor: Any, event: TrainingEvent, text: str) -> TrainingEvent:
    """Write (or rewrite) the protocol of a held event: what was done, the results and conclusions."""
    if not access.can_write_protocol(actor, event):
        raise Forbidden(_("Only administrators of training and the lead trainer write the protocol."))
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.HELD:
        raise Conflict(_("The protocol is written once the event is marked as held."))
    text = (text or "").strip()
    if not text:
        raise _fail("protocol", _("Write what was done, the results and the conclusions."))
    if len(text) > PROTOCOL_LIMIT:
        raise _fail("protocol", _("At most %(limit)d characters.") % {"limit": PROTOCOL_LIMIT})
    before = {"protocol": event.protocol}
    event.protocol = text
    event.protocol_by = actor
    event.protocol_at = timezone.now()
    event.save(update_fields=["protocol", "protocol_by", "protocol_at", "updated_at"])
    audit_record(
        actor=actor,
        action="training.protocol.written",
        target=event,
        changes=diff(before, {"protocol": event.protocol}),
    )
    return event
