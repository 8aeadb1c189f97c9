"""The report builder: figures hand-computed on fixed cards, every validation error, the page, saving and
sharing queries (owner, same unit with the role, another unit → 404)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from eprok.core.errors import NotFound, ValidationFailed
from eprok.core.geo.regions import region_name
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory
from eprok.stats.models import Card, SavedQuery
from eprok.stats.reports import builder
from eprok.stats.reports import get as get_report

pytestmark = pytest.mark.django_db

_subjects = itertools.count(1)
START, END = "2026-01-01", "2026-06-30"


def card(unit: Any, kind: str, day: str, **fields: Any) -> Card:
    occurred = dt.date.fromisoformat(day)
    recorded = fields.pop("recorded", None) or timezone.make_aware(dt.datetime.combine(occurred, dt.time(12)))
    n = next(_subjects)
    values: dict[str, Any] = {
        "subject_type": "cases.case",
        "subject_id": n,
        "subject_number": f"26{n:07d}",
        "kind": kind,
        "fact_key": kind,
        "occurred_on": occurred,
        "recorded_at": recorded,
        "body": "prosecution",
        "unit": unit,
        "unit_path": unit.path,
        "region": "AZ-BA",
        "article": "177",
        "chapter": 23,
        "category": 2,
        "ground": "",
    }
    values.update(fields)
    return Card.objects.create(**values)


@pytest.fixture
def cards(personas):
    """X = Xətai (personas.unit), N = Nəsimi (other_unit), C = the Baku city office (city), G = the GPO."""
    x, n, c, g = personas.unit, personas.other_unit, personas.city, personas.root
    card(x, "opened", "2026-01-10")  # 1
    card(x, "opened", "2026-02-05", body="police", article="178", category=3)  # 2
    card(x, "solved", "2026-02-20")  # 3
    card(n, "opened", "2026-01-15", body="police", region="AZ-SM", article="120", chapter=19, category=4)  # 4
    card(
        n,
        "suspended",
        "2026-03-01",
        body="police",
        region="AZ-SM",
        article="120",
        chapter=19,
        category=4,
        ground="53.1.1",
    )  # 5: unsolved
    card(
        n,
        "suspended",
        "2026-03-02",
        body="police",
        region="AZ-SM",
        article="120",
        chapter=19,
        category=4,
        ground="53.1.2",
    )  # 6: suspended, not unsolved
    card(c, "opened", "2026-04-01")  # 7: the city office's own case
    card(x, "opened", "2025-12-31")  # 8: before the period
    card(x, "opened", "2026-05-01", recorded=timezone.make_aware(dt.datetime(2026, 5, 2, 9)))  # 9
    cancelled = card(x, "opened", "2026-03-03")  # 10, cancelled by 11
    card(
        x,
        "opened",
        "2026-03-03",
        sign=-1,
        corrects=cancelled,
        fact_key="opened",
        subject_id=cancelled.subject_id,
        revision=1,
    )  # 11
    card(g, "opened", "2026-02-01")  # 12: the GPO's own, outside the city
    return personas


@pytest.fixture
def analyst(cards):
    """superior: "View statistics" over the Baku city office with its districts."""
    RoleAssignmentFactory(
        employee=cards.superior, role=Role.VIEW_STATISTICS, unit=cards.city, include_subunits=True
    )
    return cards.superior


@pytest.fixture
def district(cards):
    """investigator: "View statistics" over Xətai only."""
    RoleAssignmentFactory(employee=cards.investigator, role=Role.VIEW_STATISTICS, unit=cards.unit)
    return cards.investigator


def definition(**fields: Any) -> dict[str, Any]:
    return {"measures": ["opened"], "dimensions": [], "start": START, "end": END, **fields}


def rows(report: Any) -> list[dict[str, Any]]:
    return [row.cells for row in report.tables[0].rows]


def run(user: Any, **fields: Any) -> Any:
    return builder.build(user, {"definition": definition(**fields)})


# --- figures ------------------------------------------------------------------------------------------------


def test_measures_by_the_children_of_the_unit(analyst, cards, english):
    report = run(
        analyst,
        unit="baku",
        measures=["opened", "solved", "unsolved", "suspended", "solve_rate"],
        dimensions=["unit"],
    )
    got = rows(report)
    # Xətai: opened 1, 2, 9 (10 cancelled by 11, 8 before the period); solved 3.
    assert got[0] == {
        "dim_0": cards.unit.name,
        "opened": 3,
        "solved": 1,
        "unsolved": 0,
        "suspended": 0,
        "solve_rate": Decimal("100.0"),
    }
    # Nəsimi: opened 4; suspended 5 and 6, of which 5 on ground 53.1.1 (unsolved).
    assert got[1] == {
        "dim_0": cards.other_unit.name,
        "opened": 1,
        "solved": 0,
        "unsolved": 1,
        "suspended": 2,
        "solve_rate": Decimal("0.0"),
    }
    # The city office's own case 7; the GPO's card 12 is outside the scope and the unit.
    assert got[2] == {
        "dim_0": f"{cards.city.name} (own cases)",
        "opened": 1,
        "solved": 0,
        "unsolved": 0,
        "suspended": 0,
        "solve_rate": None,
    }
    # Total: solve rate 1 / (1 + 1) = 50 %.
    assert got[3] == {
        "dim_0": "Total",
        "opened": 5,
        "solved": 1,
        "unsolved": 1,
        "suspended": 2,
        "solve_rate": Decimal("50.0"),
    }
    assert report.tables[0].rows[3].total and len(got) == 4
    assert report.params["definition"]["unit"] == "baku"


def test_two_dimensions_body_and_month(analyst, english):
    report = run(analyst, dimensions=["body", "month"])
    got = [(r["dim_0"], r["dim_1"], r["opened"]) for r in rows(report)]
    assert got == [
        ("Prosecution service", "January", 1),  # card 1
        ("Prosecution service", "April", 1),  # card 7
        ("Prosecution service", "May", 1),  # card 9
        ("Police", "January", 1),  # card 4
        ("Police", "February", 1),  # card 2
        ("Total", "", 5),
    ]


def test_region_labels_and_filters(analyst):
    by_region = rows(run(analyst, dimensions=["region"]))
    assert by_region[:2] == [
        {"dim_0": region_name("AZ-BA"), "opened": 4},  # cards 1, 2, 7, 9
        {"dim_0": region_name("AZ-SM"), "opened": 1},  # card 4
    ]
    assert by_region[2]["opened"] == 5 and len(by_region) == 3
    assert rows(run(analyst, filters={"category": [2]}))[-1]["opened"] == 3  # cards 1, 7, 9
    assert rows(run(analyst, filters={"region": ["AZ-SM"]}, measures=["suspended"]))[-1]["suspended"] == 2
    assert rows(run(analyst, filters={"body": ["police"], "article": ["178"]}))[-1]["opened"] == 1  # card 2
    assert rows(run(analyst, filters={"chapter": [19]}))[-1]["opened"] == 1  # card 4


def test_as_of_and_year(analyst):
    # As of 15 April card 9 (recorded on 2 May) is not counted yet.
    assert rows(run(analyst, as_of="2026-04-15T00:00:00+04:00"))[-1]["opened"] == 4
    assert rows(run(analyst, dimensions=["year"]))[0] == {"dim_0": "2026", "opened": 5}


def test_a_district_sees_its_own_cards_only(district):
    # Default unit: the top of the scope, Xətai; only its cards 1, 2, 9.
    report = run(district)
    assert rows(report)[-1]["opened"] == 3
    assert report.unit_name == "Xətai rayon prokurorluğu"


def test_estimate_counts_groups(analyst):
    spec = get_report("builder")
    assert spec is not None and spec.estimate is not None
    # Units holding opened cards in the period: Xətai, Nəsimi, the city office → 3 groups + the total row.
    assert spec.estimate(analyst, {"definition": definition(unit="baku", dimensions=["unit"])}) == 4
    assert spec.estimate(analyst, {"definition": definition()}) == 1


# --- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"measures": ["opened", "arrests"]}, "measures", "Unknown measure"),
        ({"measures": []}, "measures", "at least one"),
        ({"dimensions": ["body", "year", "month"]}, "dimensions", "at most two"),
        ({"dimensions": ["ground"]}, "dimensions", "cannot be grouped"),
        ({"start": "2026-06-30", "end": "2026-01-01"}, "end", "before its start"),
        ({"start": "30.06.2026"}, "start", "YYYY-MM-DD"),
        ({"as_of": "yesterday"}, "as_of", "ISO"),
        ({"filters": {"region": ["XX"]}}, "region", "not a valid value"),
        ({"filters": {"region": ["AZ-QQQ"]}}, "region", "not a valid value"),
        ({"filters": {"category": [7]}}, "category", "not a valid value"),
        ({"filters": {"chapter": ["x"]}}, "chapter", "not a valid value"),
        ({"filters": {"body": ["army"]}}, "body", "not a valid value"),
        ({"filters": {"article": ["177'; drop"]}}, "article", "not a valid value"),
        ({"filters": {"ground": ["53.1.1"]}}, "filters", "Unknown filter"),
        ({"filters": ["body"]}, "filters", "JSON object"),
        ({"filters": {"body": ["police"] * 101}}, "body", "at most"),
        ({"colour": "red"}, "definition", "Unknown part"),
        ({"measures": "opened"}, "measures", "list of codes"),
    ],
)
def test_invalid_definitions(analyst, english, fields, field, text):
    with pytest.raises(ValidationFailed) as caught:
        run(analyst, **fields)
    assert field in caught.value.details
    assert text in str(caught.value.message)


def test_a_definition_that_is_not_an_object(analyst, english):
    with pytest.raises(ValidationFailed, match="JSON object"):
        builder.build(analyst, {"definition": ["opened"]})
    with pytest.raises(ValidationFailed, match="missing"):
        builder.build(analyst, {})


def test_drilling_where_the_user_may_not(district, english, audit_events):
    # Xətai has no sub-units the investigator may see: no breakdown by unit.
    with pytest.raises(ValidationFailed, match="may not break"):
        run(district, dimensions=["unit"])
    # The city office is outside the investigator's scope: 404, audited.
    with pytest.raises(NotFound):
        run(district, unit="baku")
    assert audit_events()


def test_without_the_role_nothing(cards):
    with pytest.raises(NotFound):
        run(cards.outsider)


# --- pages --------------------------------------------------------------------------------------------------


def query_string(**fields: Any) -> dict[str, Any]:
    return {"measures": ["opened", "solved"], "start": START, "end": END, **fields}


def test_the_builder_page_shows_the_result(analyst, signed_in, django_assert_max_num_queries):
    client = signed_in(analyst)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("stats:builder"), query_string(dimension_1="unit", unit="baku"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xətai rayon prokurorluğu" in html and "<svg" in html
    assert reverse("stats:builder_export") + "?fmt=xlsx" in html
    assert response.context["grid"][-1]["cells"][1:] == [("5", True), ("1", True)]
    assert response.context["help_page"] == "report-builder"


def test_the_builder_page_reports_bad_input(analyst, signed_in, english):
    client = signed_in(analyst)
    response = client.get(reverse("stats:builder"), query_string(start=END, end=START))
    assert response.status_code == 200
    assert "before its start" in response.content.decode()
    response = client.get(reverse("stats:builder"), query_string(dimension_1="month", dimension_2="month"))
    assert "two different" in response.content.decode()
    response = client.get(reverse("stats:builder"), query_string(article="abc"))
    assert "not an article number" in response.content.decode()


def test_the_builder_page_needs_the_role(cards, signed_in):
    assert signed_in(cards.outsider).get(reverse("stats:builder")).status_code == 404


def test_the_builder_page_refuses_a_unit_outside_the_scope(district, signed_in):
    response = signed_in(district).get(reverse("stats:builder"), query_string(unit="baku"))
    assert response.status_code == 200  # "baku" is not among the form's choices
    assert "unit" in response.context["form"].errors


# --- saved queries ------------------------------------------------------------------------------------------


@pytest.fixture
def peer(cards):
    """colleague: "View statistics" over the city office (no sub-units): sees what is shared with it."""
    RoleAssignmentFactory(employee=cards.colleague, role=Role.VIEW_STATISTICS, unit=cards.city)
    return cards.colleague


def save(client: Any, name: str = "Baku by district", shared: str = "", **fields: Any) -> Any:
    text = builder_json(definition(unit="baku", dimensions=["unit"], **fields))
    return client.post(
        reverse("stats:builder_save"), {"name": name, "shared_with": shared, "definition": text}
    )


def builder_json(data: dict[str, Any]) -> str:
    from eprok.stats.builder_forms import definition_text

    return definition_text(data)


def test_saving_sharing_and_running(analyst, peer, district, signed_in, audit_events, client):
    response = save(signed_in(analyst), shared="baku")
    query = SavedQuery.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "stats:saved_query", args=[query.public_id]
    )
    assert query.owner == analyst and query.shared_with == analyst.unit
    assert query.definition["dimensions"] == ["unit"] and query.definition["unit"] == "baku"
    assert audit_events("stats.query.saved")
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["grid"][-1]["cells"][1] == ("5", True)
    assert page.context["edit_form"] is not None

    # The peer over the city office sees and runs it, but may not change it.
    client.logout()
    peer_client = signed_in(peer)
    assert query.name in peer_client.get(reverse("stats:saved_queries")).content.decode()
    page = peer_client.get(reverse("stats:saved_query", args=[query.public_id]))
    assert page.status_code == 200 and "edit_form" not in page.context
    edit = peer_client.post(
        reverse("stats:saved_query_edit", args=[query.public_id]),
        {"name": "mine now", "shared_with": "", "version": 1},
    )
    assert edit.status_code == 403
    assert (
        peer_client.post(
            reverse("stats:saved_query_delete", args=[query.public_id]), {"version": 1}
        ).status_code
        == 403
    )

    # Xətai's analyst does not see a query shared with the city office.
    peer_client.logout()
    district_client = signed_in(district)
    assert query.name not in district_client.get(reverse("stats:saved_queries")).content.decode()
    assert district_client.get(reverse("stats:saved_query", args=[query.public_id])).status_code == 404


def test_a_private_query_is_the_owners_only(analyst, peer, signed_in):
    save(signed_in(analyst))
    query = SavedQuery.objects.get()
    assert query.shared_with is None
    assert signed_in(peer).get(reverse("stats:saved_query", args=[query.public_id])).status_code == 404


def test_sharing_only_where_the_owner_views_statistics(analyst, cards, signed_in, english):
    response = save(signed_in(analyst), shared="baku-nesimi")
    assert response.status_code == 422 and not SavedQuery.objects.exists()


def test_saving_an_invalid_definition(analyst, signed_in, english):
    client = signed_in(analyst)
    response = client.post(reverse("stats:builder_save"), {"name": "x", "definition": "{not json"})
    assert response.status_code == 422 and "not valid" in response.content.decode()
    response = save(client, measures=["arrests"])
    assert response.status_code == 422 and "Unknown measure" in response.content.decode()


def test_owner_renames_reshares_and_deletes_with_the_version(analyst, signed_in, audit_events):
    client = signed_in(analyst)
    save(client)
    query = SavedQuery.objects.get()
    url = reverse("stats:saved_query_edit", args=[query.public_id])
    assert client.post(url, {"name": "Renamed", "shared_with": "baku", "version": 1}).status_code == 302
    query.refresh_from_db()
    assert query.shared_with is not None
    assert (query.name, query.shared_with.code, query.version) == ("Renamed", "baku", 2)
    assert json.loads(audit_events("stats.query.updated")[0].changes)["name"] == [
        "Baku by district",
        "Renamed",
    ]
    stale = client.post(url, {"name": "Again", "shared_with": "", "version": 1})
    assert stale.status_code == 409
    query.refresh_from_db()
    assert query.name == "Renamed"
    delete = reverse("stats:saved_query_delete", args=[query.public_id])
    assert client.post(delete, {"version": 1}).status_code == 409
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not SavedQuery.objects.exists() and audit_events("stats.query.deleted")


def test_a_shared_query_runs_in_the_viewers_scope(analyst, district, signed_in):
    # Shared by someone who sees the city; the Xətai analyst would run it over Xətai (the unit dropped).
    query = SavedQuery.objects.create(
        name="City", owner=analyst, shared_with=district.unit, definition=definition(unit="baku")
    )
    page = signed_in(district).get(reverse("stats:saved_query", args=[query.public_id]))
    assert page.status_code == 200
    assert page.context["grid"][-1]["cells"][1] == ("3", True)  # Xətai's cards 1, 2, 9 only


def test_the_saved_list_is_bounded(analyst, signed_in, django_assert_max_num_queries):
    for i in range(5):
        SavedQuery.objects.create(
            name=f"Q{i}", owner=analyst, shared_with=analyst.unit, definition=definition()
        )
    client = signed_in(analyst)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("stats:saved_queries"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 5
