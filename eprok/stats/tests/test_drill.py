"""The drill-down country → region → unit → sub-units → records, with the figures of
test_dashboard_support computed by hand; the scope limits every level; the records list is audited, links
only the records their module lets the user open, and exports through the report registry."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from eprok.core.errors import NotFound
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited
from eprok.materials.tests.factories import make_material
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.stats import dashboard, reports
from eprok.stats.models import CardKind, SubjectType

from .test_dashboard_support import YEAR_2024, card, make_cards, make_people

pytestmark = pytest.mark.django_db

URL = reverse("stats:drill")


@pytest.fixture
def s(db):
    people = make_people()
    make_cards(people)
    return people


def level(user, **params):
    return dashboard.drill(user, dashboard.parse_query(user, {**YEAR_2024, **params}))


def rows(result):
    return [(row.label, row.count) for row in result.rows]


def test_the_country_level_counts_per_region_with_the_rate_per_10000_residents(s):
    result = level(s.p.admin)
    assert result.level == "country"
    by_region = {row.region: (row.count, row.residents, row.rate) for row in result.rows}
    # Baku: 6 cases, 1,500,000 residents (the 2023 figure: no 2024 row) → 6 × 10,000 / 1,500,000 = 0.04.
    # Gəncə: 4 cases, 250,000 residents → 4 × 10,000 / 250,000 = 0.16.
    assert by_region == {
        "AZ-BA": (6, 1_500_000, Decimal("0.04")),
        "AZ-GA": (4, 250_000, Decimal("0.16")),
    }
    assert result.total == 10
    assert result.population_year == 2024


def test_the_region_level_lists_the_units_with_cards_there(s):
    result = level(s.p.admin, region="AZ-BA")
    assert result.level == "region"
    assert [(row.unit, row.count) for row in result.rows] == [
        ("baku", 1),
        ("baku-xetai", 3),
        ("baku-nesimi", 2),
    ]
    assert result.total == 6


def test_the_unit_level_rolls_the_cards_up_into_the_sub_units(s):
    result = level(s.p.superior, unit="baku")
    assert result.level == "unit" and result.has_children
    assert [(row.unit, row.count, row.own) for row in result.rows] == [
        ("baku-xetai", 3, False),
        ("baku-nesimi", 2, False),
        ("", 1, True),  # the city office's own case
    ]
    assert result.total == 6
    leaf = level(s.p.superior, unit="baku-xetai")
    assert leaf.rows == [] and not leaf.has_children and leaf.total == 3


def test_a_unit_head_sees_only_the_unit_even_in_the_country_totals(s):
    result = level(s.p.investigator)
    assert [(row.region, row.count) for row in result.rows] == [("AZ-BA", 3)]
    assert result.total == 3
    with pytest.raises(NotFound):
        level(s.p.investigator, unit="baku")


def test_a_region_without_cards_in_the_scope_shows_no_rows(s):
    result = level(s.p.superior, region="AZ-GA")
    assert result.rows == [] and result.total == 0


@pytest.mark.usefixtures("english")
def test_the_breadcrumbs_follow_the_drill_path_inside_the_scope(s):
    result = level(s.p.superior, unit="baku-xetai", kind="opened")
    assert [crumb.label for crumb in result.crumbs] == ["Country", s.p.city.name, s.p.unit.name]
    assert result.crumbs[1].params == {**YEAR_2024, "kind": "opened", "unit": "baku"}


def test_the_drill_page_opens_for_holders_of_view_statistics_only(client, s):
    expected = {"anonymous": 302, "colleague": 404, "investigator": 200, "outsider": 200, "superior": 200}
    assert_access_matrix(client, s, URL, expected)
    assert_access_matrix(client, s, URL + "?unit=baku", {**expected, "investigator": 404, "outsider": 404})


def test_drilling_outside_the_scope_answers_404_and_is_audited(client, s, audit_events):
    login_as(client, s.p.investigator)
    assert client.get(URL, {"unit": "baku"}).status_code == 404
    assert client.get(URL, {"unit": "no-such-unit"}).status_code == 404
    assert [event.target_id for event in audit_events("access.denied")] == ["baku", "no-such-unit"]


def test_the_pages_link_each_level_deeper(client, s, english):
    login_as(client, s.p.admin)
    html = client.get(URL, YEAR_2024).content.decode()
    assert "?kind=opened&amp;start=2024-01-01&amp;end=2024-12-31&amp;region=AZ-BA" in html
    assert "0.04" in html and "0.16" in html
    html = client.get(URL, {**YEAR_2024, "region": "AZ-BA"}).content.decode()
    assert "region=AZ-BA&amp;unit=baku-xetai" in html
    html = client.get(URL, {**YEAR_2024, "unit": "baku"}).content.decode()
    assert "unit=baku-nesimi" in html
    assert "unit=baku&amp;records=1" in html


def test_an_empty_period_shows_no_rows(client, s, english):
    login_as(client, s.p.admin)
    response = client.get(URL, {"start": "2025-01-01", "end": "2025-01-31"})
    assert response.status_code == 200
    assert "No data for the period." in response.content.decode()
    assert level(s.p.admin, start="2025-01-01", end="2025-01-31").rows == []


def test_an_inverted_period_is_a_form_error_not_a_500(client, s, english):
    login_as(client, s.p.admin)
    response = client.get(URL, {"start": "2024-12-31", "end": "2024-01-01"})
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()
    response = client.get(URL, {"start": "31.12.2024"})
    assert response.status_code == 400
    response = client.get(URL, {"kind": "nonsense"})
    assert response.status_code == 400


def test_the_drill_levels_read_a_bounded_number_of_queries(client, s, django_assert_max_num_queries):
    for _ in range(20):
        card(s.p.other_unit, occurred_on=dt.date(2024, 8, 1))
    login_as(client, s.p.admin)
    for params in ({}, {"region": "AZ-BA"}, {"unit": "gpo"}, {"unit": "baku"}):
        with django_assert_max_num_queries(12):
            assert client.get(URL, {**YEAR_2024, **params}).status_code == 200


# --- the records ------------------------------------------------------------------------------------------


@pytest.fixture
def materials(s):
    """A unit head who also reads the Xətai register; a refusal card for a Xətai report (visible), one for a
    Nəsimi report (not visible to them), one for a case they are not on."""
    RoleAssignmentFactory(employee=s.p.investigator, role=Role.REGISTER_MATERIALS, unit=s.p.unit)
    clerk = EmployeeFactory(username="clerk", unit=s.p.unit)
    RoleAssignmentFactory(employee=clerk, role=Role.REGISTER_MATERIALS, unit=s.p.unit)
    other_clerk = EmployeeFactory(username="clerk2", unit=s.p.other_unit)
    RoleAssignmentFactory(employee=other_clerk, role=Role.REGISTER_MATERIALS, unit=s.p.other_unit)
    mine = make_material(actor=clerk, unit=s.p.unit)
    theirs = make_material(actor=other_clerk, unit=s.p.other_unit)
    day = dt.date(2024, 9, 1)
    card(
        s.p.unit,
        CardKind.REFUSED,
        day,
        subject_type=SubjectType.MATERIAL,
        subject_id=mine.pk,
        number=mine.number,
    )
    card(
        s.p.unit,
        CardKind.REFUSED,
        day,
        subject_type=SubjectType.MATERIAL,
        subject_id=theirs.pk,
        number=theirs.number,
    )
    card(
        s.p.unit,
        CardKind.REFUSED,
        day,
        subject_type=SubjectType.CASE,
        subject_id=987_654,
        number="CASE-HIDDEN",
    )
    return mine, theirs


def test_the_records_list_links_only_the_records_the_user_may_open(
    client, s, materials, english, audit_events, django_assert_max_num_queries
):
    mine, theirs = materials
    login_as(client, s.p.investigator)
    params = {**YEAR_2024, "kind": "refused", "unit": "baku-xetai", "records": "1"}
    # (the scope's units and the chosen subtree's units are read as lists of ids: two small queries)
    with django_assert_max_num_queries(audited(17)):
        response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{mine.get_absolute_url()}"' in html
    assert theirs.number in html and f'href="{theirs.get_absolute_url()}"' not in html
    assert "CASE-HIDDEN" in html
    assert "/stats/reports/records/export/?kind=refused" in html and "fmt=csv" in html
    listed = audit_events("stats.records.listed")
    assert len(listed) == 1
    data = json.loads(listed[0].data)
    assert data == {**YEAR_2024, "kind": "refused", "unit": "baku-xetai", "count": 3}


def test_the_records_are_those_counted(s):
    query = dashboard.parse_query(s.p.investigator, {**YEAR_2024, "unit": "baku-xetai"})
    cards = list(dashboard.record_cards(s.p.investigator, query))
    # The three cases opened in 2024: not the cancelled one, not the one of December 2023.
    assert [card.occurred_on for card in cards] == [
        dt.date(2024, 5, 20),
        dt.date(2024, 5, 10),
        dt.date(2024, 3, 4),
    ]


def test_the_records_report_builds_and_estimates_inside_the_scope(s, audit_events):
    spec = reports.get("records")
    assert spec is not None
    params = {**YEAR_2024, "unit": "baku-xetai"}
    assert spec.estimate is not None and spec.estimate(s.p.investigator, params) == 3
    report = spec.build(s.p.investigator, params)
    table = report.table("records")
    assert [row.cells["date"] for row in table.rows] == ["2024-05-20", "2024-05-10", "2024-03-04"]
    assert report.period == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert audit_events("stats.records.listed")[-1].purpose == "export"
    with pytest.raises(NotFound):
        spec.build(s.p.investigator, {**params, "unit": "baku"})
    with pytest.raises(NotFound):
        spec.build(s.p.colleague, params)


def test_the_records_export_downloads_a_csv(client, s):
    login_as(client, s.p.superior)
    response = client.get(
        reverse("stats:report_export", args=["records"]), {**YEAR_2024, "unit": "baku-xetai", "fmt": "csv"}
    )
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("2024-05-") == 2
