"""Every write on supervised cases: entry by hand and receipt through the gateway, details, the supervisor,
suspension and resumption, the investigation term, the indictment and the prosecutor's decision on it,
termination, the prosecutor's acts and the body's answers, violations and the sweep that raises them.

Each service locks the case's row (optimistic version check, eprok.core.locking), checks the actor's right
through access.py, writes in one transaction, records one audit event whose target is the case (so the
card's history finds it), and re-indexes the case's running terms in eprok.core.calendar.tracking (the
investigation term, the decision on the indictment, each act's answer) so they show on "My work".
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.access import deny
from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import Deadline, Step, compute_deadline
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import lock_row
from eprok.core.models import DeadlineRule, DeadlineState, DeadlineUnit, TrackedDeadline
from eprok.criminal_code.references import InvalidReference, Reference, parse_reference
from eprok.org.grants import has_role
from eprok.org.models import Unit
from eprok.org.roles import Role
from eprok.stats.models import SubjectType
from eprok.stats.services import record as stats_record

from . import access
from .models import (
    ANSWERED_KINDS,
    OPEN_STATUSES,
    TRANSITIONS,
    ActKind,
    InvestigatingBody,
    Source,
    SupervisedCase,
    SupervisedStatus,
    SupervisoryAct,
    Violation,
    ViolationKind,
)
from .signals import indictment_approved

logger = logging.getLogger("eprok.supervision")

INVESTIGATION_RULE = "cpc.218.investigation.cat{category}"
INDICTMENT_RULE = "cpc.290.prosecutor_decision"
INVESTIGATION_KEY = "investigation"
INDICTMENT_KEY = "indictment"
LABELS: dict[str, Any] = {
    INVESTIGATION_KEY: _("Investigation term of a supervised case"),
    INDICTMENT_KEY: _("Prosecutor's decision on the indictment"),
    "act": _("Answer to the prosecutor's act"),
}
MAX_TEXT = 20_000
MAX_ARTICLES = 20
# A clock a few minutes ahead of the server's is not a moment "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
# An act's answer is due at the latest this long after it is issued.
MAX_ANSWER_DAYS = 90


def act_key(act_id: int) -> str:
    return f"act-{act_id}"


# --- values ---------------------------------------------------------------------------------------------


def _fail(field_name: str, message: Any, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field_name: str(message)})


def _text(value: Any, field_name: str, message: Any, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _fail(field_name, message)
    if len(text) > limit:
        raise _fail(field_name, _("The text is too long (at most %(count)d characters).") % {"count": limit})
    return text


def _limit(name: str, model: Any = SupervisedCase) -> int:
    return int(model._meta.get_field(name).max_length)


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(_aware(moment)).date()


def _moment(
    value: dt.datetime | None, field_name: str, *, not_before: dt.datetime | None = None
) -> dt.datetime:
    """A moment of an event: now when not given, never in the future, never before `not_before`."""
    moment = _aware(value) if value is not None else timezone.now()
    if moment > timezone.now() + CLOCK_SKEW:
        raise _fail(field_name, _("The moment cannot be in the future."))
    if not_before is not None and moment < not_before:
        raise _fail(
            field_name,
            _("The moment cannot be earlier than %(moment)s.")
            % {"moment": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")},
        )
    return moment


def _day(value: dt.date | None, field_name: str, *, not_before: dt.date | None = None) -> dt.date:
    day = value or timezone.localdate()
    if isinstance(day, dt.datetime):
        day = _local_day(day)
    if day > timezone.localdate():
        raise _fail(field_name, _("The date cannot be in the future."))
    if not_before is not None and day < not_before:
        raise _fail(
            field_name, _("The date cannot be earlier than %(date)s.") % {"date": not_before.isoformat()}
        )
    return day


def parse_articles(text: str, *, on: dt.date) -> list[Reference]:
    """ "177.2.3, 178.1" -> references checked against the Code in force on `on`; the first is the main."""
    parts = [part for part in str(text or "").replace(";", ",").replace(" ", ",").split(",") if part.strip()]
    if not parts:
        raise _fail("articles", _("Name at least one article of the Criminal Code."))
    if len(parts) > MAX_ARTICLES:
        raise _fail("articles", _("Name at most %(count)d articles.") % {"count": MAX_ARTICLES})
    references: list[Reference] = []
    seen: set[str] = set()
    for part in parts:
        try:
            reference = parse_reference(part.strip(), on=on)
        except InvalidReference as exc:
            raise ValidationFailed(
                exc.message, code=exc.code, details={"articles": str(exc.message)}
            ) from exc
        if str(reference) in seen:
            raise _fail(
                "articles", _("The article %(reference)s is named twice.") % {"reference": str(reference)}
            )
        seen.add(str(reference))
        references.append(reference)
    if references[0].article.category is None:
        raise _fail(
            "articles",
            _(
                "Article %(number)s has no gravity category in the catalogue, so it cannot be the main "
                "article."
            )
            % {"number": references[0].number},
        )
    if len(", ".join(seen)) > _limit("articles"):
        raise _fail("articles", _("The qualification is too long."))
    return references


@dataclass(frozen=True)
class CaseDetails:
    """What the investigating body reports about its case; the form, the API and the gateway fill it in."""

    number: str
    investigator_name: str
    opened_on: dt.date | None
    summary: str
    articles: str
    investigator_contact: str = ""
    accused: str = ""
    in_custody: bool = False
    custody_until: dt.datetime | None = None


@dataclass(frozen=True)
class _Checked:
    number: str
    investigator_name: str
    investigator_contact: str
    opened_on: dt.date
    summary: str
    articles: str
    main_article: str
    category: int
    accused: str
    in_custody: bool
    custody_until: dt.datetime | None

    def apply(self, case: SupervisedCase) -> None:
        for name in self.__dataclass_fields__:
            setattr(case, name, getattr(self, name))


def _check(details: CaseDetails) -> _Checked:
    number = _text(details.number, "number", _("Enter the case number."), limit=_limit("number"))
    investigator = _text(
        details.investigator_name,
        "investigator_name",
        _("Enter the investigator conducting the case."),
        limit=_limit("investigator_name"),
    )
    contact = _text(
        details.investigator_contact,
        "investigator_contact",
        "",
        required=False,
        limit=_limit("investigator_contact"),
    )
    if details.opened_on is None:
        raise _fail("opened_on", _("Enter the date the case was opened."))
    opened_on = _day(details.opened_on, "opened_on")
    summary = _text(details.summary, "summary", _("Describe the case in a few sentences."))
    references = parse_articles(details.articles, on=opened_on)
    custody_until = None
    if details.in_custody and details.custody_until is not None:
        custody_until = _aware(details.custody_until)
    category = references[0].article.category
    assert category is not None  # parse_articles refuses a main article without one
    return _Checked(
        number=number,
        investigator_name=investigator,
        investigator_contact=contact,
        opened_on=opened_on,
        summary=summary,
        articles=", ".join(str(reference) for reference in references),
        main_article=str(references[0]),
        category=int(category),
        accused=_text(details.accused, "accused", "", required=False),
        in_custody=bool(details.in_custody),
        custody_until=custody_until,
    )


def _check_body(body: InvestigatingBody | None) -> InvestigatingBody:
    if body is None or not body.is_active:
        raise _fail("body", _("Choose an active investigating body."))
    return body


def _check_supervisor(supervisor: Any, unit: Unit) -> None:
    if supervisor is None:
        return
    if not supervisor.is_active or not has_role(supervisor, Role.SUPERVISE, unit):
        raise _fail(
            "supervisor",
            _("Choose a prosecutor who holds the role “Supervise investigations” over the unit."),
        )


def _check_number_free(body: InvestigatingBody, number: str, *, exclude: int | None = None) -> None:
    rows = SupervisedCase.objects.filter(body=body, number=number)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    if rows.exists():
        raise _fail(
            "number",
            _("Case %(number)s of this body is already under supervision.") % {"number": number},
            code="duplicate_number",
        )


# --- the case row, its transitions and its audit --------------------------------------------------------


def _locked(case: SupervisedCase, expected_version: int | None) -> SupervisedCase:
    return lock_row(
        SupervisedCase.objects.select_related("body", "unit", "supervisor"), case.pk, expected_version
    )


def _move(case: SupervisedCase, to: str) -> None:
    if to not in TRANSITIONS.get(case.status, frozenset()):
        raise Conflict(
            _("A case that is “%(status)s” cannot become “%(target)s”.")
            % {"status": SupervisedStatus(case.status).label, "target": SupervisedStatus(to).label},
            code="transition_not_allowed",
            details={"status": case.status, "target": to},
        )
    case.status = to


def _save(case: SupervisedCase, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def snapshot(case: SupervisedCase) -> dict[str, Any]:
    return {
        "number": case.number,
        "status": case.status,
        "body": case.body.code if case.body_id else None,
        "unit": case.unit.code if case.unit_id else None,
        "supervisor": case.supervisor.get_username() if case.supervisor_id and case.supervisor else None,
        "investigator": case.investigator_name,
        "investigator_contact": case.investigator_contact or None,
        "opened_on": case.opened_on.isoformat() if case.opened_on else None,
        "articles": case.articles,
        "main_article": case.main_article or None,
        "category": case.category,
        "in_custody": case.in_custody,
        "custody_until": case.custody_until.isoformat() if case.custody_until else None,
        "investigation_due": case.investigation_due.isoformat() if case.investigation_due else None,
        "version": case.version,
    }


def _audit(
    actor: Any, action: str, case: SupervisedCase, before: dict[str, Any] | None = None, **data: Any
) -> None:
    changes = diff(before, snapshot(case)) if before is not None else None
    stats_record(SubjectType.SUPERVISED, case.pk)  # every change of a supervised case passes here
    audit_record(
        actor=actor,
        action=f"supervision.{action}",
        target=case,
        changes=changes or None,
        data={key: value for key, value in data.items() if value is not None} or None,
    )


# --- terms ----------------------------------------------------------------------------------------------


def _rule(code: str) -> DeadlineRule:
    return DeadlineRule.objects.get(code=code)


def investigation_due(opened_on: dt.date, category: int | None) -> dt.date | None:
    """The investigation term by the gravity category (CPC art. 218), counted from the opening."""
    if not category:
        return None
    try:
        rule = _rule(INVESTIGATION_RULE.format(category=category))
    except DeadlineRule.DoesNotExist:
        logger.warning("No deadline rule for category %s", category)
        return None
    return compute_deadline(rule, opened_on).due


def _fixed(rule_code: str, start: dt.date, due: dt.date) -> Deadline:
    """A term whose due date is stored on the row (computed once, extended by the prosecutor, or set)."""
    length = max((due - start).days, 0)
    steps = (Step("due", {"due": due}),)
    return Deadline(
        rule_code=rule_code,
        unit=DeadlineUnit.CALENDAR_DAYS,
        start=start,
        due=due,
        total_length=length,
        steps=steps,
    )


def running_terms(case: SupervisedCase) -> dict[str, tuple[Deadline, Any]]:
    running: dict[str, tuple[Deadline, Any]] = {}
    if case.status == SupervisedStatus.INVESTIGATION and case.investigation_due is not None:
        code = INVESTIGATION_RULE.format(category=case.category or 0)
        running[INVESTIGATION_KEY] = (
            _fixed(code, case.opened_on, case.investigation_due),
            LABELS[INVESTIGATION_KEY],
        )
    if case.status == SupervisedStatus.INDICTMENT and case.indictment_received_at is not None:
        try:
            deadline = compute_deadline(_rule(INDICTMENT_RULE), _local_day(case.indictment_received_at))
        except DeadlineRule.DoesNotExist:
            logger.warning("No deadline rule %s", INDICTMENT_RULE)
        else:
            running[INDICTMENT_KEY] = (deadline, LABELS[INDICTMENT_KEY])
    acts = SupervisoryAct.objects.filter(
        case=case, kind__in=ANSWERED_KINDS, answered_at__isnull=True, due_date__isnull=False
    )
    for act in acts:
        assert act.due_date is not None
        running[act_key(act.pk)] = (
            _fixed("supervision.act", _local_day(act.issued_at), act.due_date),
            LABELS["act"],
        )
    return running


def refresh_terms(case: SupervisedCase) -> None:
    """Index every running term of `case` for "My work" and the overdue lists; close the stopped ones."""
    running = running_terms(case)
    open_keys = set(
        TrackedDeadline.objects.filter(
            owner_type=tracking.owner_type_of(case), owner_id=case.pk, state=DeadlineState.OPEN
        ).values_list("key", flat=True)
    )
    for key in sorted(open_keys - set(running)):
        tracking.deadline_close(owner=case, key=key)
    url = case.get_absolute_url()
    for key, (deadline, label) in running.items():
        tracking.deadline_track(
            owner=case,
            key=key,
            deadline=deadline,
            unit=case.unit,
            responsible=case.supervisor,
            title=case.number,
            label=label,
            url=url,
        )


def recompute_open() -> int:
    """The recomputer of `eprok recompute_deadlines`: every case with a running term."""
    count = 0
    awaiting = SupervisoryAct.objects.filter(kind__in=ANSWERED_KINDS, answered_at__isnull=True).values(
        "case_id"
    )
    open_cases = SupervisedCase.objects.select_related("unit", "supervisor").filter(
        Q(status__in=OPEN_STATUSES) | Q(pk__in=awaiting)
    )
    for case in open_cases.order_by("pk"):
        with transaction.atomic():
            refresh_terms(case)
        count += 1
    return count


# --- entry: by hand and through the gateway --------------------------------------------------------------


def supervised_create(
    *,
    actor: Any,
    unit: Unit,
    body: InvestigatingBody | None,
    details: CaseDetails,
    supervisor: Any = None,
) -> SupervisedCase:
    """Enter by hand a case investigated by `body` under the supervision of `unit`."""
    if not access.can_create_in(actor, unit):
        deny(
            actor,
            action="supervision.case.create",
            target_type="org.unit",
            target_key=unit.code,
            visible=True,
        )
    body = _check_body(body)
    checked = _check(details)
    _check_supervisor(supervisor, unit)
    with transaction.atomic():
        _check_number_free(body, checked.number)
        case = SupervisedCase(
            body=body,
            unit=unit,
            supervisor=supervisor,
            source=Source.MANUAL,
            created_by=actor,
            investigation_due=investigation_due(checked.opened_on, checked.category),
        )
        checked.apply(case)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise _fail(
                "number",
                _("Case %(number)s of this body is already under supervision.") % {"number": checked.number},
            ) from None
        _audit(actor, "case.created", case, {}, source=Source.MANUAL)
        refresh_terms(case)
    return case


PAYLOAD_FIELDS = {
    "external_id",
    "number",
    "investigator_name",
    "investigator_contact",
    "opened_on",
    "summary",
    "articles",
    "accused",
    "in_custody",
    "custody_until",
    "unit",
}


def _payload_details(payload: dict[str, Any]) -> tuple[str, CaseDetails, str]:
    if not isinstance(payload, dict):
        raise ValidationFailed(_("The message is not an object."), code="invalid_payload")
    unknown = sorted(set(payload) - PAYLOAD_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("The message has fields this service does not know: %(fields)s.")
            % {"fields": ", ".join(unknown)},
            code="invalid_payload",
            details={"fields": unknown},
        )
    strings = {}
    for name in PAYLOAD_FIELDS - {"in_custody"}:
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            raise _fail(name, _("Expected text."))
        strings[name] = (value or "").strip()
    external_id = strings["external_id"]
    if not external_id:
        raise _fail("external_id", _("The message must carry the case's identifier in the body's system."))
    if len(external_id) > _limit("external_id"):
        raise _fail("external_id", _("The identifier is too long."))
    opened_on = None
    if strings["opened_on"]:
        try:
            opened_on = dt.date.fromisoformat(strings["opened_on"])
        except ValueError:
            raise _fail("opened_on", _("Enter the date as YYYY-MM-DD.")) from None
    custody_until = None
    if strings["custody_until"]:
        try:
            custody_until = dt.datetime.fromisoformat(strings["custody_until"])
        except ValueError:
            raise _fail("custody_until", _("Enter the moment as YYYY-MM-DDTHH:MM.")) from None
    in_custody = payload.get("in_custody", False)
    if not isinstance(in_custody, bool):
        raise _fail("in_custody", _("Expected true or false."))
    details = CaseDetails(
        number=strings["number"],
        investigator_name=strings["investigator_name"],
        investigator_contact=strings["investigator_contact"],
        opened_on=opened_on,
        summary=strings["summary"],
        articles=strings["articles"],
        accused=strings["accused"],
        in_custody=in_custody,
        custody_until=custody_until,
    )
    return external_id, details, strings["unit"]


def _receiving_unit(body: InvestigatingBody, code: str) -> Unit:
    """The prosecutor's office that supervises the body's case: the one named, else the body's district's."""
    if code:
        unit = Unit.objects.filter(code=code, is_active=True).first()
        if unit is None:
            raise _fail("unit", _("There is no unit with this code."))
        return unit
    unit = (
        Unit.objects.filter(district_code=body.district, is_active=True).order_by("path").first()
        if body.district
        else None
    )
    if unit is None:
        raise _fail(
            "unit", _("Name the supervising prosecutor's office: the body has no district of its own.")
        )
    return unit


def supervised_receive(*, body: InvestigatingBody, payload: dict[str, Any]) -> tuple[SupervisedCase, bool]:
    """Register (or update) a case the investigating `body` sent through the gateway; (case, created).

    `payload` is the message's JSON object:

        {"external_id": "DIN-2026-000123",     # required: the case's identifier in the body's system
         "number": "261234567",                 # required: the case number
         "investigator_name": "...",            # required
         "investigator_contact": "...",         # optional
         "opened_on": "2026-05-04",             # required: ISO date, not in the future
         "summary": "...",                      # required
         "articles": "177.2.3, 178.1",          # required: the first is the main article
         "accused": "...",                      # optional
         "in_custody": false,                   # optional
         "custody_until": "2026-06-04T10:00",   # optional: ISO moment (local time if no offset)
         "unit": "baku-xetai"}                  # optional: the supervising office (default: the district's)

    Idempotent on (body, external_id): a repeated message returns the existing case (created False) and
    writes nothing; a message with changed fields updates them (the unit and the supervisor stay). A case of
    the same number entered by hand before is linked to the identifier rather than duplicated. Raises
    ValidationFailed (with `details` naming the field) on a bad payload, Conflict on an inactive body.
    """
    if not body.is_active:
        raise Conflict(_("The investigating body is not active."), code="body_inactive")
    external_id, details, unit_code = _payload_details(payload)
    checked = _check(details)
    with transaction.atomic():
        existing = SupervisedCase.objects.filter(body=body, external_id=external_id).first()
        if existing is None:
            existing = SupervisedCase.objects.filter(body=body, number=checked.number).first()
            if existing is not None and existing.external_id:  # another case of the body bears the number
                _check_number_free(body, checked.number)
        if existing is None:
            unit = _receiving_unit(body, unit_code)
            case = SupervisedCase(
                body=body,
                unit=unit,
                source=Source.GATEWAY,
                external_id=external_id,
                investigation_due=investigation_due(checked.opened_on, checked.category),
            )
            checked.apply(case)
            try:
                with transaction.atomic():
                    case.save()
            except IntegrityError:  # a concurrent delivery of the same message won the race
                row = SupervisedCase.objects.filter(body=body, external_id=external_id).first()
                if row is None:
                    raise
                return row, False
            _audit(None, "case.received", case, {}, source=Source.GATEWAY, external_id=external_id)
            refresh_terms(case)
            return case, True
        case = _locked(existing, None)
        before = snapshot(case)
        changed = [
            name for name in checked.__dataclass_fields__ if getattr(case, name) != getattr(checked, name)
        ]
        if case.external_id != external_id and not case.external_id:
            case.external_id = external_id
            changed.append("external_id")
        if not changed:
            return case, False
        if checked.number != case.number:
            _check_number_free(body, checked.number, exclude=case.pk)
        recompute = {"opened_on", "category"} & set(changed)
        checked.apply(case)
        if recompute:
            case.investigation_due = investigation_due(case.opened_on, case.category)
            changed.append("investigation_due")
        _save(case, *changed)
        _audit(None, "case.updated", case, before, source=Source.GATEWAY, external_id=external_id)
        refresh_terms(case)
        return case, False


def supervised_update(
    *, actor: Any, case: SupervisedCase, details: CaseDetails, expected_version: int | None = None
) -> SupervisedCase:
    """Correct the case's details; a new opening date or gravity category recomputes the term."""
    access.require(actor, case, "act")
    checked = _check(details)
    with transaction.atomic():
        case = _locked(case, expected_version)
        before = snapshot(case)
        if checked.number != case.number:
            _check_number_free(case.body, checked.number, exclude=case.pk)
        recompute = case.opened_on != checked.opened_on or case.category != checked.category
        checked.apply(case)
        if recompute:
            case.investigation_due = investigation_due(case.opened_on, case.category)
        _save(case, *checked.__dataclass_fields__, "investigation_due")
        _audit(actor, "case.changed", case, before)
        refresh_terms(case)
    return case


def supervised_assign(
    *, actor: Any, case: SupervisedCase, supervisor: Any, expected_version: int | None = None
) -> SupervisedCase:
    """Name the supervising prosecutor (who then answers for the case's terms on "My work")."""
    access.require(actor, case, "act")
    if supervisor is None:
        raise _fail("supervisor", _("Choose the supervising prosecutor."))
    _check_supervisor(supervisor, case.unit)
    with transaction.atomic():
        case = _locked(case, expected_version)
        before = snapshot(case)
        case.supervisor = supervisor
        _save(case, "supervisor")
        _audit(actor, "case.supervisor_assigned", case, before)
        refresh_terms(case)
    return case


def supervised_suspend(
    *, actor: Any, case: SupervisedCase, reason: str, expected_version: int | None = None
) -> SupervisedCase:
    """Record the body's decision to suspend the investigation; its term stops running."""
    access.require(actor, case, "act")
    reason = _text(reason, "reason", _("Give the ground of the suspension."))
    with transaction.atomic():
        case = _locked(case, expected_version)
        before = snapshot(case)
        _move(case, SupervisedStatus.SUSPENDED)
        _save(case, "status")
        _audit(actor, "case.suspended", case, before, reason=reason)
        refresh_terms(case)
    return case


def supervised_resume(
    *, actor: Any, case: SupervisedCase, reason: str, expected_version: int | None = None
) -> SupervisedCase:
    """Resume a suspended investigation, or reopen a terminated one (a protest upheld)."""
    access.require(actor, case, "act")
    reason = _text(reason, "reason", _("Give the ground of the resumption."))
    with transaction.atomic():
        case = _locked(case, expected_version)
        if case.status not in (SupervisedStatus.SUSPENDED, SupervisedStatus.TERMINATED):
            raise Conflict(
                _("Only a suspended or terminated case can be resumed; this one is “%(status)s”.")
                % {"status": SupervisedStatus(case.status).label},
                code="transition_not_allowed",
                details={"status": case.status, "target": SupervisedStatus.INVESTIGATION},
            )
        before = snapshot(case)
        _move(case, SupervisedStatus.INVESTIGATION)
        case.closed_at = None
        _save(case, "status", "closed_at")
        _audit(actor, "case.resumed", case, before, reason=reason)
        refresh_terms(case)
    return case


def term_extend(
    *, actor: Any, case: SupervisedCase, due: dt.date | None, reason: str, expected_version: int | None = None
) -> SupervisedCase:
    """Extend the investigation term to `due` (CPC art. 218: by the supervising prosecutor)."""
    access.require(actor, case, "act")
    reason = _text(reason, "reason", _("Give the ground of the extension."))
    if due is None:
        raise _fail("due", _("Enter the new due date."))
    with transaction.atomic():
        case = _locked(case, expected_version)
        if case.status not in (SupervisedStatus.INVESTIGATION, SupervisedStatus.SUSPENDED):
            raise Conflict(
                _("The investigation term of a case that is “%(status)s” cannot be extended.")
                % {"status": SupervisedStatus(case.status).label},
                code="case_closed",
            )
        if case.investigation_due is not None and due <= case.investigation_due:
            raise _fail(
                "due", _("The new due date must be later than %(date)s.") % {"date": case.investigation_due}
            )
        before = snapshot(case)
        case.investigation_due = due
        _save(case, "investigation_due")
        _audit(actor, "case.term_extended", case, before, reason=reason)
        refresh_terms(case)
    return case


def supervised_terminate(
    *, actor: Any, case: SupervisedCase, reason: str, expected_version: int | None = None
) -> SupervisedCase:
    """Record the body's decision to terminate the case (the prosecutor may protest it)."""
    access.require(actor, case, "act")
    reason = _text(reason, "reason", _("Give the ground of the termination."))
    with transaction.atomic():
        case = _locked(case, expected_version)
        before = snapshot(case)
        _move(case, SupervisedStatus.TERMINATED)
        case.closed_at = timezone.now()
        _save(case, "status", "closed_at")
        _audit(actor, "case.terminated", case, before, reason=reason)
        refresh_terms(case)
    return case


# --- the indictment ---------------------------------------------------------------------------------------


def indictment_receive(
    *,
    actor: Any,
    case: SupervisedCase,
    received_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> SupervisedCase:
    """The body sends the case with its indictment: the prosecutor's 5-day decision term starts (CPC 290)."""
    access.require(actor, case, "act")
    with transaction.atomic():
        case = _locked(case, expected_version)
        moment = _moment(
            received_at,
            "received_at",
            not_before=timezone.make_aware(dt.datetime.combine(case.opened_on, dt.time.min)),
        )
        before = snapshot(case)
        _move(case, SupervisedStatus.INDICTMENT)
        case.indictment_received_at = moment
        _save(case, "status", "indictment_received_at")
        _audit(actor, "case.indictment_received", case, before, received_at=moment.isoformat())
        refresh_terms(case)
    return case


def _decision_act(case: SupervisedCase, *, kind: str, text: str, actor: Any) -> SupervisoryAct:
    return SupervisoryAct.objects.create(
        case=case, kind=kind, text=text, author=actor, issued_at=timezone.now()
    )


def indictment_approve(
    *, actor: Any, case: SupervisedCase, note: str = "", expected_version: int | None = None
) -> SupervisedCase:
    """Approve the indictment: the case goes to court; `signals.indictment_approved` is sent with it."""
    access.require(actor, case, "decide")
    note = _text(note, "note", "", required=False) or str(
        _("The indictment is approved; the case is sent to court.")
    )
    with transaction.atomic():
        case = _locked(case, expected_version)
        before = snapshot(case)
        _move(case, SupervisedStatus.SENT_TO_COURT)
        case.closed_at = timezone.now()
        _save(case, "status", "closed_at")
        act = _decision_act(case, kind=ActKind.INDICTMENT_APPROVED, text=note, actor=actor)
        _audit(actor, "case.indictment_approved", case, before, act=act.pk)
        refresh_terms(case)
        indictment_approved.send(sender=SupervisedCase, case=case, actor=actor)
    return case


def indictment_return(
    *, actor: Any, case: SupervisedCase, reason: str, expected_version: int | None = None
) -> SupervisedCase:
    """Return the case to the body for further investigation, with the reasons (CPC art. 290.3)."""
    access.require(actor, case, "decide")
    reason = _text(reason, "reason", _("Give the reasons for returning the case."))
    with transaction.atomic():
        case = _locked(case, expected_version)
        before = snapshot(case)
        _move(case, SupervisedStatus.INVESTIGATION)
        case.indictment_received_at = None
        _save(case, "status", "indictment_received_at")
        act = _decision_act(case, kind=ActKind.INDICTMENT_RETURNED, text=reason, actor=actor)
        _audit(actor, "case.indictment_returned", case, before, act=act.pk)
        refresh_terms(case)
    return case


def supervised_return_from_court(*, case: SupervisedCase, grounds: str, actor: Any = None) -> SupervisedCase:
    """The court returned the case for additional investigation (CPC art. 297): it is under investigation
    again. Called by the court work app when it records the court's decision; `actor` is the employee who
    recorded it when they may act on the supervised case, else None (the court's own message)."""
    grounds = _text(grounds, "grounds", _("Give the ground of the return."))
    with transaction.atomic():
        case = _locked(case, None)
        if case.status == SupervisedStatus.INVESTIGATION:
            return case  # recorded already (a repeated message of the court)
        before = snapshot(case)
        _move(case, SupervisedStatus.INVESTIGATION)
        case.closed_at = None
        case.indictment_received_at = None
        _save(case, "status", "closed_at", "indictment_received_at")
        _audit(actor, "case.returned_by_court", case, before, reason=grounds)
        refresh_terms(case)
    return case


# --- the prosecutor's acts and the body's answers --------------------------------------------------------


def act_issue(
    *, actor: Any, case: SupervisedCase, kind: str, text: str, due_date: dt.date | None
) -> SupervisoryAct:
    """Issue an instruction, a demand or a protest to the body; its answer is due on `due_date`."""
    access.require(actor, case, "act")
    if kind not in ANSWERED_KINDS:
        raise _fail("kind", _("Choose an instruction, a demand or a protest."))
    text = _text(text, "text", _("Write the text of the act."))
    today = timezone.localdate()
    if due_date is None:
        raise _fail("due_date", _("Enter the date the answer is due."))
    if due_date < today:
        raise _fail("due_date", _("The answer cannot be due in the past."))
    if due_date > today + dt.timedelta(days=MAX_ANSWER_DAYS):
        raise _fail("due_date", _("The answer must be due within %(days)d days.") % {"days": MAX_ANSWER_DAYS})
    with transaction.atomic():
        case = _locked(case, None)
        act = SupervisoryAct.objects.create(
            case=case, kind=kind, text=text, due_date=due_date, author=actor, issued_at=timezone.now()
        )
        _audit(actor, "act.issued", case, act=act.pk, kind=kind, due_date=due_date.isoformat())
        refresh_terms(case)
    return act


def act_answer(
    *, actor: Any, act: SupervisoryAct, answer: str, accepted: bool, answered_at: dt.datetime | None = None
) -> SupervisoryAct:
    """Record the body's answer to an act and whether the prosecutor accepts it; its term stops."""
    access.require(actor, act.case, "act")
    answer = _text(answer, "answer", _("Write the body's answer."))
    with transaction.atomic():
        case = _locked(act.case, None)
        act = SupervisoryAct.objects.select_for_update().get(pk=act.pk)
        if not act.awaits_answer:
            raise Conflict(_("This act has no answer to record, or it is recorded already."), code="answered")
        moment = _moment(answered_at, "answered_at", not_before=act.issued_at)
        act.answer = answer
        act.answered_at = moment
        act.answer_accepted = bool(accepted)
        act.save(update_fields=["answer", "answered_at", "answer_accepted", "updated_at"])
        _audit(actor, "act.answered", case, act=act.pk, accepted=bool(accepted), late=act.answered_late)
        refresh_terms(case)
    return act


# --- violations -------------------------------------------------------------------------------------------


def violation_record(
    *,
    actor: Any,
    case: SupervisedCase,
    kind: str,
    description: str,
    found_on: dt.date | None = None,
    act: SupervisoryAct | None = None,
) -> Violation:
    """Record a violation of law found in the investigation (an unlawful detention, a right denied, ...)."""
    access.require(actor, case, "act")
    if kind not in ViolationKind.values:
        raise _fail("kind", _("Choose the kind of violation."))
    description = _text(description, "description", _("Describe the violation."))
    found_on = _day(found_on, "found_on", not_before=case.opened_on)
    if act is not None and act.case_id != case.pk:
        raise _fail("act", _("The act belongs to another case."))
    with transaction.atomic():
        violation = Violation.objects.create(
            case=case, kind=kind, description=description, found_on=found_on, recorded_by=actor, act=act
        )
        _audit(actor, "violation.recorded", case, violation=violation.pk, kind=kind)
    return violation


def violation_remedy(*, actor: Any, violation: Violation, remedied_on: dt.date | None = None) -> Violation:
    """Mark a violation remedied (the body restored the right, released the person, answered the act)."""
    access.require(actor, violation.case, "act")
    remedied_on = _day(remedied_on, "remedied_on", not_before=violation.found_on)
    with transaction.atomic():
        violation = Violation.objects.select_for_update().get(pk=violation.pk)
        if violation.remedied_on is not None:
            raise Conflict(_("The violation is already marked remedied."), code="remedied")
        violation.remedied_on = remedied_on
        violation.save(update_fields=["remedied_on", "updated_at"])
        _audit(
            actor,
            "violation.remedied",
            violation.case,
            violation=violation.pk,
            remedied_on=remedied_on.isoformat(),
        )
    return violation


@dataclass
class SweepReport:
    raised: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.raised.values())


def _raise(
    case: SupervisedCase, *, kind: str, key: str, description: str, today: dt.date, act: Any = None
) -> bool:
    if Violation.objects.filter(case=case, key=key).exists():
        return False
    try:
        with transaction.atomic():
            violation = Violation.objects.create(
                case=case,
                kind=kind,
                key=key,
                description=description,
                found_on=today,
                automatic=True,
                act=act,
            )
    except IntegrityError:  # a concurrent sweep raised it first
        return False
    audit_record(
        actor=None,
        action="supervision.violation.raised",
        target=case,
        data={"violation": violation.pk, "kind": kind, "key": key},
    )
    return True


def supervision_sweep(*, today: dt.date | None = None) -> SweepReport:
    """Raise the automatic violations once each: an investigation term passed while the case is still under
    investigation ("term:<due>"), a custody term passed while the person is in custody ("custody:<moment>"),
    an act unanswered after its due date ("act:<id>"). Rerunnable: a key raised once is never raised again."""
    from django.utils import translation

    today = today or timezone.localdate()
    now = timezone.now()
    report = SweepReport()

    def count(kind: str) -> None:
        report.raised[kind] = report.raised.get(kind, 0) + 1

    # Descriptions are stored in the service's language (Azerbaijani), as the prosecutor would write them.
    with translation.override("az"):
        overdue = SupervisedCase.objects.filter(
            status=SupervisedStatus.INVESTIGATION, investigation_due__lt=today
        ).order_by("pk")
        for case in overdue:
            assert case.investigation_due is not None
            due = case.investigation_due.isoformat()
            description = str(
                _("The investigation term ran out on %(date)s and the case is still under investigation.")
            ) % {"date": due}
            if _raise(
                case, kind=ViolationKind.MISSED_TERM, key=f"term:{due}", description=description, today=today
            ):
                count(ViolationKind.MISSED_TERM)
        held = SupervisedCase.objects.filter(in_custody=True, custody_until__lt=now).order_by("pk")
        for case in held:
            assert case.custody_until is not None
            moment = timezone.localtime(case.custody_until)
            description = str(_("The custody term ran out at %(moment)s and the person is still held.")) % {
                "moment": moment.strftime("%Y-%m-%d %H:%M")
            }
            key = f"custody:{moment.strftime('%Y-%m-%dT%H:%M')}"
            if _raise(case, kind=ViolationKind.CUSTODY_TERM, key=key, description=description, today=today):
                count(ViolationKind.CUSTODY_TERM)
        unanswered = (
            SupervisoryAct.objects.filter(
                kind__in=ANSWERED_KINDS, answered_at__isnull=True, due_date__lt=today
            )
            .select_related("case")
            .order_by("pk")
        )
        for act in unanswered:
            assert act.due_date is not None
            description = str(_("The %(act)s of %(issued)s was not answered by %(due)s.")) % {
                "act": ActKind(act.kind).label.lower(),
                "issued": timezone.localtime(act.issued_at).date().isoformat(),
                "due": act.due_date.isoformat(),
            }
            if _raise(
                act.case,
                kind=ViolationKind.UNANSWERED,
                key=f"act:{act.pk}",
                description=description,
                today=today,
                act=act,
            ):
                count(ViolationKind.UNANSWERED)
    return report


# --- reads that are audited -------------------------------------------------------------------------------


def case_record_view(*, actor: Any, case: SupervisedCase, purpose: str) -> None:
    """A read of the case (its card, the API) is audited: it names suspects and the accused."""
    audit_record(actor=actor, action="supervision.case.viewed", target=case, purpose=purpose)


def cases_record_listed(*, actor: Any, numbers: list[str], purpose: str) -> None:
    """A list of cases shown: which ones, and why."""
    if not numbers:
        return
    audit_record(
        actor=actor,
        action="supervision.case.listed",
        target_type=access.TARGET_TYPE,
        purpose=purpose,
        data={"numbers": list(numbers)[:200], "count": len(numbers)},
    )
