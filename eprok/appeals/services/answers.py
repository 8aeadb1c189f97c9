"""The answer: drafted by the executor side, approved by another holder of "Answer appeals" (four eyes),
sent (the appeal becomes "answered" with the outcome, its terms stop, the applicant is told), delivered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.appeals import access, terms
from eprok.appeals.models import (
    ANSWER_TRANSITIONS,
    MERIT_OUTCOMES,
    Answer,
    AnswerStatus,
    Appeal,
    AppealStatus,
    Channel,
    DeliveryChannel,
)
from eprok.appeals.services.base import (
    _audit,
    _locked,
    _move,
    _require_open,
    _save,
    _snapshot,
    _text,
    notify_applicant,
    notify_staff,
)
from eprok.core.errors import Conflict, Forbidden, ValidationFailed

CLOCK_SKEW = dt.timedelta(minutes=5)


def _answer_of(appeal: Appeal) -> Answer | None:
    return Answer.objects.select_for_update(of=("self",)).filter(appeal=appeal).first()


def _require_answer(appeal: Appeal, status: str) -> Answer:
    answer = _answer_of(appeal)
    if answer is None:
        raise Conflict(_("The appeal has no drafted answer yet."), code="no_answer")
    if answer.status != status:
        raise Conflict(
            _("The answer is “%(status)s”; this step needs it “%(needed)s”.")
            % {"status": AnswerStatus(answer.status).label, "needed": AnswerStatus(status).label},
            code="answer_state",
        )
    return answer


def _move_answer(answer: Answer, to: str) -> None:
    if to not in ANSWER_TRANSITIONS.get(answer.status, frozenset()):
        raise Conflict(code="answer_state")
    answer.status = to


def _answer_data(answer: Answer) -> dict[str, Any]:
    return {"answer_status": answer.status, "outcome": answer.outcome}


@transaction.atomic
def appeal_answer_draft(
    *, actor: Any, appeal: Appeal, text: str, outcome: str, expected_version: int | None = None
) -> Answer:
    """Write (or rewrite) the answer and its outcome; a rewritten approved answer needs approval again."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    if not access.can_answer(actor, appeal):
        raise Forbidden()
    text = _text(text, "text", _("Write the text of the answer."))
    if outcome not in MERIT_OUTCOMES:
        message = _("Choose the outcome: satisfied, partly satisfied, refused or explained.")
        raise ValidationFailed(message, details={"outcome": str(message)})
    now = timezone.now()
    answer = _answer_of(appeal)
    if answer is None:
        answer = Answer.objects.create(
            appeal=appeal, text=text, outcome=outcome, drafted_by=actor, drafted_at=now
        )
    else:
        _move_answer(answer, AnswerStatus.DRAFTED)
        answer.text, answer.outcome = text, outcome
        answer.drafted_by, answer.drafted_at = actor, now
        answer.approved_by, answer.approved_at = None, None
        answer.save()
    before = _snapshot(appeal)
    _save(appeal)
    _audit(actor, "answer_drafted", appeal, before, data={**_answer_data(answer), "text": text})
    return answer


@transaction.atomic
def appeal_answer_approve(*, actor: Any, appeal: Appeal, expected_version: int | None = None) -> Answer:
    """Approve the drafted answer: a holder of "Answer appeals" over the appeal's units, not its drafter."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    if not access.can_answer(actor, appeal):
        raise Forbidden()
    answer = _require_answer(appeal, AnswerStatus.DRAFTED)
    if answer.drafted_by_id == getattr(actor, "pk", None):
        raise Forbidden(
            _("An answer is approved by another official than the one who drafted it."),
            code="same_official",
        )
    _move_answer(answer, AnswerStatus.APPROVED)
    answer.approved_by, answer.approved_at = actor, timezone.now()
    answer.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    before = _snapshot(appeal)
    _save(appeal)
    _audit(actor, "answer_approved", appeal, before, data=_answer_data(answer))
    notify_staff(
        [answer.drafted_by],
        title=str(_("The answer to appeal %(number)s was approved") % {"number": appeal.number}),
        appeal=appeal,
        actor=actor,
    )
    return answer


def default_delivery(appeal: Appeal) -> str:
    if appeal.channel in (Channel.PORTAL, Channel.EGOV):
        return DeliveryChannel.PORTAL if appeal.channel == Channel.PORTAL else DeliveryChannel.EGOV
    if appeal.channel == Channel.EMAIL and (appeal.applicant_email or appeal.notify_email):
        return DeliveryChannel.EMAIL
    return DeliveryChannel.POST


@transaction.atomic
def appeal_answer_send(
    *, actor: Any, appeal: Appeal, delivery_channel: str = "", expected_version: int | None = None
) -> Answer:
    """Send the approved answer: the appeal is answered with the answer's outcome, its terms stop and the
    applicant is told (the text itself is read on the portal or arrives by the delivery channel)."""
    appeal = _locked(appeal, expected_version)
    _require_open(appeal)
    if not access.can_answer(actor, appeal):
        raise Forbidden()
    answer = _require_answer(appeal, AnswerStatus.APPROVED)
    delivery_channel = delivery_channel or default_delivery(appeal)
    if delivery_channel not in DeliveryChannel.values:
        message = _("Choose how the answer is delivered.")
        raise ValidationFailed(message, details={"delivery_channel": str(message)})
    before = _snapshot(appeal)
    now = timezone.now()
    _move(appeal, AppealStatus.ANSWERED)
    appeal.outcome = answer.outcome
    appeal.closed_at = now
    _save(appeal, "status", "outcome", "closed_at")
    _move_answer(answer, AnswerStatus.SENT)
    answer.sent_by, answer.sent_at, answer.delivery_channel = actor, now, delivery_channel
    answer.save(update_fields=["status", "sent_by", "sent_at", "delivery_channel", "updated_at"])
    terms.close_all(appeal)
    _audit(
        actor,
        "answer_sent",
        appeal,
        before,
        data={
            **_answer_data(answer),
            "delivery_channel": delivery_channel,
            "late": bool(appeal.answer_due and timezone.localdate() > appeal.answer_due),
        },
    )
    notify_applicant(appeal, "appeal_answered")
    return answer


@transaction.atomic
def appeal_answer_deliver(
    *,
    actor: Any,
    appeal: Appeal,
    delivered_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Answer:
    """Record that the sent answer reached the applicant (a postal receipt, a handover)."""
    appeal = _locked(appeal, expected_version)
    if not access.can_deliver(actor, appeal):
        raise Forbidden()
    answer = _require_answer(appeal, AnswerStatus.SENT)
    delivered_at = delivered_at or timezone.now()
    if delivered_at > timezone.now() + CLOCK_SKEW or (answer.sent_at and delivered_at < answer.sent_at):
        message = _("The answer is delivered after it was sent, and not in the future.")
        raise ValidationFailed(message, details={"delivered_at": str(message)})
    _move_answer(answer, AnswerStatus.DELIVERED)
    answer.delivered_at = delivered_at
    answer.save(update_fields=["status", "delivered_at", "updated_at"])
    before = _snapshot(appeal)
    _save(appeal)
    _audit(actor, "answer_delivered", appeal, before, data={"delivered_at": delivered_at.isoformat()})
    return answer
