"""The "Court" panel other apps' cards show: the proceeding of a case sent to court, or the way to open it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from . import access
from .models import Proceeding


def court_panel(user: Any, case: Any) -> dict[str, Any] | None:
    """For a case of the service: None unless it is (or was) in court; one query when it is."""
    from eprok.cases.models import CaseStatus

    if case.status != CaseStatus.SENT_TO_COURT and not getattr(case, "completed_at", None):
        return None
    proceeding = Proceeding.objects.select_related("court").filter(case=case).first()
    if proceeding is None and case.status != CaseStatus.SENT_TO_COURT:
        return None
    return {
        "proceeding": proceeding,
        "can_open": proceeding is None and access.can_open_in(user, case.unit),
        "open_url": reverse("courtwork:open_case", args=[case.number]),
    }
