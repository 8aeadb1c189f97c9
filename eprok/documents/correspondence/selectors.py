"""Reads of the correspondence register: the filtered list (one filter set for the page and the API),
a letter's card with its resolutions, an executor's open resolutions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from eprok.audit.services import audit_record
from eprok.documents.correspondence import access
from eprok.documents.models import Correspondence, Resolution, ResolutionStatus


@dataclass(frozen=True)
class CorrespondenceFilter:
    """The list's and the API's filters; empty fields filter nothing. Dates are local days."""

    q: str = ""  # number, subject, sender/recipient or sender's number
    direction: str = ""
    status: str = ""
    channel: str = ""
    unit: str = ""  # a unit code
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    mine: bool = False  # letters with a resolution the user executes


def correspondence_list(
    *, user: Any, filters: CorrespondenceFilter | None = None
) -> QuerySet[Correspondence]:
    filters = filters or CorrespondenceFilter()
    qs = access.visible_to(user).select_related("unit")
    if filters.q:
        term = filters.q.strip()[:100]
        qs = qs.filter(
            Q(number__icontains=term)
            | Q(subject__icontains=term)
            | Q(correspondent__icontains=term)
            | Q(their_number__icontains=term)
        )
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.registered_from:
        qs = qs.filter(registered_at__date__gte=filters.registered_from)
    if filters.registered_to:
        qs = qs.filter(registered_at__date__lte=filters.registered_to)
    if filters.mine:
        qs = qs.filter(pk__in=Resolution.objects.filter(executor_id=user.pk).values("correspondence_id"))
    return qs.order_by("-registered_at", "-pk")


def resolutions_of(letter: Correspondence) -> list[Resolution]:
    return list(
        letter.resolutions.select_related("author", "executor", "executor_unit", "completed_by").order_by(
            "created_at", "pk"
        )
    )


def open_resolutions_of(user: Any, *, limit: int = 20) -> list[Resolution]:
    return list(
        Resolution.objects.filter(executor_id=user.pk, status=ResolutionStatus.OPEN)
        .select_related("correspondence")
        .order_by("due_date", "pk")[:limit]
    )


def letter_read(*, user: Any, letter: Correspondence, purpose: str) -> None:
    audit_record(actor=user, action="documents.correspondence.read", target=letter, purpose=purpose)


def keeper_units(*, user: Any) -> list[Any]:
    """Active units where the user keeps the register, in tree order (from the user's grants)."""
    from eprok.org.grants import active_grants
    from eprok.org.models import Unit
    from eprok.org.roles import Role

    grants = [g for g in active_grants(user) if g.role == Role.KEEP_CORRESPONDENCE]
    if not grants:
        return []
    wanted = Q(pk__in={g.unit_id for g in grants})
    for grant in grants:
        if grant.include_subunits:
            wanted |= Q(path__startswith=grant.unit_path)
    return list(Unit.objects.filter(wanted, is_active=True).order_by("path"))
