"""Factories for the appeals tests: appeals are registered (and answered) through the services, so they
get real numbers, terms, repeat links and audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from eprok.appeals import services
from eprok.appeals.models import Appeal, AppealKind, AppealTopic, Channel, Outcome
from eprok.appeals.services import ApplicantData

APPLICANT = ApplicantData(
    last_name="Məmmədov",
    first_name="Vüqar",
    patronymic="Nazim oğlu",
    fin="5ZJ7K2P",
    address="Bakı şəhəri, Xətai rayonu, Babək prospekti 12, mənzil 5",
    phone="050 123 45 67",
)


def topic(code: str = "housing") -> AppealTopic:
    return AppealTopic.objects.get(code=code)


def make_appeal(*, actor: Any, unit: Any, **fields: Any) -> Appeal:
    """An appeal registered by `actor` in `unit`; any argument of appeal_register can be given."""
    values: dict[str, Any] = {
        "channel": Channel.LETTER,
        "kind": AppealKind.COMPLAINT,
        "text": "Xətai rayon polis idarəsinin əməkdaşları ərizəmə baxmırlar, xahiş edirəm tədbir görəsiniz.",
        "applicant": APPLICANT,
        "received_at": fields.get("registered_at", timezone.now()) - dt.timedelta(hours=1),
    }
    values.update(fields)
    return services.appeal_register(actor=actor, unit=unit, **values)


def answer(appeal: Appeal, *, drafter: Any, approver: Any, outcome: str = Outcome.EXPLAINED) -> Appeal:
    """Draft, approve and send an answer (the drafter and the approver must both answer for the unit)."""
    services.appeal_answer_draft(actor=drafter, appeal=appeal, text="Cavab: izah edildi.", outcome=outcome)
    services.appeal_answer_approve(actor=approver, appeal=appeal)
    services.appeal_answer_send(actor=drafter, appeal=appeal)
    appeal.refresh_from_db()
    return appeal
