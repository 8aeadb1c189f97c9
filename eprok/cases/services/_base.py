"""The shared write path of the case services: the row lock and version check, the transition table,
validation of texts and dates, the procedural acts the system writes itself, audit and notifications."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import lock_row
from eprok.criminal_code.references import InvalidReference, Reference, parse_reference
from eprok.org.grants import has_role
from eprok.org.roles import Role
from eprok.search.services import index_later
from eprok.stats.models import SubjectType
from eprok.stats.services import record as stats_record

from ..models import (
    OPEN_STATUSES,
    TRANSITIONS,
    ActKind,
    Case,
    CaseParty,
    CaseStatus,
    ProceduralAct,
    Qualification,
)

# A clock a few minutes ahead of the server's is not a moment "in the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_TEXT = 20_000
MAX_ARTICLES = 20
_ARTICLE_SPLIT = re.compile(r"[,;\s]+")


# --- the case row ---------------------------------------------------------------------------------------


def locked(case: Case, expected_version: int | None) -> Case:
    """The case's row, locked until commit; Conflict when the caller saw an older version."""
    rows = Case.objects.select_related("unit", "investigator", "supervisor", "joined_into")
    return lock_row(rows, case.pk, expected_version)


def move(case: Case, to: str) -> None:
    """Set the new status of a locked row if the TRANSITIONS table allows it; Conflict otherwise."""
    if to not in TRANSITIONS.get(case.status, frozenset()):
        raise Conflict(
            _("A case that is “%(status)s” cannot become “%(target)s”.")
            % {"status": CaseStatus(case.status).label, "target": CaseStatus(to).label},
            code="transition_not_allowed",
            details={"status": case.status, "target": to},
        )
    case.status = to


def require_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise Conflict(
            _("The case is “%(status)s”; the investigation can no longer be changed.")
            % {"status": CaseStatus(case.status).label},
            code="case_closed",
            details={"status": case.status},
        )


def save(case: Case, *fields: str) -> None:
    """Save the changed fields and bump the version (the row is locked, so +1 is safe)."""
    case.version += 1
    case.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def snapshot(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "unit": case.unit.code if case.unit_id and case.unit else None,
        "investigator": case.investigator.get_username()
        if case.investigator_id and case.investigator
        else None,
        "supervisor": case.supervisor.get_username() if case.supervisor_id and case.supervisor else None,
        "articles": case.articles or None,
        "main_article": case.main_article or None,
        "category": case.category,
        "investigation_due": case.investigation_due.isoformat() if case.investigation_due else None,
        "referred_to": case.referred_to or None,
        "joined_into": case.joined_into.number if case.joined_into_id and case.joined_into else None,
        "termination_ground": case.termination_ground or None,
        "version": case.version,
    }


def audit(
    actor: Any,
    entity: str,
    verb: str,
    case: Case,
    before: dict[str, Any] | None = None,
    *,
    data: dict[str, Any] | None = None,
) -> None:
    """One event "cases.<entity>.<verb>" whose target is the case, so the case's history finds it."""
    changes = diff(before, snapshot(case)) if before is not None else None
    index_later("cases.case", case.pk)  # every change of a case passes here
    stats_record(SubjectType.CASE, case.pk)  # and its statistical cards follow it
    audit_record(
        actor=actor, action=f"cases.{entity}.{verb}", target=case, changes=changes or None, data=data
    )


def author_of(actor: Any, case: Case) -> Any:
    """Who signs a row the system writes: the actor, or for system work the investigator in charge."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor
    return case.investigator or case.opened_by


# --- values ---------------------------------------------------------------------------------------------


def require_text(value: str | None, field: str, message: Any, *, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, details={field: str(message)})
    if len(text) > max_length:
        too_long = _("The text is too long (at most %(count)d characters).") % {"count": max_length}
        raise ValidationFailed(too_long, details={field: str(too_long)})
    return text


def optional_text(value: str | None, field: str, *, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        too_long = _("The text is too long (at most %(count)d characters).") % {"count": max_length}
        raise ValidationFailed(too_long, details={field: str(too_long)})
    return text


def aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(aware(moment)).date()


def check_moment(
    value: dt.datetime | None, field: str, *, not_before: dt.datetime | None = None
) -> dt.datetime:
    """A moment of an event: now when not given, never in the future, never before `not_before`."""
    moment = aware(value) if value is not None else timezone.now()
    if moment > timezone.now() + CLOCK_SKEW:
        message: Any = _("The moment cannot be in the future.")
        raise ValidationFailed(message, details={field: str(message)})
    if not_before is not None and moment < not_before:
        message = _("The moment cannot be earlier than %(moment)s.") % {
            "moment": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")
        }
        raise ValidationFailed(message, details={field: str(message)})
    return moment


def check_day(value: dt.date | None, case: Case, field: str, *, not_before: dt.date | None = None) -> dt.date:
    """The date of an act of the case: today when not given, not in the future, not before the opening."""
    day = value or timezone.localdate()
    if isinstance(day, dt.datetime):
        day = local_day(day)
    if day > timezone.localdate():
        message: Any = _("The date cannot be in the future.")
        raise ValidationFailed(message, details={field: str(message)})
    earliest = max(local_day(case.opened_at), not_before) if not_before else local_day(case.opened_at)
    if day < earliest:
        message = _("The date cannot be earlier than %(date)s.") % {"date": earliest.isoformat()}
        raise ValidationFailed(message, details={field: str(message)})
    return day


def moment_of(day: dt.date) -> dt.datetime:
    """Now for today, otherwise the start of that day (for rows stamped with a moment)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- qualification --------------------------------------------------------------------------------------


def split_articles(text: str | Iterable[str] | None) -> list[str]:
    """ "177.2.3; 178.1" or ["177.2.3", "178.1"] -> ["177.2.3", "178.1"]."""
    if text is None:
        return []
    if isinstance(text, str):
        return [token for token in _ARTICLE_SPLIT.split(text.strip()) if token]
    tokens: list[str] = []
    for item in text:
        tokens.extend(split_articles(str(item)))
    return tokens


def parse_articles(
    articles: str | Iterable[str] | None, *, on: dt.date, field: str = "articles"
) -> list[Reference]:
    """Each reference checked against the Code in force on `on`; the first is the main article."""
    texts = split_articles(articles)
    if not texts:
        message: Any = _("Name at least one article of the Criminal Code.")
        raise ValidationFailed(message, details={field: str(message)})
    if len(texts) > MAX_ARTICLES:
        message = _("Name at most %(count)d articles.") % {"count": MAX_ARTICLES}
        raise ValidationFailed(message, details={field: str(message)})
    references: list[Reference] = []
    seen: set[str] = set()
    for text in texts:
        try:
            reference = parse_reference(text, on=on)
        except InvalidReference as exc:
            raise ValidationFailed(exc.message, code=exc.code, details={field: str(exc.message)}) from exc
        if len(str(reference)) > Qualification._meta.get_field("reference").max_length:  # type: ignore[operator]
            message = _("The reference %(reference)s is too long.") % {"reference": text[:40]}
            raise ValidationFailed(message, details={field: str(message)})
        if str(reference) in seen:
            message = _("The article %(reference)s is named twice.") % {"reference": str(reference)}
            raise ValidationFailed(message, details={field: str(message)})
        seen.add(str(reference))
        references.append(reference)
    if references[0].article.category is None:
        message = _(
            "Article %(number)s has no gravity category in the catalogue, so it cannot be the main article."
        ) % {"number": references[0].number}
        raise ValidationFailed(message, details={field: str(message)})
    return references


def articles_text(references: Iterable[str]) -> str:
    text = ", ".join(references)
    return text[: Case._meta.get_field("articles").max_length]


# --- people ---------------------------------------------------------------------------------------------


def check_employee(employee: Any, role: str, unit: Any, field: str) -> None:
    if employee is None or not employee.is_active or not has_role(employee, role, unit):
        if role == Role.SUPERVISE:
            message: Any = _(
                "Choose a prosecutor who holds the role “Supervise investigations” over the unit."
            )
        else:
            message = _("Choose an employee who holds the role “Investigate” over the unit.")
        raise ValidationFailed(message, details={field: str(message)})


# --- acts the system writes on transitions --------------------------------------------------------------


def write_act(
    case: Case,
    *,
    kind: str,
    title: Any,
    act_date: dt.date,
    author: Any,
    event: str,
    body: str = "",
    party: CaseParty | None = None,
) -> ProceduralAct:
    return ProceduralAct.objects.create(
        case=case,
        kind=kind,
        title=str(title)[:300],
        act_date=act_date,
        body=body,
        party=party,
        author=author,
        event=event,
    )


def decision(
    case: Case, *, title: Any, act_date: dt.date, author: Any, event: str, body: str = ""
) -> ProceduralAct:
    return write_act(
        case, kind=ActKind.DECISION, title=title, act_date=act_date, author=author, event=event, body=body
    )


# --- notifications --------------------------------------------------------------------------------------


def notify(recipient: Any, *, title: Any, case: Case, actor: Any, **params: Any) -> None:
    """Tell `recipient` (in their language) about the case once the transaction has committed."""
    if recipient is None or (actor is not None and getattr(actor, "pk", None) == recipient.pk):
        return
    from eprok.notifications.services import notification_send

    with translation.override(getattr(recipient, "preferred_language", "") or "az"):
        text = str(title) % params if params else str(title)
    url = case.get_absolute_url()
    transaction.on_commit(lambda: notification_send(recipient=recipient, title=text, url=url, actor=None))
