"""Who sees which statistics.

Figures are shown to holders of "View statistics", over the units the grant covers (with sub-units when
the grant says so): a district prosecutor's office head sees the district, the Baku city office the city's
districts, the General Prosecutor's Office the whole service. Every figure, total and chart is computed
over that scope only, so nothing outside it leaks through a total; drilling into a unit outside it answers
404 (audited). Underlying records listed by a drill-down link to their cards only when the owning module
lets the user open them.

Saved queries are visible to their owner and, when shared, to the holders of "View statistics" over the
unit they are shared with. Exports belong to the employee who asked for them. Open data is public.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When

from eprok.core.access import deny
from eprok.org.grants import Grant, active_grants, has_role, unit_scope
from eprok.org.models import Unit
from eprok.org.roles import Role

from .models import ExportJob, SavedQuery

ROLE = Role.VIEW_STATISTICS


def signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def grants(user: Any) -> list[Grant]:
    return [grant for grant in active_grants(user) if grant.role == ROLE]


def can_view(user: Any) -> bool:
    """Holds "View statistics" over some unit."""
    return signed_in(user) and bool(grants(user))


def require_view(user: Any, *, action: str = "view", target: str = "statistics") -> None:
    """404 (audited) for anyone without "View statistics"."""
    if not can_view(user):
        deny(user, action=action, target_type="stats.report", target_key=target, visible=False)


def card_scope(user: Any) -> Q:
    """A filter on statistical cards inside the user's statistics scope; matches nothing without the role.

    The scope is decided on the units' places in the tree today (not on the path a card was written with),
    so a unit moved to another office falls to the new office's analysts and leaves the old one's."""
    if not grants(user):
        return Q(pk__in=[])
    return subtree_filter(unit_scope(user, ROLE, None))


def subtree_filter(units: Q) -> Q:
    """A filter on cards of the units matching `units` (a filter on Unit), as a list of unit ids read in one
    query (a hashed look-up per card in the database, cheaper than a sub-select over millions of cards); no
    filter at all when the units are every unit of the tree."""
    rows = Unit.objects.annotate(
        inside=Case(When(units, then=Value(True)), default=Value(False))
    ).values_list("pk", "inside")
    ids = [pk for pk, inside in rows if inside]
    if len(ids) == len(rows):
        return Q()
    return Q(unit_id__in=ids)


def record_scope(user: Any, unit_field: str = "unit") -> Q:
    """The same scope as a filter on records with a unit foreign key (appeals, calls, cases...)."""
    return unit_scope(user, ROLE, unit_field)


def units_in_scope(user: Any) -> QuerySet[Unit]:
    return Unit.objects.filter(unit_scope(user, ROLE, None))


def can_drill(user: Any, unit: Unit) -> bool:
    """The unit lies inside the user's statistics scope."""
    return signed_in(user) and has_role(user, ROLE, unit)


def top_units(user: Any) -> list[Unit]:
    """The highest units of the scope (the starting points of a drill-down), in tree order."""
    paths = sorted({grant.unit_path for grant in grants(user)})
    tops = [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]
    return list(Unit.objects.filter(path__in=tops).order_by("path"))


def unit_for(user: Any, code: str) -> Unit:
    """The unit named by `code` when it lies inside the user's scope; 404 (audited) otherwise."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not can_drill(user, unit):
        deny(user, action="drill", target_type="org.unit", target_key=str(code)[:64], visible=False)
    return unit


def saved_queries_visible_to(user: Any) -> QuerySet[SavedQuery]:
    if not can_view(user):
        return SavedQuery.objects.none()
    return SavedQuery.objects.filter(Q(owner_id=user.pk) | record_scope(user, "shared_with"))


def can_edit_query(user: Any, query: SavedQuery) -> bool:
    return signed_in(user) and query.owner_id == user.pk


def exports_of(user: Any) -> QuerySet[ExportJob]:
    if not signed_in(user):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by_id=user.pk)
