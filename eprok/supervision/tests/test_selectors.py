"""The reads: the register's filters, the card within its query budget, and the statistics per investigating
body checked against figures counted by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eprok.org.grants import forget_grants
from eprok.supervision import selectors, services
from eprok.supervision.models import ActKind, SupervisedCase, SupervisoryAct, Violation, ViolationKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def scene(people, make_case):
    """Body A (the Xətai police): four cases; body B (the Nəsimi police): one, supervised in Nəsimi."""
    p = people.prosecutor
    c1 = make_case(opened_on=TODAY() - dt.timedelta(days=10))
    c2 = make_case(opened_on=TODAY() - dt.timedelta(days=5))
    services.supervised_suspend(actor=p, case=c2, reason="x")
    c3 = make_case(opened_on=TODAY() - dt.timedelta(days=100))
    services.indictment_receive(actor=p, case=c3)
    services.indictment_approve(actor=p, case=SupervisedCase.objects.get(pk=c3.pk))
    c4 = make_case(opened_on=TODAY() - dt.timedelta(days=20))
    services.supervised_terminate(actor=p, case=c4, reason="x")
    # Acts on c1: answered in time, answered late, unanswered past its due date.
    in_time = services.act_issue(actor=p, case=c1, kind=ActKind.INSTRUCTION, text="a", due_date=TODAY())
    services.act_answer(actor=p, act=in_time, answer="ok", accepted=True)
    late = services.act_issue(actor=p, case=c1, kind=ActKind.DEMAND, text="b", due_date=TODAY())
    SupervisoryAct.objects.filter(pk=late.pk).update(due_date=TODAY() - dt.timedelta(days=2))
    late.refresh_from_db()
    services.act_answer(actor=p, act=late, answer="late", accepted=False)
    overdue = services.act_issue(actor=p, case=c1, kind=ActKind.PROTEST, text="c", due_date=TODAY())
    SupervisoryAct.objects.filter(pk=overdue.pk).update(due_date=TODAY() - dt.timedelta(days=1))
    services.violation_record(actor=p, case=c1, kind=ViolationKind.RIGHTS, description="d")
    services.violation_record(actor=p, case=c2, kind=ViolationKind.UNLAWFUL_DETENTION, description="d")
    services.violation_record(
        actor=p,
        case=c3,
        kind=ViolationKind.RIGHTS,
        description="old",
        found_on=TODAY() - dt.timedelta(days=60),
    )
    c5 = make_case(
        body=people.other_police,
        unit=people.nesimi,
        actor=people.outsider,
        supervisor=people.outsider,
        opened_on=TODAY() - dt.timedelta(days=3),
    )
    services.violation_record(actor=people.outsider, case=c5, kind=ViolationKind.MISSED_TERM, description="d")
    return c1, c2, c3, c4, c5


def _stats(user):
    forget_grants(user)
    return selectors.statistics(user=user, date_from=TODAY() - dt.timedelta(days=30), date_to=TODAY())


def _figures(row):
    return {
        "received": row.received,
        "under_investigation": row.under_investigation,
        "suspended": row.suspended,
        "with_prosecutor": row.with_prosecutor,
        "sent_to_court": row.sent_to_court,
        "terminated": row.terminated,
        "violations": dict(row.violations),
        "acts_issued": row.acts_issued,
        "acts_answered_late": row.acts_answered_late,
        "acts_overdue": row.acts_overdue,
    }


XETAI_POLICE = {
    "received": 3,  # c1, c2, c4 (c3 was opened 100 days ago)
    "under_investigation": 1,
    "suspended": 1,
    "with_prosecutor": 0,
    "sent_to_court": 1,
    "terminated": 1,
    "violations": {"rights": 1, "detention": 1},  # c3's was found before the period
    "acts_issued": 3,  # the approval of c3 is a decision, not an act to answer
    "acts_answered_late": 1,
    "acts_overdue": 1,
}
NESIMI_POLICE = {
    "received": 1,
    "under_investigation": 1,
    "suspended": 0,
    "with_prosecutor": 0,
    "sent_to_court": 0,
    "terminated": 0,
    "violations": {"missed_term": 1},
    "acts_issued": 0,
    "acts_answered_late": 0,
    "acts_overdue": 0,
}


def test_the_statistics_per_body_match_the_figures_counted_by_hand(people, scene):
    result = _stats(people.superior)
    rows = {row.body.code: _figures(row) for row in result.rows}
    assert rows == {"police-baku-xetai": XETAI_POLICE, "police-baku-nesimi": NESIMI_POLICE}
    assert result.totals is not None and result.totals.received == 4 and result.totals.violations_total == 3


def test_the_statistics_count_only_the_cases_the_reader_may_see(people, scene):
    rows = {row.body.code: _figures(row) for row in _stats(people.prosecutor).rows}
    assert rows == {"police-baku-xetai": XETAI_POLICE}
    assert [row.body.code for row in _stats(people.outsider).rows] == ["police-baku-nesimi"]
    assert _stats(people.colleague).rows == []


def test_the_statistics_of_a_unit_and_a_period(people, scene):
    forget_grants(people.superior)
    result = selectors.statistics(
        user=people.superior, date_from=TODAY() - dt.timedelta(days=4), date_to=TODAY(), unit=people.nesimi
    )
    assert [(row.body.code, row.received) for row in result.rows] == [("police-baku-nesimi", 1)]
    older = selectors.statistics(
        user=people.superior,
        date_from=TODAY() - dt.timedelta(days=120),
        date_to=TODAY() - dt.timedelta(days=50),
    )
    row = next(row for row in older.rows if row.body == people.police)
    assert row.received == 1 and row.violations == {"rights": 1} and row.sent_to_court == 0


def test_the_statistics_take_a_fixed_number_of_queries(people, scene, make_case):
    forget_grants(people.superior)
    with CaptureQueriesContext(connection) as before:
        _stats(people.superior)
    for _ in range(5):
        make_case(body=people.police.__class__.objects.get(code="police-gence"))
    with CaptureQueriesContext(connection) as after:
        _stats(people.superior)
    assert len(after) == len(before) <= 5


def test_the_register_filters(people, scene):
    c1, c2, c3, c4, c5 = scene
    user = people.superior

    def numbers(**filters):
        forget_grants(user)
        return {
            case.number for case in selectors.case_list(user=user, filters=selectors.CaseFilters(**filters))
        }

    assert numbers() == {case.number for case in scene}
    assert numbers(status="suspended") == {c2.number}
    assert numbers(body=people.other_police) == {c5.number}
    assert numbers(unit=people.xetai) == {c1.number, c2.number, c3.number, c4.number}
    assert numbers(supervisor=people.outsider) == {c5.number}
    assert numbers(overdue=True) == {c1.number}  # the protest's answer is overdue
    assert numbers(has_violations=True) == {c1.number, c2.number, c3.number, c5.number}
    Violation.objects.filter(case=c3).update(remedied_on=TODAY())
    assert numbers(has_violations=True) == {c1.number, c2.number, c5.number}
    assert numbers(words=c4.number) == {c4.number}
    assert numbers(words="zzz-nothing") == set()


def test_the_card_reads_within_ten_queries(people, scene):
    c1 = scene[0]
    forget_grants(people.superior)
    with CaptureQueriesContext(connection) as captured:
        card = selectors.case_card(user=people.superior, key=c1.public_id)
        acts = list(card.acts.all())
        violations = list(card.violations.all())
        shown = [act.author.full_name for act in acts] + [str(violation.act) for violation in violations]
        shown += [card.body.name, card.unit.name, str(card.supervisor)]
    assert len(acts) == 3 and len(violations) == 1
    assert len(captured) <= 10


def test_supervisors_of_a_unit_are_those_who_hold_the_role_over_it(people):
    names = set(selectors.supervisors_of(people.xetai).values_list("username", flat=True))
    assert names == {"investigator", "deputy", "superior"}  # the prosecutor persona's username
    assert set(selectors.supervisors_of(people.nesimi).values_list("username", flat=True)) == {
        "outsider",
        "superior",
    }
