"""Reads of criminal cases, shared by the HTML views and the API; each starts from access.visible_to."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from eprok.audit.models import AuditEvent
from eprok.core.calendar.deadlines import Deadline
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.org.grants import unit_scope
from eprok.org.models import Employee, RoleAssignment, Unit, name_search_key
from eprok.org.roles import Role

from . import access, terms
from .models import (
    OPEN_STATUSES,
    Case,
    CaseParty,
    CaseStatus,
    Instruction,
    PreventiveMeasure,
    ProceduralAct,
    Qualification,
    Suspension,
    TeamMember,
    TermExtension,
    Transfer,
)

# A term is "near due" when it runs out within this many days (the list's and the API's filter).
NEAR_DUE_DAYS = 7
EXPORT_MAX_ROWS = 10_000
HISTORY_LIMIT = 200

SORTS: dict[str, tuple[Any, ...]] = {
    "number": ("number",),
    "-number": ("-number",),
    "opened": ("opened_at", "pk"),
    "-opened": ("-opened_at", "-pk"),
    "due": (F("next_due_at").asc(nulls_last=True), "pk"),
    "-due": (F("next_due_at").desc(nulls_last=True), "-pk"),
    "status": ("status", "-opened_at", "-pk"),
    "-status": ("-status", "-opened_at", "-pk"),
    "investigator": ("investigator__last_name", "investigator__first_name", "-opened_at", "-pk"),
    "-investigator": ("-investigator__last_name", "-investigator__first_name", "-opened_at", "-pk"),
}
DEFAULT_SORT = "-opened"
DUE_FILTERS = ("overdue", "near")


@dataclass(frozen=True)
class CaseFilter:
    """The one filter set of the register: the HTML list, its exports and the API list parse into it.

    `unit` is a unit's code (with `subunits`, its whole subtree); `article` an article or a reference
    ("177", "177.2"); `investigator` and `supervisor` a part of the name or the employee's public id;
    `due` is "overdue" or "near" (any running term); `custody` keeps cases with someone detained or
    arrested.
    """

    number: str = ""
    unit: str = ""
    subunits: bool = False
    status: str = ""
    article: str = ""
    category: int | None = None
    investigator: str = ""
    supervisor: str = ""
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None
    due: str = ""
    custody: bool = False
    sort: str = DEFAULT_SORT

    def as_data(self) -> dict[str, str]:
        """The filters that are set, as text (what an export's audit event records)."""
        return {
            key: str(value)
            for key, value in asdict(self).items()
            if value not in (None, "", False) and key != "sort"
        }


def _day_start(day: dt.date) -> dt.datetime:
    day = min(max(day, dt.date(1900, 1, 1)), dt.date(9998, 12, 31))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _employee_filter(prefix: str, text: str) -> Q:
    text = text.strip()
    try:
        return Q(**{f"{prefix}__public_id": uuid.UUID(text)})
    except ValueError:
        pass
    condition = Q()
    for word in name_search_key(text).split():
        condition &= Q(**{f"{prefix}__name_key__contains": word})
    return condition


def filtered(queryset: QuerySet[Case], filters: CaseFilter, *, unit: Unit | None = None) -> QuerySet[Case]:
    if filters.number.strip():
        queryset = queryset.filter(number__icontains=filters.number.strip())
    if unit is not None:
        queryset = (
            queryset.filter(unit__path__startswith=unit.path)
            if filters.subunits
            else queryset.filter(unit=unit)
        )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    article = filters.article.strip().rstrip(".")
    if article:
        queryset = queryset.filter(
            Exists(
                Qualification.objects.filter(case=OuterRef("pk"), ended_on__isnull=True).filter(
                    Q(reference=article) | Q(reference__startswith=f"{article}.")
                )
            )
        )
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.investigator.strip():
        queryset = queryset.filter(_employee_filter("investigator", filters.investigator))
    if filters.supervisor.strip():
        queryset = queryset.filter(_employee_filter("supervisor", filters.supervisor))
    if filters.opened_from:
        queryset = queryset.filter(opened_at__gte=_day_start(filters.opened_from))
    if filters.opened_to:
        queryset = queryset.filter(opened_at__lt=_day_start(filters.opened_to + dt.timedelta(days=1)))
    now = timezone.now()
    if filters.due == "overdue":
        queryset = queryset.filter(next_due_at__lte=now)
    elif filters.due == "near":
        queryset = queryset.filter(
            next_due_at__gt=now, next_due_at__lte=now + dt.timedelta(days=NEAR_DUE_DAYS)
        )
    if filters.custody:
        queryset = queryset.filter(in_custody=True)
    return queryset


def filter_unit(*, user: Any, filters: CaseFilter) -> Unit | None:
    """The unit a filter names (any active unit; visibility of cases is decided by visible_to)."""
    code = filters.unit.strip()
    if not code:
        return None
    return Unit.objects.filter(code=code[:64]).only("pk", "path", "code").first()


# What the employees joined to a case show: their names (str() falls back to the username).
EMPLOYEE_FIELDS = ("public_id", "username", "last_name", "first_name", "patronymic")
# What the API's list shows of a case, its unit and its people (CaseOut).
LIST_FIELDS = (
    "public_id",
    "number",
    "unit",
    "investigator",
    "supervisor",
    "opened_at",
    "category",
    "main_article",
    "articles",
    "status",
    "investigation_due",
    "next_due_at",
    "next_due_key",
    "in_custody",
    "version",
    "unit__code",
    "unit__path",
    "unit__name_az",
    "unit__name_en",
    "unit__name_ru",
    *(f"{role}__{name}" for role in ("investigator", "supervisor") for name in EMPLOYEE_FIELDS),
)


# What the register's page shows: the API's list without the identifiers and the supervisor.
PAGE_FIELDS = (
    "number",
    "unit",
    "investigator",
    "opened_at",
    "category",
    "articles",
    "status",
    "next_due_at",
    "in_custody",
    "unit__name_az",
    "unit__name_en",
    "unit__name_ru",
    *(f"investigator__{name}" for name in EMPLOYEE_FIELDS),
)


def case_list(
    *,
    user: Any,
    filters: CaseFilter | None = None,
    unit: Unit | None = None,
    fields: tuple[str, ...] = LIST_FIELDS,
) -> QuerySet[Case]:
    """The cases `user` may see, filtered and sorted, with `fields` (and the rows they reach) only;
    one query per page (plus the count)."""
    filters = filters or CaseFilter()
    if unit is None and filters.unit:
        unit = filter_unit(user=user, filters=filters)
        if unit is None:
            return Case.objects.none()
    base = (
        access.visible_to(user) if unit is None else access.visible_in(user, unit, subunits=filters.subunits)
    )
    queryset = (
        filtered(base, filters, unit=unit)
        .select_related(*sorted({name.split("__")[0] for name in fields if "__" in name}))
        .only(*fields)
    )
    return queryset.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def case_export_rows(
    *, user: Any, filters: CaseFilter, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[tuple[Any, ...]]:
    """The rows of the CSV/XLSX export, capped, streamed from the database in chunks."""
    queryset = case_list(user=user, filters=filters)[:max_rows]
    rows = queryset.values_list(
        "number",
        "opened_at",
        "status",
        "articles",
        "category",
        "unit__code",
        "investigator__last_name",
        "investigator__first_name",
        "supervisor__last_name",
        "supervisor__first_name",
        "investigation_due",
        "next_due_at",
        "in_custody",
    )
    for row in rows.iterator(chunk_size=500):
        (
            number,
            opened_at,
            status,
            articles,
            category,
            unit,
            i_last,
            i_first,
            s_last,
            s_first,
            due,
            next_due,
            custody,
        ) = row
        yield (
            number,
            timezone.localtime(opened_at).strftime("%Y-%m-%d %H:%M"),
            str(CaseStatus(status).label),
            articles,
            category or "",
            unit,
            " ".join(p for p in (i_last, i_first) if p),
            " ".join(p for p in (s_last, s_first) if p),
            due.isoformat() if due else "",
            timezone.localtime(next_due).strftime("%Y-%m-%d %H:%M") if next_due else "",
            "1" if custody else "0",
        )


# --- the card --------------------------------------------------------------------------------------------

TABS = ("parties", "acts", "measures", "instructions", "term", "qualification", "history")
DEFAULT_TAB = "parties"


# The columns of the rows joined to the case that the card and the API's case show (the case's own are
# all read); a case it was separated from or joined into is read only when there is one.
CARD_RELATED_FIELDS = (
    "unit__code",
    "unit__path",
    "unit__name_az",
    "unit__name_en",
    "unit__name_ru",
    *(f"{role}__{name}" for role in ("investigator", "supervisor") for name in EMPLOYEE_FIELDS),
    "material__number",
)


def card_queryset() -> QuerySet[Case]:
    """The case with what its card shows of the unit, the investigator, the supervisor and the report."""
    return Case.objects.select_related("unit", "investigator", "supervisor", "material").only(
        *(f.name for f in Case._meta.concrete_fields), *CARD_RELATED_FIELDS
    )


@dataclass
class CaseCard:
    """The case's header and one tab, each loaded with a fixed number of queries.

    The header is the case row (with the unit, investigator and supervisor) and its soonest running term
    as the row stores it; the term's explanation is loaded when the reader opens it (or computed here
    with `explain=True`, for the API), and the tabs are loaded on demand (htmx).
    """

    case: Case
    can_edit: bool
    can_supervise: bool
    next_due: terms.StoredDue | None
    next_deadline: Deadline | None
    next_label: Any
    tab: str
    data: dict[str, Any] = field(default_factory=dict)


def case_card(*, user: Any, number: str, tab: str = DEFAULT_TAB, explain: bool = False) -> CaseCard:
    """The header and the chosen tab: 1 query for the case, 1-5 for the tab (0-2 more with `explain`)."""
    case = access.get_case_for(user, number, queryset=card_queryset())
    tab = tab if tab in TABS else DEFAULT_TAB
    return CaseCard(
        case=case,
        can_edit=access.can_edit(user, case),
        can_supervise=access.can_supervise(user, case),
        next_due=terms.stored_next_due(case),
        next_deadline=terms.next_deadline(case) if explain else None,
        next_label=terms.next_label(case),
        tab=tab,
        data=tab_data(case=case, tab=tab),
    )


def next_term(*, user: Any, number: str) -> tuple[Case, Deadline | None, Any]:
    """The case's soonest running term with its explanation (what the card's header opens into)."""
    case = access.get_case_for(user, number, queryset=card_queryset())
    return case, terms.next_deadline(case), terms.next_label(case)


def tab_data(*, case: Case, tab: str) -> dict[str, Any]:
    loader = _TAB_LOADERS.get(tab, _parties)
    return loader(case)


# What the parties tab and the API show of a person.
PARTY_PERSON_FIELDS = tuple(
    f"person__{name}"
    for name in ("public_id", "kind", "last_name", "first_name", "patronymic", "legal_name", "birth_date")
)


def _parties(case: Case) -> dict[str, Any]:
    rows = list(
        CaseParty.objects.filter(case=case)
        .select_related("person")
        .only(*(f.name for f in CaseParty._meta.concrete_fields), *PARTY_PERSON_FIELDS)
        .order_by("until", "role", "pk")
    )
    return {
        "current": [p for p in rows if p.until is None],
        "past": [p for p in rows if p.until is not None],
    }


def _acts(case: Case) -> dict[str, Any]:
    return {
        "acts": list(
            ProceduralAct.objects.filter(case=case)
            .select_related("author", "party__person")
            .order_by("-act_date", "-pk")
        )
    }


def _measures(case: Case) -> dict[str, Any]:
    measures = list(
        PreventiveMeasure.objects.filter(case=case)
        .select_related("party__person")
        .prefetch_related(Prefetch("extensions", queryset=TermExtension.objects.order_by("created_at", "pk")))
        .order_by("ended_at", "-started_at", "pk")
    )
    rows = []
    for measure in measures:
        deadline = None
        if measure.ended_at is None and case.status in (
            CaseStatus.INVESTIGATION,
            CaseStatus.SUSPENDED,
            CaseStatus.INDICTMENT,
            CaseStatus.SENT_TO_COURT,
        ):
            deadline = terms.measure_deadline(measure)
        rows.append((measure, deadline))
    return {"measures": rows}


def _instructions(case: Case) -> dict[str, Any]:
    rows = list(
        Instruction.objects.filter(case=case)
        .select_related("author", "acknowledged_by")
        .order_by(F("completed_at").asc(nulls_first=True), "due_date", "pk")
    )
    return {
        "instructions": [
            (row, terms.instruction_deadline(row) if row.completed_at is None and case.is_open else None)
            for row in rows
        ]
    }


def _term(case: Case) -> dict[str, Any]:
    extensions = list(
        TermExtension.objects.filter(case=case, measure__isnull=True)
        .select_related("granted_by")
        .order_by("created_at", "pk")
    )
    suspensions = list(Suspension.objects.filter(case=case).order_by("started_on", "pk"))
    deadline = None
    if case.status == CaseStatus.INVESTIGATION:
        deadline = terms.investigation_deadline(case, extensions=extensions, suspensions=suspensions)
    return {
        "extensions": extensions,
        "suspensions": suspensions,
        "investigation_deadline": deadline,
        "indictment_deadline": terms.indictment_deadline(case)
        if case.status == CaseStatus.INDICTMENT
        else None,
    }


def _qualification(case: Case) -> dict[str, Any]:
    return {
        "qualifications": list(
            Qualification.objects.filter(case=case)
            .select_related("article")
            .order_by("ended_on", "-is_main", "valid_from", "pk")
        ),
        "team": list(
            TeamMember.objects.filter(case=case)
            .select_related("employee")
            .order_by("removed_at", "role", "pk")
        ),
        "transfers": list(
            Transfer.objects.filter(case=case)
            .select_related("from_unit", "to_unit", "transferred_by")
            .order_by("created_at", "pk")
        ),
    }


def _history(case: Case) -> dict[str, Any]:
    events = list(
        AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.public_id))
        .exclude(action="cases.case.viewed")
        .only("id", "occurred_at", "actor_name", "actor_unit", "action", "data", "changes", "source")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    return {"events": events, "limit": HISTORY_LIMIT}


_TAB_LOADERS = {
    "parties": _parties,
    "acts": _acts,
    "measures": _measures,
    "instructions": _instructions,
    "term": _term,
    "qualification": _qualification,
    "history": _history,
}


# --- choices for forms ----------------------------------------------------------------------------------


def eligible_employees(*, role: str, unit: Unit) -> list[Employee]:
    """Active employees holding `role` over `unit` (in it, or above it with sub-units), by name."""
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part]
    today = timezone.localdate()
    holders = RoleAssignment.objects.filter(
        Q(unit=unit) | Q(unit_id__in=ancestors, include_subunits=True),
        role=role,
        ended_at__isnull=True,
        valid_from__lte=today,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return list(
        Employee.objects.filter(is_active=True, pk__in=holders.values("employee_id")).order_by(
            "last_name", "first_name", "pk"
        )
    )


def units_where(*, user: Any, roles: tuple[str, ...]) -> list[Unit]:
    """Active units covered by the user's grants of any of `roles`, in tree order."""
    condition = Q(pk__in=[])
    for role in roles:
        condition |= unit_scope(user, role, unit_field=None)
    return list(Unit.objects.filter(condition, is_active=True).order_by("path"))


def open_cases_of_team(*, user: Any, exclude: Case) -> list[Case]:
    """Open cases where `user` is on the team (targets of a joinder), newest first."""
    return list(
        Case.objects.filter(access.on_team(user), status__in=OPEN_STATUSES)
        .exclude(pk=exclude.pk)
        .order_by("-opened_at")[:200]
    )


# --- the unit head's dashboard --------------------------------------------------------------------------


@dataclass
class Workload:
    investigator: Employee
    investigation: int
    suspended: int
    with_prosecutor: int
    in_custody: int
    overdue: int


def dashboard(*, user: Any, unit: Unit | None = None, limit: int = 200) -> dict[str, Any]:
    """Workload per investigator and the overdue terms of the cases in the units the user supervises."""
    scope = unit_scope(user, Role.SUPERVISE)
    cases = Case.objects.filter(scope, status__in=(*OPEN_STATUSES, CaseStatus.INDICTMENT))
    if unit is not None:
        cases = cases.filter(unit__path__startswith=unit.path)
    now = timezone.now()
    counts = (
        cases.exclude(investigator__isnull=True)
        .values("investigator")
        .annotate(
            investigation=Count("pk", filter=Q(status=CaseStatus.INVESTIGATION)),
            suspended=Count("pk", filter=Q(status=CaseStatus.SUSPENDED)),
            with_prosecutor=Count("pk", filter=Q(status=CaseStatus.INDICTMENT)),
            in_custody=Count("pk", filter=Q(in_custody=True)),
            overdue=Count("pk", filter=Q(next_due_at__lte=now)),
        )
        .order_by()
    )
    rows = list(counts[:limit])
    people = {e.pk: e for e in Employee.objects.filter(pk__in=[r["investigator"] for r in rows])}
    workload = sorted(
        (
            Workload(
                investigator=people[r["investigator"]],
                investigation=r["investigation"],
                suspended=r["suspended"],
                with_prosecutor=r["with_prosecutor"],
                in_custody=r["in_custody"],
                overdue=r["overdue"],
            )
            for r in rows
            if r["investigator"] in people
        ),
        key=lambda w: (-w.overdue, w.investigator.last_name, w.investigator.first_name),
    )
    tracked_scope = unit_scope(user, Role.SUPERVISE)
    overdue = TrackedDeadline.objects.filter(
        tracked_scope,
        owner_type=Case._meta.label_lower,
        state=DeadlineState.OPEN,
        ends_at__lte=now,
    )
    if unit is not None:
        overdue = overdue.filter(unit__path__startswith=unit.path)
    overdue_rows = list(overdue.select_related("responsible", "unit").order_by("ends_at", "pk")[:limit])
    groups: dict[str, list[TrackedDeadline]] = {
        "investigation": [],
        "measure": [],
        "instruction": [],
        "indictment": [],
    }
    for row in overdue_rows:
        groups.setdefault(row.key.split("-", 1)[0], []).append(row)
    return {"workload": workload, "overdue": groups, "now": now}
