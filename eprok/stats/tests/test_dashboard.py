"""The dashboard: key indicators of the year so far against the same period of last year, the monthly trend,
computed by hand below; the page's access rules and its query ceiling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.stats import access, dashboard
from eprok.stats.models import CardKind, SubjectType

from .test_dashboard_support import card, make_cards, make_people

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 15)
URL = reverse("stats:dashboard")


@pytest.fixture
def s(db):
    people = make_people()
    make_cards(people)
    return people


def _indicator_cards(s):
    """Xətai: next to make_cards' three cases opened in 2024 (and the one of 31 December 2023)."""
    unit = s.p.unit
    # Last year's same period is 1 January to 15 June 2023.
    card(unit, occurred_on=dt.date(2023, 2, 1))
    card(unit, occurred_on=dt.date(2023, 6, 15))
    card(unit, occurred_on=dt.date(2023, 6, 16))  # after the same day last year: not compared
    card(unit, CardKind.SOLVED, dt.date(2024, 4, 1))
    card(unit, CardKind.SOLVED, dt.date(2024, 6, 15))
    card(unit, CardKind.SOLVED, dt.date(2023, 3, 1))
    card(unit, CardKind.SUSPENDED, dt.date(2024, 5, 1), ground="53.1.1")  # unsolved
    card(unit, CardKind.SUSPENDED, dt.date(2024, 5, 2), ground="53.1.2")  # suspended, but not unsolved
    card(unit, CardKind.SUSPENDED, dt.date(2023, 4, 1), ground="53.1.1")
    card(unit, CardKind.SENT_TO_COURT, dt.date(2024, 6, 1))
    for day in (1, 2, 3, 4):
        card(unit, CardKind.REGISTERED, dt.date(2024, 2, day), subject_type=SubjectType.MATERIAL)
    for day in (1, 2, 3, 4, 5):
        card(unit, CardKind.REGISTERED, dt.date(2023, 2, day), subject_type=SubjectType.MATERIAL)
    # Another unit's cards never reach the Xətai figures.
    card(s.p.other_unit, CardKind.SOLVED, dt.date(2024, 4, 1))


def _tiles(board):
    return {item.key: (item.now, item.before, item.change) for item in board.indicators}


def test_the_indicators_compare_the_year_so_far_with_the_same_period_last_year(s, django_assert_num_queries):
    _indicator_cards(s)
    access.grants(s.p.investigator)  # the grants are read once per request, by the access check
    with django_assert_num_queries(4):  # the scope's units, then three counts
        board = dashboard.dashboard(s.p.investigator, today=TODAY)
    assert (board.start, board.end) == (dt.date(2024, 1, 1), TODAY)
    assert (board.before_start, board.before_end) == (dt.date(2023, 1, 1), dt.date(2023, 6, 15))
    assert _tiles(board) == {
        "opened": (3, 2, Decimal("50.0")),
        "solved": (2, 1, Decimal("100.0")),
        # 2 / (2 + 1) = 66.7 % against 1 / (1 + 1) = 50.0 %: 16.7 percentage points more.
        "solve_rate": (Decimal("66.7"), Decimal("50.0"), Decimal("16.7")),
        "sent_to_court": (1, 0, None),
        "registered": (4, 5, Decimal("-20.0")),
        "refused": (0, 0, None),
    }


def test_the_trend_counts_each_of_the_last_twelve_months(s):
    _indicator_cards(s)
    board = dashboard.dashboard(s.p.investigator, today=TODAY)
    assert board.months[0] == dt.date(2023, 7, 1)
    assert board.months[-1] == dt.date(2024, 6, 1)
    assert len(board.months) == 12
    series = {item.kind: dict(item.points) for item in board.series}
    opened = {month: n for month, n in series[CardKind.OPENED].items() if n}
    assert opened == {dt.date(2023, 12, 1): 1, dt.date(2024, 3, 1): 1, dt.date(2024, 5, 1): 2}
    solved = {month: n for month, n in series[CardKind.SOLVED].items() if n}
    assert solved == {dt.date(2024, 4, 1): 1, dt.date(2024, 6, 1): 1}
    assert board.trend_rows[-1] == (dt.date(2024, 6, 1), [0, 1, 0, 1])


def test_the_unit_and_the_region_narrow_the_figures_inside_the_scope(s):
    # The GPO analyst's whole scope: Xətai 3 + Nəsimi 1 (its second case is in July) + the Baku office 1
    # + Gəncə 4 cases opened by 15 June 2024.
    tiles = _tiles(dashboard.dashboard(s.p.admin, today=TODAY))
    assert tiles["opened"][0] == 9
    assert _tiles(dashboard.dashboard(s.p.admin, unit=s.p.city, today=TODAY))["opened"][0] == 5
    assert _tiles(dashboard.dashboard(s.p.admin, region="AZ-GA", today=TODAY))["opened"][0] == 4
    # The head of the Xətai office sees the Xətai office only, whatever else exists.
    assert _tiles(dashboard.dashboard(s.p.investigator, today=TODAY))["opened"][0] == 3


def test_the_dashboard_is_shown_to_holders_of_view_statistics_only(client, s):
    assert_access_matrix(
        client,
        s,
        URL,
        {"anonymous": 302, "colleague": 404, "investigator": 200, "outsider": 200, "superior": 200},
    )


def test_a_unit_outside_the_scope_answers_404_and_is_audited(client, s, audit_events):
    login_as(client, s.p.investigator)
    response = client.get(URL, {"unit": s.p.city.code})
    assert response.status_code == 404
    denied = audit_events("access.denied")
    assert denied[-1].target_id == s.p.city.code


def test_a_bad_region_is_a_form_error(client, s, english):
    login_as(client, s.p.superior)
    response = client.get(URL, {"region": "AZ-XX"})
    assert response.status_code == 400
    assert "There is no region with this code." in response.content.decode()


def test_the_page_shows_the_tiles_charts_tables_and_links(client, s, english, django_assert_max_num_queries):
    today = timezone.localdate()
    card(s.p.unit, occurred_on=today)
    card(s.p.unit, CardKind.SOLVED, today)
    login_as(client, s.p.superior)
    with django_assert_max_num_queries(16):
        response = client.get(URL, {"unit": s.p.unit.code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Crimes registered" in html and "Solve rate" in html
    assert html.count("<svg") >= 4  # one trend chart per series
    assert "By month" in html  # the table of the same figures
    assert reverse("stats:drill") + "?unit=baku-xetai" in html
    assert reverse("stats:map") in html
    assert "/stats/reports/collegium/?unit=baku-xetai" in html
    assert 'href="/help/stats-dashboard/"' in html
