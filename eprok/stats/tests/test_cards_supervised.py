"""Statistical cards of cases investigated by other bodies under supervision, and the court's outcome."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from eprok.courtwork import services as courtwork
from eprok.courtwork.models import Court, DecisionKind
from eprok.stats.models import Card, CardKind, SubjectType
from eprok.stats.selectors import card_counts
from eprok.supervision import services as supervision
from eprok.supervision.tests.conftest import case, make_case, people  # noqa: F401 - fixtures


def _active(pk: int) -> dict[str, Card]:
    cards = list(Card.objects.filter(subject_type=SubjectType.SUPERVISED, subject_id=pk))
    cancelled = {card.corrects_id for card in cards if card.sign == -1}
    return {card.fact_key: card for card in cards if card.sign == 1 and card.pk not in cancelled}


def test_a_supervised_case_counts_for_its_body_and_supervising_unit(people, case):  # noqa: F811
    [opened] = _active(case.pk).values()
    assert opened.kind == CardKind.OPENED
    assert opened.body == "police"  # the body's kind: the collegium report's "by body"
    assert opened.unit_id == people.xetai.pk and opened.region == "AZ-BA"
    assert opened.occurred_on == case.opened_on and opened.article == "177" and opened.category == 2


def test_approval_and_the_verdict_become_sent_to_court_solved_and_convicted(people, case):  # noqa: F811
    case = supervision.indictment_receive(actor=people.prosecutor, case=case)
    case = supervision.indictment_approve(actor=people.prosecutor, case=case)
    kinds = {card.kind for card in _active(case.pk).values()}
    assert kinds == {CardKind.OPENED, CardKind.SOLVED, CardKind.SENT_TO_COURT}

    today = timezone.localdate()
    proceeding = courtwork.proceeding_open(
        actor=people.court,
        supervised=case,
        court=Court.objects.get(code="baku-xetai-district"),
        sent_on=today,
        prosecutor=people.court,
    )
    courtwork.decision_record(
        actor=people.court,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=today,
        sentence="3 il",
    )
    ordered = sorted(card.kind for card in _active(case.pk).values())
    assert ordered == sorted([CardKind.OPENED, CardKind.SOLVED, CardKind.SENT_TO_COURT, CardKind.CONVICTED])
    rows = card_counts(scope=Q(), start=today.replace(month=1, day=1), end=today, by=["kind", "body"])
    assert {"kind": CardKind.CONVICTED, "body": "police", "n": 1} in rows


def test_a_suspension_stays_counted_after_resumption(people, case):  # noqa: F811
    case = supervision.supervised_suspend(
        actor=people.prosecutor, case=case, reason="Şəxs müəyyən edilməyib."
    )
    assert CardKind.SUSPENDED in {card.kind for card in _active(case.pk).values()}
    supervision.supervised_resume(actor=people.prosecutor, case=case, reason="Şəxs müəyyən edilib.")
    assert CardKind.SUSPENDED in {card.kind for card in _active(case.pk).values()}
    assert not Card.objects.filter(subject_type=SubjectType.SUPERVISED, subject_id=case.pk, sign=-1).exists()


def test_a_supervised_crime_stays_solved_on_its_first_day(people, case):  # noqa: F811
    first = timezone.now() - dt.timedelta(days=8)
    case = supervision.indictment_receive(actor=people.prosecutor, case=case, received_at=first)
    case = supervision.indictment_return(actor=people.prosecutor, case=case, reason="Əlavə araşdırma")
    supervision.indictment_receive(actor=people.prosecutor, case=case)
    solved = Card.objects.filter(
        subject_type=SubjectType.SUPERVISED, subject_id=case.pk, kind=CardKind.SOLVED
    )
    assert [(card.sign, card.occurred_on) for card in solved] == [(1, timezone.localtime(first).date())]
