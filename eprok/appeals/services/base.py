"""The one write path for an appeal's row: locking, the version check, the transition table, the audit,
notifications to staff and outbound messages to the applicant (both after commit)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eprok.appeals.models import TRANSITIONS, Appeal, AppealStatus
from eprok.audit.services import audit_record, diff
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.locking import lock_row
from eprok.search.services import index_later

logger = logging.getLogger("eprok.appeals")

MAX_TEXT = 50_000


def _locked(appeal: Appeal, expected_version: int | None) -> Appeal:
    """The appeal's row, locked until commit; Conflict when the caller saw an older version."""
    rows = Appeal.objects.select_related(
        "unit",
        "executor_unit",
        "executor",
        "escalated_to",
        "complained_unit",
        "complained_official",
        "topic",
        "concerned_body",
        "forwarded_to_unit",
    )
    return lock_row(rows, appeal.pk, expected_version)


def _move(appeal: Appeal, to: str) -> None:
    """Set the new status of a locked row if the TRANSITIONS table allows it; Conflict otherwise."""
    if to not in TRANSITIONS.get(appeal.status, frozenset()):
        raise Conflict(
            _("An appeal that is “%(status)s” cannot become “%(target)s”.")
            % {"status": AppealStatus(appeal.status).label, "target": AppealStatus(to).label},
            code="transition_not_allowed",
            details={"status": appeal.status, "target": to},
        )
    appeal.status = to


def _require_open(appeal: Appeal) -> None:
    if not appeal.is_open:
        raise Conflict(
            _("The appeal is closed (“%(status)s”); it can no longer be changed.")
            % {"status": AppealStatus(appeal.status).label},
            code="appeal_closed",
        )


def _save(appeal: Appeal, *fields: str) -> None:
    """Save the changed fields and bump the version (the row is locked, so +1 is safe)."""
    appeal.version += 1
    appeal.save(update_fields=[*fields, "version", "updated_at"])


def _code(obj: Any, attr: str) -> str | None:
    return getattr(obj, attr) if obj is not None else None


def _snapshot(appeal: Appeal) -> dict[str, Any]:
    return {
        "status": appeal.status,
        "topic": _code(appeal.topic, "code") if appeal.topic_id else None,
        "concerned_body": _code(appeal.concerned_body, "code") if appeal.concerned_body_id else None,
        "complained_unit": _code(appeal.complained_unit, "code") if appeal.complained_unit_id else None,
        "complained_official": (
            appeal.complained_official.get_username()
            if appeal.complained_official_id and appeal.complained_official
            else None
        ),
        "complained_text": appeal.complained_text or None,
        "executor_unit": _code(appeal.executor_unit, "code") if appeal.executor_unit_id else None,
        "executor": appeal.executor.get_username() if appeal.executor_id and appeal.executor else None,
        "answer_rule": appeal.answer_rule,
        "answer_due": appeal.answer_due.isoformat() if appeal.answer_due else None,
        "forward_due": appeal.forward_due.isoformat() if appeal.forward_due else None,
        "outcome": appeal.outcome or None,
        "unconsidered_ground": appeal.unconsidered_ground or None,
        "escalation": appeal.escalation or None,
        "escalated_to": _code(appeal.escalated_to, "code") if appeal.escalated_to_id else None,
        "forwarded_to_unit": (
            _code(appeal.forwarded_to_unit, "code") if appeal.forwarded_to_unit_id else None
        ),
        "repeat_of": appeal.repeat_of.number if appeal.repeat_of_id and appeal.repeat_of else None,
        "nothing_new": appeal.nothing_new,
        "version": appeal.version,
    }


def _audit(actor: Any, verb: str, appeal: Appeal, before: dict[str, Any], **kwargs: Any) -> None:
    index_later("appeals.appeal", appeal.pk)  # every change of an appeal passes here
    audit_record(
        actor=actor,
        action=f"appeals.appeal.{verb}",
        target=appeal,
        changes=diff(before, _snapshot(appeal)),
        **kwargs,
    )


def _text(
    value: str | None, field: str, message: Any, *, limit: int = MAX_TEXT, required: bool = True
) -> str:
    text = (value or "").strip()
    if not text and required:
        raise ValidationFailed(message, details={field: str(message)})
    if len(text) > limit:
        too_long = _("The text is too long.")
        raise ValidationFailed(too_long, details={field: str(too_long)})
    return text


def _is_actor(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def notify_staff(recipients: Iterable[Any], *, title: str, appeal: Appeal, actor: Any) -> None:
    """Put a notification in each recipient's list once the transaction has committed."""
    people = [r for r in recipients if r is not None and not (_is_actor(actor) and r.pk == actor.pk)]
    if not people:
        return
    from eprok.notifications.services import notification_send

    url = appeal.get_absolute_url()

    def send() -> None:
        for person in people:
            notification_send(recipient=person, title=title, url=url, actor=None)

    transaction.on_commit(send)


# The demo seeder registers appeals of invented citizens: their notices are not sent.
_QUIET: contextvars.ContextVar[bool] = contextvars.ContextVar("appeals_quiet_notices", default=False)


@contextmanager
def quiet_notices() -> Iterator[None]:
    """Within the block, applicants' notices are not sent (the demo seeder's invented citizens)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def notify_applicant(appeal: Appeal, template: str, **context: Any) -> bool:
    """Schedule the applicant's notice (e-mail and/or SMS) after commit; False when they left no contact.

    The message never carries the access code or the answer's text (the portal shows them).
    """
    targets = [("email", appeal.notify_email), ("sms", appeal.notify_sms)]
    targets = [(channel, to) for channel, to in targets if to]
    if not targets:
        return False
    if _QUIET.get():
        return True
    number, language = appeal.number, appeal.language
    context = {"number": number, **context}

    def send() -> None:
        try:
            from eprok.notifications.outbound import citizen_message_send
        except ImportError:  # the outbound messages are not installed: nothing to send through
            logger.warning("appeals: no outbound messages module; notice %s not sent", template)
            return
        for channel, to in targets:
            try:
                citizen_message_send(
                    channel=channel,
                    to=to,
                    template=template,
                    context=context,
                    language=language,
                    related=f"appeals.appeal:{number}",
                )
            except Exception as exc:
                # A bad address or template is the notice's failure, never the appeal's (already committed);
                # the log names neither the address nor the message (personal data).
                logger.warning(
                    "appeals: notice %s on %s could not be queued (%s)", template, channel, type(exc).__name__
                )

    transaction.on_commit(send)
    return True
