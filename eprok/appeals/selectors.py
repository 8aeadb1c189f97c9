"""Reads of the appeals register, shared by the pages and the API; each staff read starts from visible_to.

Lists:        AppealFilter, appeal_list (paged by the caller; `select_related`, `only`), appeal_export_rows
One appeal:   appeal_get (children prefetched), appeal_answer_deadline, appeal_history, applicant_appeals
Routing:      routing_options(appeal) / eligible_executors(appeal, unit) / forward_units(appeal) — never
              the unit or official complained about; answer_holders(unit)
Registration: repeat_candidates (the clerk's "wrote about this before" warning), topic_choices,
              sector_choices, registration_units
Dashboard:    appeal_dashboard (received, in work, near due, overdue, answered, by channel, by topic:
              three queries)
Reception:    reception_list
Citizens:     appeal_for_applicant(number=, code=) (constant time), appeal_public_status(appeal)
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from eprok.appeals import access, terms
from eprok.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealAttachment,
    AppealExtension,
    AppealStatus,
    AppealTopic,
    Channel,
    Forwarding,
    Outcome,
    ReceptionEntry,
    Resolution,
    Sector,
)
from eprok.audit.models import AuditEvent
from eprok.audit.selectors import AuditFilter
from eprok.audit.selectors import filtered as audit_filtered
from eprok.core.calendar.deadlines import Deadline
from eprok.org.grants import active_grants
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import Role
from eprok.org.selectors import active_assignments
from eprok.persons import names
from eprok.persons.validators import FIN_RE

EXPORT_MAX_ROWS = 10_000

# Sort keys offered by the list (a leading "-" reverses); the pk breaks ties so pages never overlap.
SORTS: dict[str, tuple[str, ...]] = {
    "registered_at": ("registered_at", "pk"),
    "-registered_at": ("-registered_at", "-pk"),
    "number": ("number",),
    "-number": ("-number",),
    "answer_due": ("answer_due", "pk"),
    "-answer_due": ("-answer_due", "-pk"),
}
DEFAULT_SORT = "-registered_at"
DUE_CHOICES = ("overdue", "near")
_NUMBERISH = re.compile(r"^[A-Za-z]{0,4}[-\dA-Za-z]*\d[-\dA-Za-z]*$")


def warning_days() -> int:
    return int(getattr(settings, "EPROK_DEADLINE_WARNING_DAYS", 2))


@dataclass(frozen=True)
class AppealFilter:
    """The list's and the API's filters; empty fields filter nothing. Dates are local days."""

    q: str = ""  # a register number (or part), a FIN, or the applicant's name in any spelling
    unit: str = ""  # the receiving unit's code
    subunits: bool = False
    status: str = ""
    channel: str = ""
    kind: str = ""
    topic: str = ""  # a topic's code
    executor: str = ""  # an employee's public id, or "me", or "none"
    executor_unit: str = ""  # a unit's code
    registered_from: dt.date | None = None
    registered_to: dt.date | None = None
    due: str = ""  # "overdue" or "near"
    answered: bool | None = None
    escalated: bool | None = None
    repeat: bool | None = None
    anonymous: bool | None = None
    sort: str = DEFAULT_SORT

    def as_data(self) -> dict[str, str]:
        """The filters that are set, as text (what an export's audit event records)."""
        return {key: str(value) for key, value in asdict(self).items() if value not in (None, "", False)}


def _day_start(day: dt.date) -> dt.datetime:
    day = min(max(day, dt.date(1900, 1, 1)), dt.date(9998, 12, 31))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _starts_with(field_name: str, prefix: str) -> Q:
    """`field` starts with `prefix`, in a form the database answers from the field's index (see persons)."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field_name}__startswith": prefix})


def applicant_name_filter(text: str) -> Q | None:
    """Appeals whose applicant's name matches `text` in any spelling (every word a token of the key)."""
    keys = names.query_keys(text)
    if not keys:
        return None
    key_field = "applicant_name_key"
    *whole, last = keys
    first = Q(**{key_field: last}) | _starts_with(key_field, last)
    for token in whole:
        first |= _starts_with(key_field, f"{token} ")
    condition = first & (
        Q(**{f"{key_field}__startswith": last}) | Q(**{f"{key_field}__contains": f" {last}"})
    )
    for token in whole:
        condition &= Q(**{f"{key_field}__startswith": f"{token} "}) | Q(
            **{f"{key_field}__contains": f" {token}"}
        )
    return condition


def search_filter(text: str) -> Q:
    """The list's search box: a register number (or its end), a FIN, or the applicant's name."""
    raw = " ".join((text or "").split())
    if not raw:
        return Q()
    compact = raw.replace(" ", "").upper()
    condition = Q(pk__in=[])
    if FIN_RE.match(compact):
        condition |= Q(applicant_fin=compact)
    if _NUMBERISH.match(compact) and any(ch.isdigit() for ch in compact):
        # A whole number is found through its unique index; a part of one (its last digits) by a scan.
        whole = compact.count("-") >= 3
        condition |= Q(number=compact) if whole else Q(number__contains=compact)
    by_name = None if any(ch.isdigit() for ch in raw) else applicant_name_filter(raw)
    if by_name is not None:
        condition |= by_name | Q(organisation__icontains=raw)
    return condition


def filter_unit(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).only("pk", "path", "code").first() if code else None


def filtered(qs: QuerySet[Appeal], filters: AppealFilter, *, user: Any, unit: Any = None) -> QuerySet[Appeal]:
    """`qs` narrowed by `filters`; `unit` is the receiving unit the filter names, if already found."""
    if filters.q:
        qs = qs.filter(search_filter(filters.q))
    if filters.unit:
        unit = unit if unit is not None else filter_unit(filters.unit)
        if unit is None:
            return qs.none()
        qs = qs.filter(unit__path__startswith=unit.path) if filters.subunits else qs.filter(unit_id=unit.pk)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.topic:
        qs = qs.filter(topic__code=filters.topic)
    if filters.executor == "me":
        qs = qs.filter(executor_id=getattr(user, "pk", None))
    elif filters.executor == "none":
        qs = qs.filter(executor__isnull=True)
    elif filters.executor:
        try:
            qs = qs.filter(executor__public_id=uuid.UUID(filters.executor))
        except ValueError:
            return qs.none()
    if filters.executor_unit:
        qs = qs.filter(executor_unit__code=filters.executor_unit)
    if filters.registered_from:
        qs = qs.filter(registered_at__gte=_day_start(filters.registered_from))
    if filters.registered_to:
        qs = qs.filter(registered_at__lt=_day_start(filters.registered_to + dt.timedelta(days=1)))
    today = timezone.localdate()
    if filters.due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, answer_due__lt=today)
    elif filters.due == "near":
        qs = qs.filter(
            status__in=OPEN_STATUSES,
            answer_due__gte=today,
            answer_due__lte=today + dt.timedelta(days=warning_days()),
        )
    if filters.answered is not None:
        qs = (
            qs.filter(status=AppealStatus.ANSWERED)
            if filters.answered
            else qs.exclude(status=AppealStatus.ANSWERED)
        )
    if filters.escalated is not None:
        qs = qs.exclude(escalation="") if filters.escalated else qs.filter(escalation="")
    if filters.repeat is not None:
        qs = qs.filter(repeat_of__isnull=not filters.repeat)
    if filters.anonymous is not None:
        qs = qs.filter(is_anonymous=filters.anonymous)
    return qs


# What a list shows of an appeal, its units, topic and executor (the API's AppealOut and the page).
LIST_FIELDS = (
    "public_id",
    "number",
    "unit",
    "channel",
    "kind",
    "is_collective",
    "is_anonymous",
    "applicant_last_name",
    "applicant_first_name",
    "applicant_patronymic",
    "organisation",
    "received_at",
    "registered_at",
    "text",
    "topic",
    "status",
    "outcome",
    "executor_unit",
    "executor",
    "answer_due",
    "escalation",
    "repeat_of",
    "version",
    "unit__code",
    "unit__name_az",
    "unit__name_en",
    "unit__name_ru",
    "topic__code",
    "topic__name_az",
    "topic__name_en",
    "topic__name_ru",
    "executor_unit__code",
    "executor_unit__name_az",
    "executor_unit__name_en",
    "executor_unit__name_ru",
    "executor__public_id",
    "executor__last_name",
    "executor__first_name",
    "executor__patronymic",
)


def appeal_list(
    *, user: Any, filters: AppealFilter | None = None, fields: tuple[str, ...] = LIST_FIELDS
) -> QuerySet[Appeal]:
    """Visible appeals matching `filters`, in the chosen order, with `fields` only (select_related
    unit, topic, executor unit and executor: one query per page)."""
    filters = filters or AppealFilter()
    unit = filter_unit(filters.unit) if filters.unit else None
    if filters.unit and unit is None:
        return Appeal.objects.none()
    base = (
        access.visible_to(user) if unit is None else access.visible_in(user, unit, subunits=filters.subunits)
    )
    qs = filtered(base, filters, user=user, unit=unit)
    return (
        qs.select_related("unit", "topic", "executor_unit", "executor")
        .only(*fields)
        .order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))
    )


EXPORT_COLUMNS = (
    "number",
    "unit__code",
    "channel",
    "kind",
    "status",
    "outcome",
    "received_at",
    "registered_at",
    "applicant_last_name",
    "applicant_first_name",
    "organisation",
    "topic__code",
    "concerned_body__code",
    "executor_unit__code",
    "executor__last_name",
    "answer_due",
    "closed_at",
    "escalation",
    "is_anonymous",
    "is_collective",
)


def appeal_export_rows(
    *, user: Any, filters: AppealFilter, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[tuple[Any, ...]]:
    """The rows of an export, in the list's order, at most `max_rows`, streamed in chunks."""
    qs = filtered(access.visible_to(user), filters, user=user)
    qs = qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))[:max_rows]
    yield from qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000)


# --- one appeal ----------------------------------------------------------------------------------------


# Joined in the card's one query: the relations almost every appeal has (at most 8 joins, so PostgreSQL
# plans the query in well under a millisecond). The rarely set ones are prefetched instead (CARD_PREFETCHED):
# a NULL costs no query, a set one costs one.
CARD_RELATED = (
    "unit",
    "topic",
    "concerned_body",
    "executor_unit",
    "executor",
    "registered_by",
    "answer",
)
CARD_PREFETCHED = (
    "complained_unit",
    "complained_official",
    "escalated_to",
    "forwarded_to_unit",
    "repeat_of",
    "person",
    "answer__drafted_by",
    "answer__approved_by",
    "answer__sent_by",
)


def appeal_get(*, user: Any, number: str, action: str = "view") -> Appeal:
    """One appeal with its resolutions, extensions, forwardings, files, answer and repeats loaded."""
    queryset = (
        access.visible_to(user)
        .select_related(*CARD_RELATED)
        .prefetch_related(
            *CARD_PREFETCHED,
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("author", "executor_unit", "executor").order_by(
                    "created_at", "pk"
                ),
            ),
            Prefetch("extensions", queryset=AppealExtension.objects.select_related("granted_by")),
            Prefetch("forwardings", queryset=Forwarding.objects.select_related("sent_by", "to_unit")),
            Prefetch("attachments", queryset=AppealAttachment.objects.order_by("pk")),
            Prefetch(
                "repeats", queryset=Appeal.objects.only("pk", "number", "repeat_of_id", "registered_at")
            ),
        )
    )
    return access.get_appeal_for(user, number, action=action, queryset=queryset)


def appeal_answer_of(appeal: Appeal) -> Any:
    """The appeal's answer or None (the reverse one-to-one raises when absent)."""
    try:
        return appeal.answer
    except Appeal.answer.RelatedObjectDoesNotExist:
        return None


def appeal_answer_deadline(appeal: Appeal) -> Deadline | None:
    """The running answer term with its explanation (rule, start, holidays, the extension)."""
    if not appeal.is_open:
        return None
    return terms.answer_deadline(appeal)


def appeal_forward_deadline(appeal: Appeal) -> Deadline | None:
    if appeal.status != AppealStatus.REGISTERED:
        return None
    return terms.forward_deadline(appeal)


def appeal_history(*, appeal: Appeal, limit: int = 200) -> list[Any]:
    """The audit events that changed this appeal, oldest first (reads are in the audit log)."""
    events = audit_filtered(
        AuditEvent.objects.all(),
        AuditFilter(target_type=access.TARGET_TYPE, target_id=str(appeal.public_id)),
    ).exclude(action__in=["appeals.appeal.viewed", "appeals.appeal.attachment_read"])
    return list(
        events.only("id", "occurred_at", "actor_name", "action", "changes", "data").order_by("-id")[:limit]
    )[::-1]


def applicant_appeals(*, user: Any, appeal: Appeal, limit: int = 20) -> list[Appeal]:
    """The same applicant's other appeals the user may see (any topic), newest first."""
    from eprok.appeals.services.registration import same_applicant

    who = same_applicant(appeal)
    if who is None:
        return []
    return list(
        access.visible_to(user)
        .filter(who)
        .exclude(pk=appeal.pk)
        .select_related("topic")
        .only(
            "pk",
            "number",
            "registered_at",
            "status",
            "outcome",
            "topic__code",
            "topic__name_az",
            "topic__name_en",
            "topic__name_ru",
            "repeat_of",
        )
        .order_by("-registered_at", "-pk")[:limit]
    )


# --- routing: never to the body or official complained about -------------------------------------------


def _active_units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).order_by("path")


def routing_options(appeal: Appeal) -> list[Unit]:
    """Units a resolution may send the appeal to: every active unit of the service, except the unit
    complained about and the units within it."""
    units = _active_units()
    if appeal.complained_unit_id is not None and appeal.complained_unit is not None:
        units = units.exclude(path__startswith=appeal.complained_unit.path)
    return list(units)


def forward_units(appeal: Appeal) -> list[Unit]:
    """Units of the service the appeal may be forwarded to: as routing_options, without its own unit."""
    return [unit for unit in routing_options(appeal) if unit.pk != appeal.unit_id]


def _holders(role: str, unit: Unit) -> QuerySet[Employee]:
    above = [int(part) for part in unit.path.strip("/").split("/") if part]
    grants = (
        RoleAssignment.objects.filter(active_assignments(), role=role, unit__is_active=True)
        .filter(Q(unit_id=unit.pk) | Q(unit_id__in=above, include_subunits=True))
        .values("employee_id")
    )
    return Employee.objects.filter(pk__in=grants, is_active=True)


def answer_holders(*, unit: Unit) -> list[Employee]:
    """Active employees holding "Answer appeals" over `unit` (directly, or from above with sub-units)."""
    return list(_holders(Role.ANSWER_APPEALS, unit).order_by("last_name", "first_name", "pk"))


def eligible_executors(appeal: Appeal, unit: Unit) -> list[Employee]:
    """Who may execute the appeal in `unit`: holders of "Answer appeals" over it, except the official
    complained about and the employees of the unit complained about. Empty when `unit` itself is
    (within) the unit complained about."""
    if appeal.excludes_unit(unit):
        return []
    people = _holders(Role.ANSWER_APPEALS, unit).select_related("position", "unit")
    if appeal.complained_official_id is not None:
        people = people.exclude(pk=appeal.complained_official_id)
    if appeal.complained_unit_id is not None and appeal.complained_unit is not None:
        people = people.exclude(unit__path__startswith=appeal.complained_unit.path)
    return list(people.order_by("last_name", "first_name", "pk"))


# --- registration helpers --------------------------------------------------------------------------------


def topic_choices(*, active_only: bool = True) -> list[AppealTopic]:
    qs = AppealTopic.objects.select_related("parent", "escalate_to")
    return list(qs.filter(is_active=True) if active_only else qs)


def sector_choices(*, active_only: bool = True) -> list[Sector]:
    qs = Sector.objects.all()
    return list(qs.filter(is_active=True) if active_only else qs)


def registration_units(*, user: Any) -> list[Unit]:
    """Active units where the user may register appeals, in tree order."""
    return [u for u in _active_units() if access.can_register(user, u)]


def register_units(*, user: Any) -> list[Unit]:
    """Active units whose register (list, dashboard, reception log) the user reads, in tree order: read
    from the units the user's grants cover (not the whole tree), checked against the grants in memory."""
    grants = [g for g in active_grants(user) if g.role in access.READER_ROLES]
    if not grants:
        return []
    wanted = Q(pk__in={g.unit_id for g in grants})
    for grant in grants:
        if grant.include_subunits:
            wanted |= Q(path__startswith=grant.unit_path)
    return [u for u in _active_units().filter(wanted) if access.can_read_unit_register(user, u)]


def repeat_candidates(
    *,
    user: Any,
    fin: str = "",
    person: Any = None,
    name: str = "",
    phone: str = "",
    email: str = "",
    topic: AppealTopic | None = None,
    limit: int = 10,
) -> list[Appeal]:
    """The applicant's appeals the user may see from the last 12 months (on `topic`, when given): what
    the registration form warns about ("wrote about the same matter before")."""
    from eprok.appeals.services.registration import REPEAT_WINDOW

    probe = Appeal(
        applicant_fin=(fin or "").strip().upper(),
        person=person,
        applicant_name_key=names.name_key(name, max_length=310) if name else "",
        applicant_phone=(phone or "").strip(),
        applicant_email=(email or "").strip().lower(),
    )
    if probe.applicant_phone:
        from eprok.core.errors import ValidationFailed
        from eprok.persons.validators import normalise_phone

        try:
            probe.applicant_phone = normalise_phone(probe.applicant_phone)
        except ValidationFailed:
            probe.applicant_phone = ""
    from eprok.appeals.services.registration import same_applicant

    who = same_applicant(probe)
    if who is None:
        return []
    qs = access.visible_to(user).filter(who, registered_at__gte=timezone.now() - REPEAT_WINDOW)
    if topic is not None:
        qs = qs.filter(topic=topic)
    return list(qs.select_related("topic").order_by("-registered_at", "-pk")[:limit])


# --- the unit's dashboard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    """One channel's or topic's line of the dashboard."""

    code: str
    label: str
    received: int
    in_work: int
    near_due: int
    overdue: int
    answered: int


@dataclass
class Dashboard:
    received: int = 0
    open: int = 0
    registered: int = 0
    in_work: int = 0
    near_due: int = 0
    overdue: int = 0
    answered: int = 0
    forwarded: int = 0
    left_unconsidered: int = 0
    channel_rows: list[DashboardRow] = field(default_factory=list)
    topic_rows: list[DashboardRow] = field(default_factory=list)

    @property
    def by_channel(self) -> list[tuple[str, str, int]]:
        """(code, label, received) per channel."""
        return [(row.code, row.label, row.received) for row in self.channel_rows]

    @property
    def by_topic(self) -> list[tuple[str, str, int]]:
        """(code, name, received) per topic, the most frequent first; code "" is "no topic"."""
        return [(row.code, row.label, row.received) for row in self.topic_rows]


def dashboard_scope(user: Any, unit: Unit | None = None) -> Q:
    """Appeals of the units whose register the user reads (no condition when they read all of them)."""
    if access.reads_everything(user) or (unit is not None and access.reads_all_of(user, unit, subunits=True)):
        return Q()
    return access.unit_filter(user)


def _counts(today: dt.date) -> dict[str, Any]:
    near_end = today + dt.timedelta(days=warning_days())
    open_q = Q(status__in=OPEN_STATUSES)
    return {
        "received": Count("pk"),
        "open": Count("pk", filter=open_q),
        "registered": Count("pk", filter=Q(status=AppealStatus.REGISTERED)),
        "in_work": Count("pk", filter=Q(status=AppealStatus.IN_WORK)),
        "near_due": Count("pk", filter=open_q & Q(answer_due__gte=today, answer_due__lte=near_end)),
        "overdue": Count("pk", filter=open_q & Q(answer_due__lt=today)),
        "answered": Count("pk", filter=Q(status=AppealStatus.ANSWERED)),
        "forwarded": Count("pk", filter=Q(status=AppealStatus.FORWARDED)),
        "left_unconsidered": Count("pk", filter=Q(status=AppealStatus.LEFT_UNCONSIDERED)),
    }


ROW_COUNTS = ("received", "in_work", "near_due", "overdue", "answered")


def _row(code: str, label: Any, values: dict[str, int]) -> DashboardRow:
    return DashboardRow(code=code, label=str(label), **{key: int(values.get(key, 0)) for key in ROW_COUNTS})


def appeal_dashboard(*, user: Any, unit: Unit | None = None, since: dt.date | None = None) -> Dashboard:
    """Counts for a unit's register (or every unit the user reads), in total and per channel and topic
    (received, in work, near the term, overdue, answered): one grouped query over the appeals (plus the
    user's grants), summed here."""
    from django.utils.translation import get_language

    if not access.signed_in(user):
        return Dashboard()
    qs = Appeal.objects.filter(dashboard_scope(user, unit))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if since is not None:
        qs = qs.filter(registered_at__gte=_day_start(since))
    counts = _counts(timezone.localdate())
    groups = (
        qs.order_by()
        .values("channel", "topic__code", "topic__name_az", "topic__name_en", "topic__name_ru")
        .annotate(**counts)
    )
    language = (get_language() or "az")[:2]
    totals: dict[str, int] = dict.fromkeys(counts, 0)
    channels: dict[str, dict[str, int]] = {}
    topics: dict[str, tuple[str, dict[str, int]]] = {}
    for row in groups:
        group: dict[str, Any] = dict(row)
        code = str(group["topic__code"] or "")
        name = str(group.get(f"topic__name_{language}") or group["topic__name_az"] or "")
        per_channel = channels.setdefault(group["channel"], dict.fromkeys(ROW_COUNTS, 0))
        per_topic = topics.setdefault(code, (name, dict.fromkeys(ROW_COUNTS, 0)))[1]
        for key in counts:
            value = int(group[key] or 0)
            totals[key] += value
            if key in ROW_COUNTS:
                per_channel[key] += value
                per_topic[key] += value
    channel_rows = [_row(c.value, c.label, channels[c.value]) for c in Channel if c.value in channels]
    topic_rows = sorted(
        (_row(code, name, values) for code, (name, values) in topics.items()),
        key=lambda row: (-row.received, row.code == "", row.code),
    )
    return Dashboard(**totals, channel_rows=channel_rows, topic_rows=topic_rows)


# --- "My work" ---------------------------------------------------------------------------------------------


def awaiting_resolution(*, user: Any, limit: int = 50) -> list[Appeal]:
    """Registered appeals nobody has routed yet, in the units where the user answers appeals."""
    from eprok.org.grants import unit_scope

    scope = unit_scope(user, Role.ANSWER_APPEALS, "unit") | unit_scope(
        user, Role.ANSWER_APPEALS, "escalated_to"
    )
    return list(
        Appeal.objects.filter(scope, status=AppealStatus.REGISTERED)
        .only("pk", "number", "forward_due", "answer_due", "registered_at")
        .order_by("forward_due", "pk")[:limit]
    )


def awaiting_approval(*, user: Any, limit: int = 50) -> list[Appeal]:
    """Open appeals whose drafted answer waits for approval by someone other than its drafter."""
    from eprok.appeals.models import AnswerStatus
    from eprok.org.grants import unit_scope

    scope = unit_scope(user, Role.ANSWER_APPEALS, "unit") | unit_scope(
        user, Role.ANSWER_APPEALS, "executor_unit"
    )
    return list(
        Appeal.objects.filter(scope, status__in=OPEN_STATUSES, answer__status=AnswerStatus.DRAFTED)
        .exclude(answer__drafted_by_id=getattr(user, "pk", None))
        .only("pk", "number", "answer_due")
        .order_by("answer_due", "pk")[:limit]
    )


# --- the reception log -------------------------------------------------------------------------------------


def reception_list(
    *, user: Any, unit: Unit | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[ReceptionEntry]:
    qs = access.receptions_visible_to(user)
    if unit is not None:
        qs = qs.filter(unit_id=unit.pk)
    if date_from:
        qs = qs.filter(received_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(received_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.select_related("unit", "official", "recorded_by").order_by("-received_at", "-pk")


# --- citizens: the portal's status page --------------------------------------------------------------------

# Compared when the number is unknown, so a wrong number costs the same as a wrong code.
_DUMMY_HASH = "0" * 64


def appeal_for_applicant(*, number: str, code: str) -> Appeal | None:
    """The appeal `number` if `code` is its access code; None on any mismatch (never says which part was
    wrong). The hashes are compared in constant time."""
    from eprok.appeals.services.registration import _hash_code

    number = "".join((number or "").split()).upper()[:40]
    candidate = _hash_code(code or "")
    appeal = (
        Appeal.objects.select_related("answer").filter(number=number).first() if number and code else None
    )
    stored = appeal.access_code_hash if appeal is not None and appeal.access_code_hash else _DUMMY_HASH
    matches = hmac.compare_digest(candidate.encode(), stored.encode())
    if appeal is None or not appeal.access_code_hash or not matches:
        return None
    return appeal


def appeals_of_applicant(*, phone: str = "", fin: str = "", limit: int = 10) -> list[Appeal]:
    """The latest appeals written with this phone number or FIN, for the call centre's card of a caller
    (which shows only their public status); newest first, at most `limit`."""
    match = Q(pk__in=[])
    if phone:
        match |= Q(applicant_phone=phone)
    if fin:
        match |= Q(applicant_fin=fin)
    return list(Appeal.objects.filter(match).select_related("answer").order_by("-received_at", "-pk")[:limit])


def appeal_public_status(appeal: Appeal) -> dict[str, Any]:
    """What a citizen may see: number, received date, status, the answer's due date, and the answer's
    text and outcome once sent (never the executor, the resolutions or anybody's name)."""
    answer = appeal_answer_of(appeal)
    sent = answer is not None and answer.is_sent
    forwarding = None
    if appeal.status == AppealStatus.FORWARDED:
        forwarding = appeal.forwardings.order_by("-sent_at").values("to_body", "sent_at").first()
    return {
        "number": appeal.number,
        "received_on": timezone.localtime(appeal.received_at).date(),
        "status": appeal.status,
        "status_label": appeal.status_label,
        "due_date": appeal.answer_due if appeal.is_open else None,
        "closed_on": timezone.localtime(appeal.closed_at).date() if appeal.closed_at else None,
        "outcome": appeal.outcome or "",
        "outcome_label": str(Outcome(appeal.outcome).label) if appeal.outcome else "",
        "unconsidered_ground": appeal.get_unconsidered_ground_display() if appeal.unconsidered_ground else "",
        "forwarded_to": forwarding["to_body"] if forwarding else "",
        "answer_text": answer.text if sent and answer is not None else "",
        "answered_on": timezone.localtime(answer.sent_at).date()
        if sent and answer and answer.sent_at
        else None,
    }
