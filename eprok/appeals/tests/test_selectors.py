"""Reads of the register: filters, search in any spelling, the dashboard, the routing choices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eprok.appeals import selectors, services
from eprok.appeals.models import AppealStatus, Channel
from eprok.appeals.selectors import AppealFilter
from eprok.appeals.services import ApplicantData
from eprok.appeals.tests.factories import answer, make_appeal, topic

pytestmark = pytest.mark.django_db


def numbers(user, **filters):
    return [a.number for a in selectors.appeal_list(user=user, filters=AppealFilter(**filters))]


def test_the_list_filters_by_status_channel_topic_kind_and_executor(people):
    letter = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    mail = make_appeal(actor=people.clerk, unit=people.unit, channel=Channel.EMAIL, kind="application")
    services.appeal_route(
        actor=people.approver,
        appeal=mail,
        executor_unit=people.unit,
        executor=people.investigator,
        instruction="x",
    )
    assert numbers(people.clerk, channel="email") == [mail.number]
    assert numbers(people.clerk, topic="housing") == [letter.number]
    assert numbers(people.clerk, kind="application") == [mail.number]
    assert numbers(people.clerk, status=AppealStatus.IN_WORK) == [mail.number]
    assert numbers(people.investigator, executor="me") == [mail.number]
    assert numbers(people.clerk, executor="none") == [letter.number]
    assert numbers(people.clerk, unit=people.unit.code) == [mail.number, letter.number]
    assert numbers(people.clerk, unit="no-such-unit") == []


def test_near_due_overdue_and_answered(people):
    now = timezone.now()
    overdue = make_appeal(actor=people.clerk, unit=people.unit, registered_at=now - dt.timedelta(days=40))
    fresh = make_appeal(actor=people.clerk, unit=people.unit)
    done = answer(
        make_appeal(actor=people.clerk, unit=people.unit),
        drafter=people.investigator,
        approver=people.approver,
    )
    assert numbers(people.clerk, due="overdue") == [overdue.number]
    assert fresh.number not in numbers(people.clerk, due="near")
    assert numbers(people.clerk, answered=True) == [done.number]


def test_the_search_finds_a_number_a_fin_and_a_name_in_another_spelling(people):
    appeal = make_appeal(
        actor=people.clerk,
        unit=people.unit,
        applicant=ApplicantData(last_name="Hüseynov", first_name="Cavid", fin="7AB3KZ2", phone="0551112233"),
    )
    other = make_appeal(actor=people.clerk, unit=people.unit)
    assert numbers(people.clerk, q="Guseynov Dzhavid") == [appeal.number]
    assert numbers(people.clerk, q="7ab3kz2") == [appeal.number]
    assert numbers(people.clerk, q=appeal.number.lower()) == [appeal.number]
    assert other.number in numbers(people.clerk, q="Məmmədov")


def test_the_dashboard_counts_in_one_grouped_query(people):
    now = timezone.now()
    make_appeal(
        actor=people.clerk, unit=people.unit, topic=topic(), registered_at=now - dt.timedelta(days=40)
    )
    make_appeal(actor=people.clerk, unit=people.unit, channel=Channel.EMAIL, topic=topic())
    answer(
        make_appeal(actor=people.clerk, unit=people.unit),
        drafter=people.investigator,
        approver=people.approver,
    )
    make_appeal(actor=people.clerk, unit=people.unit, applicant=None)  # anonymous, left unconsidered
    with CaptureQueriesContext(connection) as queries:
        board = selectors.appeal_dashboard(user=people.clerk, unit=people.unit)
    assert len(queries) <= 2  # the grants, then one grouped query
    assert (board.received, board.open, board.overdue, board.answered, board.left_unconsidered) == (
        4,
        2,
        1,
        1,
        1,
    )
    assert dict((code, n) for code, _label, n in board.by_channel) == {"letter": 3, "email": 1}
    assert ("housing", "Mənzil məsələləri", 2) in board.by_topic


def test_the_list_reads_one_page_in_one_query(people):
    for _ in range(4):
        appeal = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
        services.appeal_route(
            actor=people.approver,
            appeal=appeal,
            executor_unit=people.unit,
            executor=people.investigator,
            instruction="x",
        )
    qs = selectors.appeal_list(user=people.clerk)
    with CaptureQueriesContext(connection) as queries:
        rows = list(qs[:50])
        labels = [
            (a.unit.name, a.topic and a.topic.name, a.executor and a.executor.full_name, a.applicant_name)
            for a in rows
        ]
    assert len(rows) == 4 and len(labels) == 4 and len(queries) == 1


def test_repeat_candidates_warn_the_clerk(people):
    earlier = make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    found = selectors.repeat_candidates(user=people.clerk, fin="5zj7k2p", topic=topic())
    assert found == [earlier]
    assert selectors.repeat_candidates(user=people.outsider, fin="5ZJ7K2P") == []
    assert selectors.repeat_candidates(user=people.clerk, name="Mammadov Vugar", phone="+994501234567") == [
        earlier
    ]


def test_the_reception_log_lists_the_unit_s_visitors(people):
    services.reception_entry_create(
        actor=people.clerk,
        unit=people.unit,
        received_at=timezone.now(),
        official=people.approver,
        visitor_name="Əliyeva Aygün",
        subject="Məlumat",
    )
    assert selectors.reception_list(user=people.clerk).count() == 1
    assert selectors.reception_list(user=people.outsider).count() == 0
