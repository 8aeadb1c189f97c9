"""The dashboard, drill-down and map API (/api/v1/stats): the same figures and rules as the pages."""

from __future__ import annotations

import pytest

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token

from .test_dashboard_support import YEAR_2024, make_cards, make_people

pytestmark = pytest.mark.django_db

BASE = "/api/v1/stats"
READERS = {"anonymous": 401, "colleague": 404, "investigator": 200, "outsider": 200, "superior": 200}


@pytest.fixture
def s(db):
    people = make_people()
    make_cards(people)
    return people


def get(client, user, path, **params):
    return client.get(BASE + path, params, headers=bearer(make_token(user)))


def test_every_operation_is_open_to_holders_of_view_statistics_only(client, s):
    for path in ("/dashboard", "/drill", "/map"):
        assert_access_matrix(client, s, BASE + path, READERS)


def test_the_drill_answers_the_rows_of_each_level(client, s):
    body = get(client, s.p.admin, "/drill", **YEAR_2024).json()
    assert body["level"] == "country" and body["total"] == 10
    assert [(row["region"], row["count"], row["rate"]) for row in body["rows"]] == [
        ("AZ-BA", 6, 0.04),
        ("AZ-GA", 4, 0.16),
    ]
    body = get(client, s.p.admin, "/drill", region="AZ-BA", **YEAR_2024).json()
    assert [(row["unit"], row["count"]) for row in body["rows"]] == [
        ("baku", 1),
        ("baku-xetai", 3),
        ("baku-nesimi", 2),
    ]
    body = get(client, s.p.superior, "/drill", unit="baku", **YEAR_2024).json()
    assert [(row["unit"], row["count"], row["own"]) for row in body["rows"]] == [
        ("baku-xetai", 3, False),
        ("baku-nesimi", 2, False),
        ("", 1, True),
    ]


def test_a_unit_outside_the_scope_is_404_and_bad_parameters_are_400(client, s):
    assert get(client, s.p.investigator, "/drill", unit="baku").status_code == 404
    assert get(client, s.p.investigator, "/dashboard", unit="baku").status_code == 404
    response = get(client, s.p.admin, "/drill", start="2024-12-31", end="2024-01-01")
    assert response.status_code == 400
    assert response.json()["details"]["end"]
    assert get(client, s.p.admin, "/map", kind="nonsense").status_code == 400
    assert get(client, s.p.admin, "/map", measure="volume").status_code == 400
    assert get(client, s.p.admin, "/drill", region="AZ-XX").status_code == 400
    assert get(client, s.p.admin, "/drill", start="yesterday").status_code == 400


def test_the_map_answers_every_region_with_the_chosen_measure(client, s):
    body = get(client, s.p.admin, "/map", measure="rate", **YEAR_2024).json()
    assert body["total"] == 10 and body["population_year"] == 2024
    regions = {row["code"]: row for row in body["regions"]}
    assert len(regions) == 75
    assert (regions["AZ-GA"]["count"], regions["AZ-GA"]["rate"], regions["AZ-GA"]["value"]) == (4, 0.16, 0.16)
    assert regions["AZ-SM"]["rate"] is None and regions["AZ-SM"]["count"] == 0
    mine = get(client, s.p.investigator, "/map", **YEAR_2024).json()
    assert {row["code"]: row["count"] for row in mine["regions"] if row["count"]} == {"AZ-BA": 3}


def test_the_dashboard_answers_the_indicators_and_the_series(client, s):
    body = get(client, s.p.superior, "/dashboard", unit="baku-xetai").json()
    assert body["unit"] == "baku-xetai"
    assert [item["key"] for item in body["indicators"]] == [
        "opened",
        "solved",
        "solve_rate",
        "sent_to_court",
        "registered",
        "refused",
    ]
    assert len(body["series"]) == 4 and all(len(series["points"]) == 12 for series in body["series"])


def test_a_token_without_the_read_scope_is_refused(client, s):
    token = make_token(s.p.admin, scopes=["write"])
    response = client.get(BASE + "/drill", headers=bearer(token))
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
