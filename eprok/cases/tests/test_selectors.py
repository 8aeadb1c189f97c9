"""Reads of cases: who sees what, the one filter set, sorting, the card's query budget, the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.cases import access, selectors, services
from eprok.cases.models import Case, CaseStatus, MeasureKind
from eprok.cases.selectors import CaseFilter
from eprok.cases.tests.factories import aware, make_case, make_party
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole

pytestmark = pytest.mark.django_db


def numbers(queryset) -> list[str]:
    return [case.number for case in queryset]


def test_a_case_is_visible_to_its_team_its_supervisors_and_no_one_else(case, personas):
    assert numbers(selectors.case_list(user=personas.investigator)) == [case.number]
    assert numbers(selectors.case_list(user=personas.prosecutor)) == [case.number]
    assert numbers(selectors.case_list(user=personas.superior)) == [case.number]
    assert numbers(selectors.case_list(user=personas.colleague)) == []
    assert numbers(selectors.case_list(user=personas.outsider)) == []
    assert numbers(selectors.case_list(user=personas.admin)) == []


def test_state_prosecution_sees_a_case_only_once_it_is_sent_to_court(case, personas):
    prosecutor = EmployeeFactory(username="court-prosecutor", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role=Role.PROSECUTE, unit=personas.unit)
    assert numbers(selectors.case_list(user=prosecutor)) == []
    make_party(case, actor=personas.investigator, role=PartyRole.ACCUSED)
    services.case_submit_indictment(actor=personas.investigator, case=case, body="Mətn")
    services.case_approve_indictment(actor=personas.prosecutor, case=case)
    assert numbers(selectors.case_list(user=prosecutor)) == [case.number]


def test_a_removed_team_member_no_longer_sees_the_case(case, personas):
    mate = EmployeeFactory(username="mate", unit=personas.unit)
    RoleAssignmentFactory(employee=mate, role=Role.INVESTIGATE, unit=personas.unit)
    member = services.team_add(actor=personas.prosecutor, case=case, employee=mate)
    assert numbers(selectors.case_list(user=mate)) == [case.number]
    services.team_remove(actor=personas.prosecutor, member=member)
    assert numbers(selectors.case_list(user=mate)) == []


@pytest.fixture
def register(personas):
    """Four cases of the Xətai office and one of the Nəsimi office, visible to the superior."""
    theft = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        opened_at=aware(2026, 1, 10),
    )
    fraud = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        articles="178.2",
        opened_at=aware(2026, 3, 2),
    )
    murder = make_case(
        actor=personas.investigator,
        unit=personas.unit,
        supervisor=personas.prosecutor,
        articles="120.1, 177.1",
        opened_at=timezone.now() - dt.timedelta(days=3),
    )
    suspect = make_party(murder, actor=personas.investigator)
    services.measure_apply(
        actor=personas.investigator, case=murder, party=suspect, kind=MeasureKind.DETENTION
    )
    suspended = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    services.case_suspend(actor=personas.investigator, case=suspended, ground="53.1.1", reason="Naməlum")
    nesimi_prosecutor = EmployeeFactory(username="nesimi-prosecutor", unit=personas.other_unit)
    RoleAssignmentFactory(employee=nesimi_prosecutor, role=Role.SUPERVISE, unit=personas.other_unit)
    other = make_case(actor=personas.outsider, unit=personas.other_unit, supervisor=nesimi_prosecutor)
    return {"theft": theft, "fraud": fraud, "murder": murder, "suspended": suspended, "other": other}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (CaseFilter(), {"theft", "fraud", "murder", "suspended", "other"}),
        (CaseFilter(unit="baku-nesimi"), {"other"}),
        (CaseFilter(unit="baku"), set()),
        (CaseFilter(unit="baku", subunits=True), {"theft", "fraud", "murder", "suspended", "other"}),
        (CaseFilter(status=CaseStatus.SUSPENDED), {"suspended"}),
        (CaseFilter(article="177"), {"theft", "murder", "suspended", "other"}),
        (CaseFilter(article="177.2"), {"theft", "suspended", "other"}),
        (CaseFilter(article="120"), {"murder"}),
        (CaseFilter(category=1), {"fraud"}),
        (CaseFilter(category=4), {"murder"}),
        (CaseFilter(investigator="ELIYEV"), set()),
        (CaseFilter(investigator="əliyev"), {"other"}),
        (CaseFilter(supervisor="nəsibova"), {"theft", "fraud", "murder", "suspended"}),
        (CaseFilter(opened_from=dt.date(2026, 1, 1), opened_to=dt.date(2026, 1, 31)), {"theft"}),
        (CaseFilter(due="overdue"), {"theft", "fraud"}),
        (CaseFilter(due="near"), {"murder"}),
        (CaseFilter(custody=True), {"murder"}),
    ],
)
def test_the_one_filter_set_narrows_the_register(register, personas, filters, expected):
    found = set(numbers(selectors.case_list(user=personas.superior, filters=filters)))
    assert found == {register[name].number for name in expected}


@pytest.mark.parametrize(
    "filters",
    [
        CaseFilter(unit="baku-xetai"),
        CaseFilter(unit="baku-nesimi"),
        CaseFilter(unit="baku"),
        CaseFilter(unit="baku", subunits=True),
        CaseFilter(unit="baku-xetai", subunits=True, status=CaseStatus.INVESTIGATION),
    ],
)
def test_a_register_filtered_to_a_unit_shows_what_the_visibility_filter_allows(register, personas, filters):
    for name in ("superior", "prosecutor", "investigator", "colleague", "outsider"):
        user = getattr(personas, name)
        unit = selectors.filter_unit(user=user, filters=filters)
        expected = numbers(
            selectors.filtered(access.visible_to(user), filters, unit=unit).order_by("-opened_at", "-pk")
        )
        assert numbers(selectors.case_list(user=user, filters=filters)) == expected, (name, filters)


def test_the_investigator_filter_takes_a_public_id(register, personas):
    filters = CaseFilter(investigator=str(personas.outsider.public_id))
    assert numbers(selectors.case_list(user=personas.superior, filters=filters)) == [register["other"].number]


def test_the_register_sorts_by_opening_number_and_next_term(register, personas):
    newest = numbers(selectors.case_list(user=personas.superior))
    assert newest[-2:] == [register["fraud"].number, register["theft"].number]
    oldest = numbers(selectors.case_list(user=personas.superior, filters=CaseFilter(sort="opened")))
    assert oldest == list(reversed(newest))
    by_due = numbers(selectors.case_list(user=personas.superior, filters=CaseFilter(sort="due")))
    assert by_due[:2] == [register["theft"].number, register["fraud"].number]
    by_number = numbers(selectors.case_list(user=personas.superior, filters=CaseFilter(sort="-number")))
    assert by_number == sorted(by_number, reverse=True)


def test_the_list_has_a_query_ceiling(register, personas, django_assert_max_num_queries):
    for _ in range(20):
        make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    personas.superior.refresh_from_db()
    with django_assert_max_num_queries(4):  # grants, the unit named by the filter, count, page
        queryset = selectors.case_list(user=personas.superior, filters=CaseFilter(unit="baku", subunits=True))
        total = queryset.count()
        rows = [(c.number, c.unit.name, str(c.investigator), str(c.supervisor)) for c in queryset[:50]]
    assert total == 25 and len(rows) == 25


def test_the_card_reads_the_header_and_a_tab_within_its_budget(case, personas, django_assert_max_num_queries):
    suspect = make_party(case, actor=personas.investigator)
    services.measure_apply(actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION)
    user = type(personas.investigator).objects.get(pk=personas.investigator.pk)
    for tab in selectors.TABS:
        user = type(personas.investigator).objects.get(pk=personas.investigator.pk)
        with django_assert_max_num_queries(5):
            card = selectors.case_card(user=user, number=case.number, tab=tab)
        assert card.can_edit and not card.can_supervise
    # The header shows the soonest term as the row stores it; its explanation is computed on request.
    assert card.next_deadline is None and card.next_due is not None and card.next_due.due_is_moment
    with django_assert_max_num_queries(4):  # + the measure and its extensions
        explained = selectors.case_card(user=user, number=case.number, explain=True)
    assert explained.next_deadline is not None and explained.next_deadline.rule_code == "cpc.148.detention"
    assert card.next_due.ends_at == explained.next_deadline.ends_at() == case_ends_at(case)


def case_ends_at(case):
    return type(case).objects.get(pk=case.pk).next_due_at


def test_the_card_decides_visibility_as_the_register_does(case, personas):
    court = EmployeeFactory(username="court-prosecutor", unit=personas.unit)
    RoleAssignmentFactory(employee=court, role=Role.PROSECUTE, unit=personas.unit)
    personas.court = court
    sent = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    make_party(sent, actor=personas.investigator, role=PartyRole.ACCUSED)
    services.case_submit_indictment(actor=personas.investigator, case=sent, body="Mətn")
    services.case_approve_indictment(actor=personas.prosecutor, case=sent)
    elsewhere = EmployeeFactory(username="other-prosecutor", unit=personas.other_unit)
    RoleAssignmentFactory(employee=elsewhere, role=Role.SUPERVISE, unit=personas.other_unit)
    other = make_case(actor=personas.outsider, unit=personas.other_unit, supervisor=elsewhere)
    for name in ("investigator", "prosecutor", "superior", "colleague", "outsider", "admin", "court"):
        user = getattr(personas, name)
        visible = set(numbers(access.visible_to(user)))
        for row in access.with_membership(Case.objects.select_related("unit"), user):
            assert access.can_view(user, row) == (row.number in visible), (name, row.number)
    assert other.number in numbers(access.visible_to(personas.outsider))


def test_the_dashboard_counts_workload_and_lists_overdue_terms(
    register, personas, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        data = selectors.dashboard(user=personas.superior)
    [quliyev, aliyev] = sorted(data["workload"], key=lambda w: w.investigator.username)
    assert (
        quliyev.investigator,
        quliyev.investigation,
        quliyev.suspended,
        quliyev.in_custody,
        quliyev.overdue,
    ) == (
        personas.investigator,
        3,
        1,
        1,
        2,
    )
    assert aliyev.investigator == personas.outsider
    assert {row.title for row in data["overdue"]["investigation"]} == {
        register["theft"].number,
        register["fraud"].number,
    }
    mine = selectors.dashboard(user=personas.prosecutor)
    assert [w.investigator for w in mine["workload"]] == [personas.investigator]


def test_can_supervise_follows_the_named_supervisor_and_the_role(case, personas):
    assert access.can_supervise(personas.prosecutor, case)
    assert access.can_supervise(personas.superior, case)
    assert not access.can_supervise(personas.investigator, case)
    assert not access.can_supervise(personas.outsider, case)
    assert Case.objects.count() == 1
