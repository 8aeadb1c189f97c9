"""The crime map: counts and rates per 10,000 residents per region (the figures of test_dashboard_support),
the regions linking to the drill-down, the table beside the map, and the scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.stats import access, dashboard

from .test_dashboard_support import YEAR_2024, make_cards, make_people

pytestmark = pytest.mark.django_db

URL = reverse("stats:map")


@pytest.fixture
def s(db):
    people = make_people()
    make_cards(people)
    return people


def figures(user, **params):
    result = dashboard.crime_map(user, dashboard.parse_query(user, {**YEAR_2024, **params}))
    return result, {figure.code: (figure.count, figure.rate) for figure in result.figures if figure.count}


def test_the_map_counts_and_rates_every_region(s, django_assert_max_num_queries):
    access.grants(s.p.admin)  # the grants are read once per request, by the access check
    with django_assert_max_num_queries(3):  # the scope's units, the counts, the population
        result, found = figures(s.p.admin)
    assert found == {"AZ-BA": (6, Decimal("0.04")), "AZ-GA": (4, Decimal("0.16"))}
    assert len(result.figures) == 75  # every region of the map
    assert result.total == 10
    assert result.values() == {"AZ-BA": 6, "AZ-GA": 4}
    rate_result, _ = figures(s.p.admin, measure="rate")
    # Regions without a population figure have no rate (grey); those with one and no cards have 0.
    assert rate_result.values() == {"AZ-BA": 0.04, "AZ-GA": 0.16}


def test_the_map_of_a_unit_head_holds_their_unit_only(s):
    _result, found = figures(s.p.investigator)
    assert found == {"AZ-BA": (3, Decimal("0.02"))}  # 3 × 10,000 / 1,500,000


def test_the_map_page_draws_the_regions_linked_to_the_drill_down_with_a_table(client, s, english):
    login_as(client, s.p.admin)
    response = client.get(URL, YEAR_2024)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="eprok-map__region ') == 75
    drill = reverse("stats:drill")
    assert f'href="{drill}?kind=opened&amp;start=2024-01-01&amp;end=2024-12-31&amp;region=AZ-GA"' in html
    assert "<table" in html and "Ganja City" in html
    assert "measure=rate" in html and 'href="/help/stats-dashboard/"' in html
    response = client.get(URL, {**YEAR_2024, "measure": "rate"})
    assert response.status_code == 200
    assert "0.16" in response.content.decode()


def test_the_map_refuses_bad_parameters_with_a_form_error(client, s, english):
    login_as(client, s.p.admin)
    assert client.get(URL, {"measure": "volume"}).status_code == 400
    response = client.get(URL, {"start": "2024-02-01", "end": "2024-01-01"})
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()


def test_the_map_opens_for_holders_of_view_statistics_only(client, s):
    assert_access_matrix(
        client,
        s,
        URL,
        {"anonymous": 302, "colleague": 404, "investigator": 200, "outsider": 200, "superior": 200},
    )
