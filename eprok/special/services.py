"""Every write on special reports: submission, delivery (the worker's fan-out), acknowledgement, follow-ups,
closure, the sweep that delivers what is pending and raises late follow-up alerts, and the classifier.

Submission registers the report (number, audit) in one transaction and queues its delivery after commit; if
the queue or the worker is down the report stays registered and undelivered until `deliver_pending` (the
`special_sweep` command) delivers it. Delivery is idempotent: a report is delivered once, whoever gets there
first.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.numbering import next_number
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Clearance, Role
from eprok.special import access
from eprok.special.models import (
    TRANSITIONS,
    ConsoleState,
    Delivery,
    DeliveryKind,
    FollowUp,
    IncidentType,
    PersonRole,
    ReportPerson,
    ReportStatus,
    SpecialReport,
    Urgency,
)

logger = logging.getLogger("eprok.special")

REGISTER = "special"
MAX_SUMMARY = 4000
MAX_TEXT = 8000
MAX_COUNT = 100_000
# Azerbaijan's bounding box (with a margin): coordinates outside are a typing error.
LATITUDE_RANGE = (Decimal("38.0"), Decimal("42.2"))
LONGITUDE_RANGE = (Decimal("44.5"), Decimal("51.0"))
# A report may carry a time a few minutes ahead of the server's clock (a phone's clock), not more.
FUTURE_SKEW = dt.timedelta(minutes=10)
# The sweep delivers a report the worker has not delivered within this time.
DELIVERY_GRACE = dt.timedelta(seconds=30)


def duty_unit() -> Unit:
    """The unit of the duty prosecutor (the General Prosecutor's Office; EPROK_SPECIAL_DUTY_UNIT)."""
    unit = access.duty_unit()
    if unit is None:
        raise Conflict(_("The service's structure is not loaded: there is no unit to deliver reports to."))
    return unit


def district_codes() -> set[str]:
    """The districts a report may be placed in: the district codes of the service's units."""
    return set(Unit.objects.exclude(district_code="").values_list("district_code", flat=True))


def _region_for(district_code: str) -> str:
    try:
        from eprok.core import geo
    except ImportError:  # pragma: no cover - the map module ships with core
        return ""
    return geo.region_for_district(district_code) or ""


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, details={field: str(message)})


def _text(value: Any, field: str, *, required: bool, limit: int, message: Any) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _fail(field, message)
    if len(text) > limit:
        raise _fail(field, _("At most %(limit)d characters.") % {"limit": limit})
    return text


def _count(value: Any, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise _fail(field, _("Enter a whole number.")) from None
    if number < 0 or number > MAX_COUNT:
        raise _fail(field, _("Enter a number from 0 to %(max)d.") % {"max": MAX_COUNT})
    return number


def _coordinate(value: Any, field: str, bounds: tuple[Decimal, Decimal]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.00001"))
    except (InvalidOperation, ValueError):
        raise _fail(field, _("Enter the coordinate in decimal degrees, e.g. 40.40926.")) from None
    if not bounds[0] <= number <= bounds[1]:
        raise _fail(field, _("The point lies outside Azerbaijan; check the coordinates."))
    return number


def _articles(text: str, on: dt.date) -> str:
    """The preliminary qualification, each reference checked against the Code in force on the day."""
    from eprok.criminal_code.references import InvalidReference, parse_reference

    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if len(parts) > 10:
        raise _fail("articles", _("Name at most %(count)d articles.") % {"count": 10})
    references = []
    for part in parts:
        try:
            references.append(str(parse_reference(part, on=on)))
        except InvalidReference as exc:
            raise _fail("articles", exc.message) from exc
    joined = ", ".join(dict.fromkeys(references))
    if len(joined) > SpecialReport._meta.get_field("articles").max_length:  # type: ignore[operator]
        raise _fail("articles", _("The qualification is too long."))
    return joined


@dataclass(frozen=True)
class ReportInput:
    """What a report says; the form and the API fill it in, the service checks it."""

    incident_type: IncidentType | None
    occurred_at: dt.datetime | None
    district_code: str
    address: str
    summary: str
    latitude: Any = None
    longitude: Any = None
    dead_count: Any = 0
    injured_count: Any = 0
    involved_count: Any = 0
    articles: str = ""
    scene_examined: bool = False
    material_number: str = ""
    case_number: str = ""
    measures: str = ""
    urgency: str = Urgency.URGENT
    classification: int | None = None
    persons: Sequence[tuple[Any, str]] = ()  # (Person, PersonRole)


def _linked(actor: Any, *, material_number: str, case_number: str) -> tuple[Any, Any]:
    """The crime report and the case a report links to, each one the actor may see (404 otherwise)."""
    material = case = None
    if material_number.strip():
        from eprok.materials.selectors import material_get

        material = material_get(user=actor, number=material_number.strip().upper())
    if case_number.strip():
        from eprok.cases.access import get_case_for

        case = get_case_for(actor, case_number.strip().upper())
    return material, case


def report_submit(*, actor: Any, unit: Unit, data: ReportInput) -> SpecialReport:
    """Register a special report for `unit` and queue its delivery to the duty prosecutor and departments."""
    if not access.can_submit(actor, unit):
        raise Forbidden(_("You may not submit special reports for this unit."))
    now = timezone.now()
    incident_type = data.incident_type
    if incident_type is None or not incident_type.is_active:
        raise _fail("incident_type", _("Choose the type of the incident."))
    if data.occurred_at is None:
        raise _fail("occurred_at", _("Enter the date and time of the incident."))
    # A time without an offset (an API client's) is the service's local time, not a crash on comparing.
    occurred_at = (
        timezone.make_aware(data.occurred_at) if timezone.is_naive(data.occurred_at) else data.occurred_at
    )
    if occurred_at > now + FUTURE_SKEW:
        raise _fail("occurred_at", _("The incident cannot have happened in the future."))
    district_code = (data.district_code or "").strip()
    if not district_code:
        raise _fail("district_code", _("Choose the district where the incident happened."))
    if district_code not in district_codes():
        raise _fail("district_code", _("Unknown district."))
    address = _text(
        data.address, "address", required=True, limit=255, message=_("Enter the address or the place.")
    )
    summary = _text(
        data.summary,
        "summary",
        required=True,
        limit=MAX_SUMMARY,
        message=_("Describe briefly what happened."),
    )
    latitude = _coordinate(data.latitude, "latitude", LATITUDE_RANGE)
    longitude = _coordinate(data.longitude, "longitude", LONGITUDE_RANGE)
    if (latitude is None) != (longitude is None):
        raise _fail("longitude" if latitude is not None else "latitude", _("Enter both coordinates or none."))
    if data.urgency not in Urgency.values:
        raise _fail("urgency", _("Choose the urgency."))
    classification = max(int(data.classification or Clearance.OFFICIAL), incident_type.classification)
    if classification not in Clearance.values:
        raise _fail("classification", _("Unknown classification level."))
    articles = _articles(data.articles or "", timezone.localdate(occurred_at))
    measures = _text(data.measures, "measures", required=False, limit=MAX_TEXT, message="")
    counts = {
        field: _count(getattr(data, field), field)
        for field in ("dead_count", "injured_count", "involved_count")
    }
    persons = _persons(data.persons)
    material, case = _linked(actor, material_number=data.material_number, case_number=data.case_number)

    with transaction.atomic():
        report = SpecialReport.objects.create(
            number=next_number(register=REGISTER, unit_code=unit.code, on=timezone.localdate(now)),
            incident_type=incident_type,
            occurred_at=occurred_at,
            district_code=district_code,
            region_code=_region_for(district_code),
            address=address,
            latitude=latitude,
            longitude=longitude,
            summary=summary,
            articles=articles,
            scene_examined=bool(data.scene_examined),
            material=material,
            case=case,
            measures=measures,
            urgency=data.urgency,
            classification=classification,
            reporting_unit=unit,
            reported_by=actor,
            submitted_at=now,
            ack_target_minutes=incident_type.ack_target_minutes,
            follow_up_hours=incident_type.follow_up_hours,
            follow_up_due=now + dt.timedelta(hours=incident_type.follow_up_hours),
            **counts,
        )
        ReportPerson.objects.bulk_create(
            [ReportPerson(report=report, person=person, role=role) for person, role in persons]
        )
        audit_record(
            actor=actor,
            action="special.report.submitted",
            target=report,
            related=unit,
            data={
                "incident_type": incident_type.code,
                "district": district_code,
                "urgency": report.urgency,
                "classification": classification,
                "persons": len(persons),
            },
        )
        pk = report.pk
        transaction.on_commit(lambda: queue_delivery(pk), robust=True)
    return report


def _persons(items: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    result: list[tuple[Any, str]] = []
    seen: set[tuple[int, str]] = set()
    for person, role in items:
        if role not in PersonRole.values:
            raise _fail("persons", _("Unknown role of a person in the incident."))
        key = (person.pk, role)
        if key not in seen:
            seen.add(key)
            result.append((person, role))
    if len(result) > 50:
        raise _fail("persons", _("Link at most %(count)d persons.") % {"count": 50})
    return result


def console_changed() -> None:
    """Increment the duty console's counter inside the caller's transaction (see models.ConsoleState)."""
    if not ConsoleState.objects.filter(pk=1).update(version=F("version") + 1):
        ConsoleState.objects.get_or_create(pk=1, defaults={"version": 1})


def queue_delivery(report_pk: int) -> None:
    """Hand the report to the worker; a failure leaves it undelivered for the sweep, never lost."""
    from eprok.special.delivery import deliver_task

    try:
        deliver_task.enqueue(report_pk)
    except Exception:
        logger.exception(
            "could not queue the delivery of special report %s; the sweep will deliver it", report_pk
        )


# --- delivery ---------------------------------------------------------------------------------------------


def recipients(report: SpecialReport) -> list[tuple[Unit, str]]:
    """The receiving units: the duty unit, then the departments the incident type is routed to."""
    duty = duty_unit()
    units: list[tuple[Unit, str]] = [(duty, DeliveryKind.DUTY)]
    for unit in report.incident_type.routed_to.filter(is_active=True).order_by("path"):
        if unit.pk != duty.pk:
            units.append((unit, DeliveryKind.DEPARTMENT))
    return units


def _holders(role: str, units: Sequence[Unit]) -> list[Employee]:
    """Active employees holding `role` exactly in one of `units` (today)."""
    from eprok.org.selectors import active_assignments

    assignments = RoleAssignment.objects.filter(
        active_assignments(), role=role, unit__in=units, employee__is_active=True
    ).select_related("employee")
    return list({assignment.employee.pk: assignment.employee for assignment in assignments}.values())


def report_deliver(*, report_pk: int) -> bool:
    """Deliver the report to its receiving units once; True when this call delivered it."""
    with transaction.atomic():
        report = (
            SpecialReport.objects.select_for_update(of=("self",))
            .select_related("incident_type", "reporting_unit")
            .filter(pk=report_pk)
            .first()
        )
        if report is None or report.delivered_at is not None:
            return False
        now = timezone.now()
        units = recipients(report)
        Delivery.objects.bulk_create(
            [Delivery(report=report, unit=unit, kind=kind, delivered_at=now) for unit, kind in units]
        )
        report.delivered_at = now
        report.delivery_attempts += 1
        report.save(update_fields=["delivered_at", "delivery_attempts", "updated_at"])
        console_changed()
        audit_record(
            actor=None,
            action="special.report.delivered",
            target=report,
            data={
                "units": [unit.code for unit, _kind in units],
                "seconds": round((now - report.submitted_at).total_seconds(), 3),
            },
        )
        readers = _holders(Role.DUTY_PROSECUTOR, [units[0][0]]) + _holders(
            Role.READ_SPECIAL, [unit for unit, kind in units if kind == DeliveryKind.DEPARTMENT]
        )
        transaction.on_commit(lambda: _notify_new(report, readers), robust=True)
    return True


def _notify_new(report: SpecialReport, readers: Sequence[Employee]) -> None:
    from eprok.notifications.models import Level
    from eprok.notifications.services import notification_send_many

    messages = []
    for reader in {employee.pk: employee for employee in readers}.values():
        if int(reader.clearance or 0) < report.classification:
            continue
        with translation.override(reader.preferred_language or settings.LANGUAGE_CODE):
            title = gettext("Special report %(number)s: %(type)s") % {
                "number": report.number,
                "type": report.incident_type.name,
            }
        messages.append((reader, title))
    notification_send_many(messages=messages, url=report.get_absolute_url(), level=Level.WARNING, actor=None)


def deliver_pending(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Deliver reports the worker has not delivered within the grace period (the sweep; worker down)."""
    now = now or timezone.now()
    pending = list(
        SpecialReport.objects.filter(delivered_at__isnull=True, submitted_at__lte=now - DELIVERY_GRACE)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = 0
    for pk in pending:
        try:
            delivered += 1 if report_deliver(report_pk=pk) else 0
        except Exception:  # one report's failure must not hold back the others
            logger.exception("the sweep could not deliver special report %s", pk)
    return delivered


# --- acknowledgement, follow-ups, closure ------------------------------------------------------------------


def _locked(report: SpecialReport) -> SpecialReport:
    return (
        SpecialReport.objects.select_for_update(of=("self",))
        .select_related("incident_type", "reporting_unit", "reported_by")
        .get(pk=report.pk)
    )


def _move(report: SpecialReport, status: str) -> None:
    if status not in TRANSITIONS[report.status]:
        raise Conflict(
            _("The report is %(status)s; this action is not possible any more.")
            % {"status": report.get_status_display()}
        )


def report_acknowledge(*, report: SpecialReport, actor: Any) -> SpecialReport:
    """The duty prosecutor confirms receipt; the time from delivery is the tracked indicator."""
    if not access.is_duty_prosecutor(actor):
        raise Forbidden(_("Only the duty prosecutor acknowledges special reports."))
    with transaction.atomic():
        report = _locked(report)
        if report.status == ReportStatus.ACKNOWLEDGED and report.acknowledged_by_id:
            raise Conflict(
                _("Already acknowledged by %(name)s at %(time)s.")
                % {
                    "name": report.acknowledged_by.get_full_name() if report.acknowledged_by else "",
                    "time": timezone.localtime(report.acknowledged_at).strftime("%H:%M"),
                }
            )
        if report.delivered_at is None:
            raise Conflict(_("The report has not been delivered yet."))
        _move(report, ReportStatus.ACKNOWLEDGED)
        report.status = ReportStatus.ACKNOWLEDGED
        report.acknowledged_at = timezone.now()
        report.acknowledged_by = actor
        report.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
        console_changed()
        audit_record(
            actor=actor,
            action="special.report.acknowledged",
            target=report,
            data={"seconds": report.ack_seconds, "within_target": report.ack_within_target},
        )
        reporter, number, url = report.reported_by, report.number, report.get_absolute_url()
        transaction.on_commit(lambda: _notify_reporter_acknowledged(reporter, number, url), robust=True)
    return report


def _notify_reporter_acknowledged(reporter: Employee, number: str, url: str) -> None:
    from eprok.notifications.services import notification_send

    with translation.override(reporter.preferred_language or settings.LANGUAGE_CODE):
        title = gettext("Special report %(number)s was acknowledged by the duty prosecutor") % {
            "number": number
        }
    notification_send(recipient=reporter, title=title, url=url, actor=None)


def follow_up_add(
    *, report: SpecialReport, actor: Any, text: str, material_number: str = "", case_number: str = ""
) -> FollowUp:
    """Append a follow-up; it may link the crime report or case registered since; restarts the interval."""
    if not access.can_submit(actor, report.reporting_unit):
        raise Forbidden(_("Only the reporting unit adds follow-up reports."))
    body = _text(text, "text", required=True, limit=MAX_TEXT, message=_("Write what has happened since."))
    material, case = _linked(actor, material_number=material_number, case_number=case_number)
    with transaction.atomic():
        report = _locked(report)
        if not report.is_open:
            raise Conflict(_("The report is closed; follow-ups can no longer be added."))
        now = timezone.now()
        late = report.follow_up_due is not None and now > report.follow_up_due
        sequence = report.follow_ups.count() + 1
        follow_up = FollowUp.objects.create(
            report=report, sequence=sequence, text=body, author=actor, late=late
        )
        changed = ["follow_up_due", "follow_up_alerted_for", "updated_at"]
        if material is not None and report.material_id != material.pk:
            report.material = material
            changed.append("material")
        if case is not None and report.case_id != case.pk:
            report.case = case
            changed.append("case")
        report.follow_up_due = now + dt.timedelta(hours=report.follow_up_hours)
        report.follow_up_alerted_for = None
        report.save(update_fields=changed)
        console_changed()
        audit_record(
            actor=actor,
            action="special.report.followed_up",
            target=report,
            data={
                "sequence": sequence,
                "late": late,
                "material": material.number if material else None,
                "case": case.number if case else None,
            },
        )
    return follow_up


def report_person_link(*, report: SpecialReport, actor: Any, person: Any, role: str) -> ReportPerson:
    """Link a person of the registry to the report (the reporting unit, while the report is open)."""
    if not access.can_submit(actor, report.reporting_unit):
        raise Forbidden(_("Only the reporting unit links persons to its report."))
    if role not in PersonRole.values:
        raise _fail("role", _("Unknown role of a person in the incident."))
    if person is None:
        raise _fail("person", _("No such person in the registry, or it is not open to you."))
    with transaction.atomic():
        report = _locked(report)
        if not report.is_open:
            raise Conflict(_("The report is closed; persons can no longer be linked."))
        if ReportPerson.objects.filter(report=report, person=person, role=role).exists():
            raise Conflict(_("This person is already linked in this role."))
        if report.persons.count() >= 50:
            raise _fail("person", _("Link at most %(count)d persons.") % {"count": 50})
        link = ReportPerson.objects.create(report=report, person=person, role=role)
        report.save(update_fields=["updated_at"])
        console_changed()
        audit_record(
            actor=actor,
            action="special.report.person_linked",
            target=report,
            related=person,
            data={"role": role},
        )
    return link


def report_close(*, report: SpecialReport, actor: Any, reason: str) -> SpecialReport:
    """The duty prosecutor closes the report, with the reason (the decision taken in the matter)."""
    if not access.is_duty_prosecutor(actor):
        raise Forbidden(_("Only the duty prosecutor closes special reports."))
    reason = _text(
        reason, "reason", required=True, limit=2000, message=_("Give the reason for closing the report.")
    )
    return _close(report, actor=actor, reason=reason)


def _close(report: SpecialReport, *, actor: Any, reason: str, automatic: bool = False) -> SpecialReport:
    with transaction.atomic():
        report = _locked(report)
        _move(report, ReportStatus.CLOSED)
        report.status = ReportStatus.CLOSED
        report.closed_at = timezone.now()
        report.closed_by = actor
        report.closure_reason = reason
        report.follow_up_due = None
        report.save(
            update_fields=[
                "status",
                "closed_at",
                "closed_by",
                "closure_reason",
                "follow_up_due",
                "updated_at",
            ]
        )
        console_changed()
        audit_record(
            actor=actor, action="special.report.closed", target=report, data={"automatic": automatic}
        )
    return report


def _final_statuses() -> tuple[set[str], set[str]]:
    from eprok.cases.models import CaseStatus
    from eprok.materials.models import MaterialStatus

    final_case = {CaseStatus.SENT_TO_COURT, CaseStatus.TERMINATED, CaseStatus.REFERRED, CaseStatus.JOINED}
    final_material = {MaterialStatus.REFUSED, MaterialStatus.TRANSFERRED, MaterialStatus.JOINED}
    return {str(status) for status in final_case}, {str(status) for status in final_material}


def _case_of(report: SpecialReport) -> Any:
    """The linked case, or the case opened on the linked crime report."""
    if report.case is not None:
        return report.case
    material = report.material
    if material is not None and material.pk is not None and material.status == "case_opened":
        from eprok.cases.models import Case

        return Case.objects.filter(material=material).order_by("pk").first()
    return None


def decision_of(report: SpecialReport) -> str | None:
    """The decision reached in the linked case (or the case opened on the linked crime report) or crime
    report, in words; None while there is none."""
    final_case, final_material = _final_statuses()
    case = _case_of(report)
    if case is not None:
        if case.status in final_case:
            return gettext("Criminal case %(number)s: %(status)s") % {
                "number": case.number,
                "status": case.get_status_display(),
            }
        return None
    material = report.material
    if material is not None and material.status in final_material:
        return gettext("Crime report %(number)s: %(status)s") % {
            "number": material.number,
            "status": material.get_status_display(),
        }
    return None


def close_decided(*, limit: int = 500) -> int:
    """Close the open reports whose linked case (or the case opened on the linked crime report) or crime
    report has reached a decision. Candidates are chosen in SQL, so undecided reports never crowd them out."""
    final_case, final_material = _final_statuses()
    candidates = (
        SpecialReport.objects.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.ACKNOWLEDGED])
        .filter(
            Q(case__status__in=final_case)
            | Q(case__isnull=True, material__status__in=final_material)
            | Q(case__isnull=True, material__status="case_opened")
        )
        .select_related("material", "case")
        .order_by("submitted_at")
    )
    closed = 0
    for report in candidates.iterator(chunk_size=200):
        if closed >= limit:
            break
        with translation.override(settings.LANGUAGE_CODE):
            decision = decision_of(report)
        if not decision:
            continue
        try:
            _close(report, actor=None, reason=decision, automatic=True)
        except Conflict:  # closed by hand meanwhile
            continue
        closed += 1
    return closed


def alert_late_follow_ups(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Tell the reporting unit and the duty prosecutors of each open report whose follow-up is overdue, once
    per due time. The reports already alerted for their due time are left out in SQL."""
    now = now or timezone.now()
    late = list(
        SpecialReport.objects.filter(
            status__in=[ReportStatus.SUBMITTED, ReportStatus.ACKNOWLEDGED], follow_up_due__lt=now
        )
        .exclude(follow_up_alerted_for=F("follow_up_due"))
        .select_related("reporting_unit", "incident_type")
        .order_by("follow_up_due")[:limit]
    )
    duty = _holders(Role.DUTY_PROSECUTOR, [duty_unit()]) if late else []
    alerted = 0
    for report in late:
        try:
            if _alert_late(report, duty):
                alerted += 1
        except Exception:  # one report's failure must not stop the others' alerts
            logger.exception("late follow-up alert failed for special report %s", report.pk)
    return alerted


def _alert_late(report: SpecialReport, duty: Sequence[Employee]) -> bool:
    with transaction.atomic():
        locked = _locked(report)
        if locked.follow_up_alerted_for == locked.follow_up_due or not locked.is_open:
            return False
        locked.follow_up_alerted_for = locked.follow_up_due
        locked.save(update_fields=["follow_up_alerted_for"])
        audit_record(
            actor=None,
            action="special.report.follow_up_overdue",
            target=locked,
            data={"due": locked.follow_up_due.isoformat() if locked.follow_up_due else None},
        )
        recipients = [
            employee
            for employee in {
                e.pk: e for e in [*_holders(Role.REPORT_SPECIAL, [locked.reporting_unit]), *duty]
            }.values()
            if int(employee.clearance or 0) >= locked.classification
        ]
        number, url = locked.number, locked.get_absolute_url()
        transaction.on_commit(lambda: _notify_late(recipients, number, url), robust=True)
    return True


def _notify_late(recipients: Sequence[Employee], number: str, url: str) -> None:
    from eprok.notifications.models import Level
    from eprok.notifications.services import notification_send

    for employee in recipients:
        with translation.override(employee.preferred_language or settings.LANGUAGE_CODE):
            title = gettext("A follow-up to special report %(number)s is overdue") % {"number": number}
        try:
            notification_send(recipient=employee, title=title, url=url, level=Level.WARNING, actor=None)
        except Exception:
            logger.exception("could not notify employee %s of a late follow-up to %s", employee.pk, number)


@dataclass(frozen=True)
class SweepResult:
    delivered: int
    alerted: int
    closed: int


def sweep(*, now: dt.datetime | None = None) -> SweepResult:
    """What the scheduler runs every minute: deliver what is pending, alert late follow-ups, close decided.
    Each step runs whatever the others did, so one failing step does not stop the rest."""
    results = {}
    for name, step in (
        ("delivered", lambda: deliver_pending(now=now)),
        ("alerted", lambda: alert_late_follow_ups(now=now)),
        ("closed", close_decided),
    ):
        try:
            results[name] = step()
        except Exception:
            logger.exception("special reports' sweep: %s failed", name)
            results[name] = 0
    return SweepResult(**results)


# --- reads (audited) --------------------------------------------------------------------------------------


def report_record_view(*, actor: Any, report: SpecialReport, purpose: str) -> None:
    audit_record(actor=actor, action="special.report.viewed", target=report, purpose=purpose)


def reports_record_listed(*, actor: Any, numbers: Sequence[str], purpose: str) -> None:
    """A list of reports shown (the register, the console, the digest): which ones, and why."""
    if not numbers:
        return
    audit_record(
        actor=actor,
        action="special.report.listed",
        target_type=access.TARGET_TYPE,
        purpose=purpose,
        data={"numbers": list(numbers)[:200], "count": len(numbers)},
    )


def digest_record_printed(*, actor: Any, digest: Any) -> None:
    """The daily digest printed: the reports it showed, for whom."""
    audit_record(
        actor=actor,
        action="special.report.digest_printed",
        target_type=access.TARGET_TYPE,
        purpose="daily digest",
        data={
            "since": digest.since.isoformat(),
            "until": digest.until.isoformat(),
            "numbers": [report.number for report in digest.reports][:200],
            "count": len(digest.reports),
        },
    )


# --- the classifier of incident types ---------------------------------------------------------------------


INCIDENT_TYPE_FIELDS = (
    "name_az",
    "name_en",
    "name_ru",
    "sort_order",
    "follow_up_hours",
    "ack_target_minutes",
    "classification",
)


def incident_type_save(
    *,
    actor: Any,
    code: str,
    values: dict[str, Any],
    routed_to: Sequence[Unit],
    incident_type: IncidentType | None,
) -> IncidentType:
    """Create or change an incident type (its names, routing, intervals); kept by the classifier's keepers."""
    if not access.can_manage_types(actor):
        raise Forbidden(_("You may not change the classifier of incident types."))
    if not str(values.get("name_az") or "").strip():
        raise _fail("name_az", _("Enter the name in Azerbaijani."))
    for field in ("follow_up_hours", "ack_target_minutes"):
        if int(values.get(field) or 0) < 1:
            raise _fail(field, _("Enter a number from 1."))
    with transaction.atomic():
        if incident_type is None:
            if IncidentType.objects.filter(code=code).exists():
                raise _fail("code", _("This code is taken."))
            incident_type = IncidentType(code=code)
            before: dict[str, Any] = {}
        else:
            incident_type = IncidentType.objects.select_for_update().get(pk=incident_type.pk)
            before = {field: getattr(incident_type, field) for field in INCIDENT_TYPE_FIELDS}
            before["routed_to"] = sorted(incident_type.routed_to.values_list("code", flat=True))
        for field in INCIDENT_TYPE_FIELDS:
            if field in values:
                setattr(incident_type, field, values[field])
        if "is_active" in values:
            incident_type.is_active = bool(values["is_active"])
        incident_type.save()
        incident_type.routed_to.set(routed_to)
        after = {field: getattr(incident_type, field) for field in INCIDENT_TYPE_FIELDS}
        after["routed_to"] = sorted(unit.code for unit in routed_to)
        changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
        audit_record(
            actor=actor,
            action="special.incident_type.created" if not before else "special.incident_type.updated",
            target=incident_type,
            changes=changes,
        )
    return incident_type
