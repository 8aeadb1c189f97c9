""" "My work" for special reports: the duty prosecutor's unacknowledged reports and the reporting unit's
open reports whose follow-up is due."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.mywork import WorkItem, register_provider
from eprok.org.grants import unit_scope
from eprok.org.roles import Role
from eprok.special import access
from eprok.special.models import OPEN_STATUSES, ReportStatus

MODULE = _("Special reports")
LIMIT = 20


def my_work_items(user: Any) -> list[WorkItem]:
    if not access.uses_register(user):
        return []
    items: list[WorkItem] = []
    visible = access.visible_to(user).select_related("incident_type")
    if access.is_duty_prosecutor(user):
        for report in visible.filter(status=ReportStatus.SUBMITTED, delivered_at__isnull=False).order_by(
            "delivered_at"
        )[:LIMIT]:
            items.append(
                WorkItem(
                    title=report.number,
                    url=report.get_absolute_url(),
                    module=MODULE,
                    kind=_("Acknowledge"),
                    due=timezone.localdate(report.ack_due()) if report.ack_due() else None,
                    detail=report.incident_type.name,
                )
            )
    own = visible.filter(unit_scope(user, Role.REPORT_SPECIAL, "reporting_unit"), status__in=OPEN_STATUSES)
    for report in own.order_by("follow_up_due")[:LIMIT]:
        items.append(
            WorkItem(
                title=report.number,
                url=report.get_absolute_url(),
                module=MODULE,
                kind=_("Follow-up report"),
                due=timezone.localdate(report.follow_up_due) if report.follow_up_due else None,
                detail=report.incident_type.name,
            )
        )
    if items:
        from eprok.special.services import reports_record_listed

        reports_record_listed(actor=user, numbers=[item.title for item in items], purpose="my work")
    return items


def register() -> None:
    register_provider(my_work_items, name="special.reports")
