"""Reads of the crime-report register, shared by the HTML pages and the API; each starts from visible_to."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from eprok.audit.models import AuditEvent
from eprok.audit.selectors import AuditFilter
from eprok.audit.selectors import filtered as audit_filtered
from eprok.core.calendar.deadlines import Deadline
from eprok.core.collation import az_sort_key
from eprok.materials import access, terms
from eprok.materials.models import (
    OPEN_STATUSES,
    CheckAction,
    CheckExtension,
    Material,
    MaterialParty,
    MaterialStatus,
)
from eprok.org.grants import active_grants, unit_scope
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Role
from eprok.org.selectors import active_assignments

EXPORT_MAX_ROWS = 10_000

# Sort keys offered by the list (a leading "-" reverses); the pk breaks ties so pages never overlap.
SORTS: dict[str, tuple[str, ...]] = {
    "registered_at": ("registered_at", "pk"),
    "-registered_at": ("-registered_at", "-pk"),
    "number": ("number",),
    "-number": ("-number",),
    "check_due": ("check_due", "pk"),
    "-check_due": ("-check_due", "-pk"),
}
DEFAULT_SORT = "-registered_at"
DUE_CHOICES = ("overdue", "near")


def warning_days() -> int:
    return int(getattr(settings, "EPROK_DEADLINE_WARNING_DAYS", 2))


@dataclass(frozen=True)
class MaterialFilter:
    """The list's and the API's filters; empty fields filter nothing. Dates are local days."""

    number: str = ""
    unit: str = ""  # a unit's code
    subunits: bool = False
    status: str = ""
    source: str = ""
    assignee: str = ""  # an employee's public id, or "me", or "none"
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    due: str = ""  # "overdue" or "near"
    anonymous: bool | None = None
    q: str = ""  # words in the summary
    article: str = ""
    sort: str = DEFAULT_SORT

    def as_data(self) -> dict[str, str]:
        """The filters that are set, as text (what an export's audit event records)."""
        return {key: str(value) for key, value in asdict(self).items() if value not in (None, "", False)}


def _day_start(day: dt.date) -> dt.datetime:
    day = min(max(day, dt.date(1900, 1, 1)), dt.date(9998, 12, 31))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filter_unit(filters: MaterialFilter, units: Sequence[UnitChoice] = ()) -> Any:
    """The unit the filter names (None if there is none): found among `units` (the filter's choices,
    when already read) or read by its code."""
    found = next((unit for unit in units if unit.code == filters.unit), None)
    return found or Unit.objects.filter(code=filters.unit).only("pk", "path").first()


def filtered(
    qs: QuerySet[Material], filters: MaterialFilter, *, user: Any, unit: Any = None
) -> QuerySet[Material]:
    """`qs` narrowed by `filters`; `unit` is the unit the filter names, if already found (filter_unit)."""
    if filters.number:
        qs = qs.filter(number__icontains=filters.number.strip())
    if filters.unit:
        unit = unit if unit is not None else filter_unit(filters)
        if unit is None:
            return qs.none()
        qs = qs.filter(unit__path__startswith=unit.path) if filters.subunits else qs.filter(unit_id=unit.pk)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.assignee == "me":
        qs = qs.filter(assignee_id=getattr(user, "pk", None))
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        try:
            qs = qs.filter(assignee__public_id=uuid.UUID(filters.assignee))
        except ValueError:
            return qs.none()
    if filters.registered_from:
        qs = qs.filter(registered_at__gte=_day_start(filters.registered_from))
    if filters.registered_to:
        qs = qs.filter(registered_at__lt=_day_start(filters.registered_to + dt.timedelta(days=1)))
    today = timezone.localdate()
    if filters.due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, check_due__lt=today)
    elif filters.due == "near":
        qs = qs.filter(
            status__in=OPEN_STATUSES,
            check_due__gte=today,
            check_due__lte=today + dt.timedelta(days=warning_days()),
        )
    if filters.anonymous is not None:
        qs = qs.filter(is_anonymous=filters.anonymous)
    for word in filters.q.split():
        qs = qs.filter(summary__icontains=word)
    if filters.article:
        qs = qs.filter(articles__icontains=filters.article.strip())
    return qs


# What the API's list shows of a report, its unit and its assignee (MaterialOut).
LIST_FIELDS = (
    "public_id",
    "number",
    "unit",
    "source",
    "received_at",
    "registered_at",
    "is_anonymous",
    "summary",
    "articles",
    "assignee",
    "status",
    "check_due",
    "version",
    "unit__code",
    "unit__name_az",
    "unit__name_en",
    "unit__name_ru",
    "assignee__public_id",
    "assignee__last_name",
    "assignee__first_name",
    "assignee__patronymic",
)


# What the register's page shows: the API's list without the identifiers, the source and receipt.
PAGE_FIELDS = (
    "number",
    "unit",
    "registered_at",
    "is_anonymous",
    "summary",
    "assignee",
    "status",
    "check_due",
    "unit__name_az",
    "unit__name_en",
    "unit__name_ru",
    "assignee__last_name",
    "assignee__first_name",
    "assignee__patronymic",
)


def material_list(
    *,
    user: Any,
    filters: MaterialFilter | None = None,
    units: Sequence[UnitChoice] = (),
    fields: tuple[str, ...] = LIST_FIELDS,
) -> QuerySet[Material]:
    """Visible reports matching `filters`, in the chosen order, with `fields` only (the API's list by
    default; the page passes PAGE_FIELDS)."""
    filters = filters or MaterialFilter()
    unit = filter_unit(filters, units) if filters.unit else None
    base = (
        access.visible_to(user) if unit is None else access.visible_in(user, unit, subunits=filters.subunits)
    )
    qs = filtered(base, filters, user=user, unit=unit)
    return (
        qs.select_related("unit", "assignee")
        .only(*fields)
        .order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))
    )


EXPORT_COLUMNS = (
    "number",
    "unit__code",
    "status",
    "source",
    "is_anonymous",
    "received_at",
    "registered_at",
    "articles",
    "assignee__last_name",
    "assignee__first_name",
    "check_due",
    "decided_at",
    "case_number",
    "summary",
)


def material_export_rows(
    *, user: Any, filters: MaterialFilter, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[tuple[Any, ...]]:
    """The rows of an export, in the list's order, at most `max_rows`, streamed in chunks."""
    qs = filtered(access.visible_to(user), filters, user=user)
    qs = qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))[:max_rows]
    yield from qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)


def material_get(*, user: Any, number: str, action: str = "view") -> Material:
    """One report with its parties, steps and extensions loaded (for the card and the API)."""
    queryset = (
        access.visible_to(user)
        .select_related("unit", "assignee", "registered_by", "decided_by", "transferred_to_unit", "joined_to")
        .prefetch_related(
            Prefetch(
                "parties", queryset=MaterialParty.objects.select_related("person").order_by("role", "pk")
            ),
            Prefetch("actions", queryset=CheckAction.objects.select_related("recorded_by")),
            Prefetch("extensions", queryset=CheckExtension.objects.select_related("granted_by")),
            Prefetch("joined_materials", queryset=Material.objects.only("pk", "number", "joined_to_id")),
        )
    )
    return access.get_material_for(user, number, action=action, queryset=queryset)


def material_check_deadline(material: Material) -> Deadline | None:
    """The running check term with its explanation, from the rule and this round's extensions."""
    if not material.is_open:
        return None
    return terms.check_deadline(material)


def material_history(*, material: Material, limit: int = 200) -> list[Any]:
    """The audit events that changed this report, oldest first (reads are in the audit log)."""
    events = audit_filtered(
        AuditEvent.objects.all(),
        AuditFilter(target_type=access.TARGET_TYPE, target_id=str(material.public_id)),
    ).exclude(action__in=["materials.material.viewed"])
    return list(
        events.only("id", "occurred_at", "actor_name", "action", "changes", "data").order_by("-id")[:limit]
    )[::-1]


def assignee_choices(*, unit: Unit) -> list[Employee]:
    """Active employees holding "Investigate" or "Supervise" over `unit` (directly or from above)."""
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    grants = (
        RoleAssignment.objects.filter(
            active_assignments(), role__in=access.WORKER_ROLES, unit__is_active=True
        )
        .filter(Q(unit_id=unit.pk) | Q(unit_id__in=above, include_subunits=True))
        .values("employee_id")
    )
    return list(
        Employee.objects.filter(pk__in=grants, is_active=True)
        .select_related("position")
        .order_by("last_name", "first_name", "pk")
    )


def registration_units(*, user: Any) -> list[Unit]:
    """Active units where the user may register reports, in tree order."""
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active and access.can_register(user, u)]


@dataclass(frozen=True)
class UnitChoice:
    """A unit as a filter's choice shows it: indented under its parent, named in the active language."""

    pk: int
    code: str
    path: str
    depth: int
    name: str


@functools.lru_cache(maxsize=4096)
def _name_key(name: str) -> tuple[tuple[int, int], ...]:
    return az_sort_key(name)


def register_units(*, user: Any) -> list[UnitChoice]:
    """The choices of the register's unit filter: dashboard_units(user=user) as plain rows.

    One query of the columns it shows, for the units the grants cover and those above them (no model
    instances); the tree order, siblings in Azerbaijani alphabetical order, comes from each unit's path,
    and the roles from the grants already in memory.
    """
    grants = [g for g in active_grants(user) if g.role in access.READER_ROLES]
    if not grants:
        return []
    language = (get_language() or "az")[:2]
    # The units the grants cover, and those above them (their names order the tree).
    wanted = Q(pk__in={int(part) for g in grants for part in g.unit_path.strip("/").split("/") if part})
    for grant in grants:
        if grant.include_subunits:
            wanted |= Q(path__startswith=grant.unit_path)
    rows = Unit.objects.filter(wanted, is_active=True).values_list(
        "pk", "code", "path", "depth", "name_az", "name_en", "name_ru"
    )
    named = {}
    for pk, code, path, depth, name_az, name_en, name_ru in rows:
        name = {"en": name_en, "ru": name_ru}.get(language) or name_az
        named[pk] = UnitChoice(pk=pk, code=code, path=path, depth=depth, name=name)

    def order(unit: UnitChoice) -> tuple[Any, ...]:
        line = (named.get(int(part)) for part in unit.path.strip("/").split("/") if part)
        # (name, path) per level: siblings by name, each one's subtree kept together.
        return tuple((_name_key(above.name), above.path) for above in line if above is not None)

    def readable(unit: UnitChoice) -> bool:
        return any(
            g.unit_id == unit.pk or (g.include_subunits and unit.path.startswith(g.unit_path)) for g in grants
        )

    return sorted((unit for unit in named.values() if readable(unit)), key=order)


def dashboard_units(*, user: Any) -> list[Unit]:
    """Active units whose register the user reads as a registrar or supervisor, in tree order."""
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active and access.can_read_unit_register(user, u)]


def transfer_units(*, user: Any, material: Material) -> list[Unit]:
    """Active units a report may be transferred to: every unit of the service but its own."""
    from eprok.org.selectors import units_for_choice

    return [u for u in units_for_choice(user=user) if u.is_active and u.pk != material.unit_id]


def joinable_materials(*, user: Any, material: Material, limit: int = 50) -> list[Material]:
    """Open reports of the same unit the user can see, newest first, to offer as a joinder target."""
    return list(
        access.visible_to(user)
        .filter(status__in=OPEN_STATUSES, unit_id=material.unit_id)
        .exclude(pk=material.pk)
        .only("pk", "number", "summary", "registered_at")
        .order_by("-registered_at")[:limit]
    )


# --- the workload dashboard --------------------------------------------------------------------------


@dataclass
class AssigneeLoad:
    assignee_id: Any  # the employee's public id, None for reports nobody has yet
    name: str
    open: int
    near: int
    overdue: int


@dataclass
class Dashboard:
    by_assignee: list[AssigneeLoad]
    by_status: list[tuple[str, Any, int]]
    total_open: int
    total_overdue: int
    total_near: int


def dashboard_scope(user: Any) -> Q:
    """Reports of the units whose register the user reads as a registrar or supervisor."""
    return unit_scope(user, Role.REGISTER_MATERIALS) | unit_scope(user, Role.SUPERVISE)


def material_dashboard(*, user: Any, unit: Unit | None = None, since: dt.date | None = None) -> Dashboard:
    """Open reports per assignee (open, near the term, overdue) and all reports per status (two queries)."""
    qs = Material.objects.filter(dashboard_scope(user))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    today = timezone.localdate()
    near_end = today + dt.timedelta(days=warning_days())
    rows = (
        qs.filter(status__in=OPEN_STATUSES)
        .order_by()
        .values("assignee__public_id", "assignee__last_name", "assignee__first_name")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(check_due__lt=today)),
            near=Count("pk", filter=Q(check_due__gte=today, check_due__lte=near_end)),
        )
        .order_by("-overdue", "-open", "assignee__last_name")
    )
    loads = [
        AssigneeLoad(
            assignee_id=row["assignee__public_id"],
            name=" ".join(p for p in (row["assignee__last_name"], row["assignee__first_name"]) if p),
            open=row["open"],
            near=row["near"],
            overdue=row["overdue"],
        )
        for row in rows
    ]
    status_qs = qs.filter(registered_at__gte=_day_start(since)) if since else qs
    counts = dict(status_qs.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_status = [(status.value, status.label, counts.get(status.value, 0)) for status in MaterialStatus]
    return Dashboard(
        by_assignee=loads,
        by_status=by_status,
        total_open=sum(load.open for load in loads),
        total_overdue=sum(load.overdue for load in loads),
        total_near=sum(load.near for load in loads),
    )
