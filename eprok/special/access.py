"""Who may see and act on special reports — restricted information, so the circle is narrow.

A report is visible to
- holders of "Submit special reports" over its reporting unit (the unit that reported it);
- holders of "Read special reports" over its reporting unit: the unit's chain of superiors holds the role
  with sub-units (the city or regional office, the General Prosecutor's Office);
- holders of "Read special reports" over a department it was delivered to (the routing of its incident type);
- holders of "Duty prosecutor" (they receive every report);
and only when its classification does not exceed the reader's clearance. A sibling district office sees
nothing of another district's reports. Everything else answers 404, and the refusal is audited.

Submitting needs "Submit special reports" over the unit; follow-ups need it over the reporting unit and an
open report; acknowledging and closing need "Duty prosecutor". The classifier of incident types is kept by
holders of "Read special reports" over the whole service (the root unit with its sub-units).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from eprok.core.access import deny
from eprok.org.grants import active_grants, has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.special.models import Delivery, IncidentType, ReportStatus, SpecialReport

_DUTY_CACHE = "_eprok_special_duty"
TARGET_TYPE = "special.specialreport"  # the audit label of the model (app.model)
ROLES = (Role.REPORT_SPECIAL, Role.READ_SPECIAL, Role.DUTY_PROSECUTOR)


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def duty_unit() -> Unit | None:
    """The unit whose duty prosecutor receives every report (EPROK_SPECIAL_DUTY_UNIT; else the root)."""
    code = getattr(settings, "EPROK_SPECIAL_DUTY_UNIT", "gpo")
    return Unit.objects.filter(code=code).first() or Unit.objects.filter(parent__isnull=True).first()


def is_duty_prosecutor(user: Any) -> bool:
    """Holds "Duty prosecutor" over the duty unit (a grant elsewhere opens nothing); cached per user."""
    if not signed_in(user):
        return False
    grants = active_grants(user)  # cached per user object; a new list after forget_grants
    cached = getattr(user, _DUTY_CACHE, None)
    if cached is None or cached[0] is not grants:
        unit = duty_unit() if has_role(user, Role.DUTY_PROSECUTOR) else None
        cached = (grants, unit is not None and has_role(user, Role.DUTY_PROSECUTOR, unit))
        setattr(user, _DUTY_CACHE, cached)
    return bool(cached[1])


def uses_register(user: Any) -> bool:
    """Whether the user has any business with special reports at all (the menu, the list page)."""
    return signed_in(user) and any(grant.role in ROLES for grant in active_grants(user))


def can_use_console(user: Any) -> bool:
    """The duty console: duty prosecutors, and readers of the departments reports are routed to."""
    return is_duty_prosecutor(user) or (signed_in(user) and has_role(user, Role.READ_SPECIAL))


def _clearance(user: Any) -> int:
    return int(getattr(user, "clearance", 0) or 0)


def visible_to(user: Any) -> QuerySet[SpecialReport]:
    if not signed_in(user):
        return SpecialReport.objects.none()
    cleared = Q(classification__lte=_clearance(user))
    if is_duty_prosecutor(user):
        return SpecialReport.objects.filter(cleared)
    condition = unit_scope(user, Role.REPORT_SPECIAL, "reporting_unit") | unit_scope(
        user, Role.READ_SPECIAL, "reporting_unit"
    )
    if has_role(user, Role.READ_SPECIAL):
        delivered = Delivery.objects.filter(unit_scope(user, Role.READ_SPECIAL, "unit")).values("report_id")
        condition |= Q(pk__in=delivered)
    # The author always sees what they wrote, whatever its classification (they know its content).
    return SpecialReport.objects.filter((condition & cleared) | Q(reported_by_id=user.pk))


def can_submit(user: Any, unit: Unit | None = None) -> bool:
    return signed_in(user) and has_role(user, Role.REPORT_SPECIAL, unit)


def submit_units(user: Any) -> QuerySet[Unit]:
    """The units the user may report for."""
    if not signed_in(user):
        return Unit.objects.none()
    return Unit.objects.filter(unit_scope(user, Role.REPORT_SPECIAL, None), is_active=True)


def can_follow_up(user: Any, report: SpecialReport) -> bool:
    return report.is_open and can_submit(user, report.reporting_unit)


def can_acknowledge(user: Any, report: SpecialReport) -> bool:
    return report.status == ReportStatus.SUBMITTED and report.is_delivered and is_duty_prosecutor(user)


def can_close(user: Any, report: SpecialReport) -> bool:
    return report.is_open and is_duty_prosecutor(user)


def can_manage_types(user: Any) -> bool:
    return signed_in(user) and any(
        grant.role == Role.READ_SPECIAL and grant.include_subunits and grant.unit_path.count("/") == 2
        for grant in active_grants(user)
    )


def get_report_for(user: Any, key: Any, action: str = "view") -> SpecialReport:
    """The report by public id (or number) if the user may see it; 404 otherwise, 403 for a refused action."""
    reports = visible_to(user).select_related("incident_type", "reporting_unit", "reported_by")
    text = str(key or "").strip()
    report = reports.filter(number=text.upper()).first() if not _is_uuid(text) else None
    if report is None and _is_uuid(text):
        report = reports.filter(public_id=text).first()
    if report is None:
        deny(user, action=action, target_type=TARGET_TYPE, target_key=text[:64], visible=False)
    # The role decides here (403 without it); the report's state is the service's to refuse, with a message
    # that says why (closed, already acknowledged by whom, not yet delivered).
    checks: dict[str, Callable[[Any, SpecialReport], bool]] = {
        "follow_up": lambda user, report: can_submit(user, report.reporting_unit),
        "acknowledge": lambda user, report: is_duty_prosecutor(user),
        "close": lambda user, report: is_duty_prosecutor(user),
    }
    check = checks.get(action)
    if check is not None and not check(user, report):
        deny(user, action=action, target_type=TARGET_TYPE, target_key=str(report.public_id), visible=True)
    return report


def get_incident_type_for(user: Any, code: str) -> IncidentType:
    if not can_manage_types(user):
        deny(user, action="manage", target_type="special.incident_type", target_key=code[:64], visible=False)
    incident_type = IncidentType.objects.filter(code=code).first()
    if incident_type is None:
        deny(user, action="manage", target_type="special.incident_type", target_key=code[:64], visible=False)
    return incident_type


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
