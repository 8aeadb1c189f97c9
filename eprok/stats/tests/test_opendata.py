"""Open data: figures by region and chapter worked out by hand on fixed cards, with suppression; the pages,
files and API open to anyone; only completed years; nothing about a single record ever shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from eprok.core import guides
from eprok.core.geo.regions import regions
from eprok.stats import opendata
from eprok.stats.models import Card, CardKind, SubjectType

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
YEAR = THIS_YEAR - 2  # a completed year with the worked example
LAST_YEAR = THIS_YEAR - 1
A, B, C = (r.code for r in regions()[:3])  # the first three regions, by code
SECRET_NUMBER = "CI-SECRET-000777"
N_REGIONS = len(regions())
N_CHAPTERS = 20  # chapters 16-35 of the Special Part
_ids = itertools.count(1)


def card(
    unit: Any,
    *,
    region: str,
    chapter: int | None,
    kind: str = CardKind.OPENED,
    year: int = YEAR,
    **extra: Any,
) -> Card:
    pk = next(_ids)
    values: dict[str, Any] = {
        "subject_type": SubjectType.CASE,
        "subject_id": pk,
        "subject_number": SECRET_NUMBER,
        "kind": kind,
        "fact_key": kind,
        "occurred_on": dt.date(year, 3, 1 + pk % 27),
        # Recorded soon after the year, before its publication cutoff.
        "recorded_at": timezone.make_aware(dt.datetime(year + 1, 1, 10)),
        "body": "prosecution",
        "unit": unit,
        "unit_path": unit.path,
        "region": region,
        "article": str(120 if chapter == 18 else 177) if chapter else "",
        "chapter": chapter,
        "category": 3,
        **extra,
    }
    return Card.objects.create(**values)


def cancel(original: Card) -> Card:
    """The correcting card (-1) of `original`, with its values, as services.record writes it."""
    return Card.objects.create(
        subject_type=original.subject_type,
        subject_id=original.subject_id,
        subject_number=original.subject_number,
        kind=original.kind,
        fact_key=original.fact_key,
        revision=original.revision,
        sign=-1,
        corrects=original,
        occurred_on=original.occurred_on,
        recorded_at=original.recorded_at + dt.timedelta(days=1),
        body=original.body,
        unit=original.unit,
        unit_path=original.unit_path,
        region=original.region,
        article=original.article,
        chapter=original.chapter,
        category=original.category,
        reason="article re-qualified",
    )


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    # Card ids are reused after each test's rollback on SQLite: counts cached by one test must not leak.
    cache.clear()


@pytest.fixture
def example(personas: Any) -> None:
    """Crimes registered in YEAR:

    region | ch. 18 | ch. 23 | total
    A      |    7   |    3   |   10     (ch. 23: 4 cards, one cancelled by a -1 card)
    B      |    6   |    9   |   15
    C      |   20   |   15   |   35
    total  |   33   |   27   |   60

    Primary: A/23 = 3. Row A then hides A/18 (7), column 23 hides B/23 (9, smaller than 15), column 18
    hides B/18 (6): every row and column of the hidden rectangle has two hidden cells; the totals stay.
    """
    unit = personas.unit
    for region, chapter, count in ((A, 18, 7), (A, 23, 3), (B, 18, 6), (B, 23, 9), (C, 18, 20), (C, 23, 15)):
        for _ in range(count):
            card(unit, region=region, chapter=chapter)
    cancel(card(unit, region=A, chapter=23))
    # Not crimes registered, or not in a published year:
    card(unit, region=A, chapter=18, kind=CardKind.REGISTERED)  # a crime report, not a case
    card(unit, region=A, chapter=18, kind=CardKind.SOLVED)
    card(unit, region=B, chapter=23, year=LAST_YEAR)
    card(unit, region=B, chapter=23, year=THIS_YEAR)


def figure(rows: list[dict[str, Any]], region: str, group: str) -> dict[str, Any]:
    (row,) = [r for r in rows if r["region_code"] == region and r["article_group"] == group]
    return row


def test_the_published_years_are_the_completed_ones_from_the_first_year_with_cards(example: None) -> None:
    published = [year for year in (YEAR, LAST_YEAR) if opendata.cutoff(year) <= timezone.now()]
    assert opendata.completed_years() == published
    assert opendata.completed_years(now=opendata.cutoff(LAST_YEAR)) == [YEAR, LAST_YEAR]
    assert opendata.completed_years(now=opendata.cutoff(LAST_YEAR) - dt.timedelta(seconds=1)) == [YEAR]


def test_a_card_recorded_after_the_cutoff_never_changes_a_published_table(example: None) -> None:
    from eprok.org.models import Unit

    measure = opendata.MEASURES["crimes-registered"]
    before = opendata.long_rows(opendata.table(YEAR, measure), lang="en")
    # A late card (or correction) for the published year: comparing two downloads must not place it.
    card(Unit.objects.first(), region=A, chapter=23, recorded_at=opendata.cutoff(YEAR) + dt.timedelta(days=1))
    cache.clear()
    assert opendata.long_rows(opendata.table(YEAR, measure), lang="en") == before


def test_there_are_no_years_without_cards(db: None) -> None:
    assert opendata.completed_years() == []


def test_the_table_counts_net_cards_by_region_and_chapter_and_hides_small_ones(example: None) -> None:
    table = opendata.table(YEAR, opendata.MEASURES["crimes-registered"])
    rows = opendata.long_rows(table, lang="en")
    assert len(rows) == (N_REGIONS + 1) * (N_CHAPTERS + 1)
    hidden = {(r["region_code"], r["article_group"]) for r in rows if r["suppressed"]}
    assert hidden == {(A, "18"), (A, "23"), (B, "18"), (B, "23")}
    assert all(r["value"] is None for r in rows if r["suppressed"])
    published = {
        (region, group): figure(rows, region, group)["value"]
        for region, group in (
            (C, "18"),
            (C, "23"),
            (A, "TOTAL"),
            (B, "TOTAL"),
            (C, "TOTAL"),
            ("TOTAL", "18"),
            ("TOTAL", "23"),
            ("TOTAL", "TOTAL"),
            (A, "16"),
            ("TOTAL", "35"),
        )
    }
    assert published == {
        (C, "18"): 20,
        (C, "23"): 15,
        (A, "TOTAL"): 10,
        (B, "TOTAL"): 15,
        (C, "TOTAL"): 35,
        ("TOTAL", "18"): 33,
        ("TOTAL", "23"): 27,
        ("TOTAL", "TOTAL"): 60,
        (A, "16"): 0,
        ("TOTAL", "35"): 0,
    }
    assert figure(rows, "TOTAL", "18")["article_group_name"] == "Chapter 18. Crimes against life and health"
    assert figure(rows, A, "18")["region_name"] == regions()[0].names["en"]
    assert figure(rows, "TOTAL", "TOTAL")["region_name"] == "All regions"


def test_names_follow_the_language_asked_for(example: None) -> None:
    table = opendata.table(YEAR, opendata.MEASURES["crimes-registered"])
    row = figure(opendata.long_rows(table, lang="az"), A, "18")
    assert row["region_name"] == regions()[0].names["az"]
    assert row["article_group_name"].endswith("Həyat və sağlamlıq əleyhinə cinayətlər")


def test_a_small_total_is_hidden_with_the_figures_that_would_reveal_it(example: None) -> None:
    # Crimes solved in YEAR: a single card (A, ch. 18): the cell, its row and column totals and the grand
    # total are all 1.
    rows = opendata.long_rows(opendata.table(YEAR, opendata.MEASURES["crimes-solved"]))
    hidden = {(r["region_code"], r["article_group"]) for r in rows if r["suppressed"]}
    assert hidden == {(A, "18"), (A, "TOTAL"), ("TOTAL", "18"), ("TOTAL", "TOTAL")}
    assert figure(rows, B, "TOTAL")["value"] == 0


def test_the_threshold_comes_from_the_settings(example: None, settings: Any) -> None:
    settings.EPROK_OPEN_DATA_THRESHOLD = 3
    rows = opendata.long_rows(opendata.table(YEAR, opendata.MEASURES["crimes-registered"]))
    assert not any(r["suppressed"] for r in rows)
    assert figure(rows, A, "23")["value"] == 3


def test_cards_without_a_region_or_an_article_are_counted_in_their_own_row_and_column(personas: Any) -> None:
    for _ in range(6):
        card(personas.unit, region="", chapter=None)
    table = opendata.table(YEAR, opendata.MEASURES["crimes-registered"])
    assert table.regions[-2:] == (opendata.UNKNOWN, opendata.TOTAL)
    assert table.groups[-2:] == (opendata.UNKNOWN, opendata.TOTAL)
    rows = opendata.long_rows(table, lang="en")
    assert figure(rows, "UNKNOWN", "UNKNOWN")["value"] == 6
    assert figure(rows, "UNKNOWN", "UNKNOWN")["region_name"] == "Region not determined"
    assert figure(rows, "TOTAL", "UNKNOWN")["article_group_name"] == "Article not determined"
    assert figure(rows, "TOTAL", "TOTAL")["value"] == 6


def test_a_card_added_after_a_table_was_read_shows_at_once(example: None, personas: Any) -> None:
    measure = opendata.MEASURES["crimes-registered"]
    assert figure(opendata.long_rows(opendata.table(YEAR, measure)), "TOTAL", "TOTAL")["value"] == 60
    card(personas.unit, region=C, chapter=18)
    assert figure(opendata.long_rows(opendata.table(YEAR, measure)), "TOTAL", "TOTAL")["value"] == 61


# --- pages and files --------------------------------------------------------------------------------------


def test_the_index_lists_the_years_and_explains_suppression_to_anyone(
    client: Any, example: None, english: None
) -> None:
    response = client.get("/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/open-data/{YEAR}/crimes-registered/" in html
    assert f"/open-data/{LAST_YEAR}/cases-sent-to-court.csv" in html
    assert f"/open-data/{THIS_YEAR}/" not in html
    assert "&lt;5" in html
    assert "/help/open-data/" in html
    assert "private" in response["Cache-Control"]


def test_the_table_page_shows_figures_and_hidden_cells_to_anyone(
    client: Any, example: None, english: None, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        response = client.get(f"/open-data/{YEAR}/crimes-registered/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<td class="text-right font-mono-xs">&lt;5</td>') == 4
    assert '<td class="text-right font-mono-xs">60</td>' in html
    assert "Crimes against property" in html
    assert SECRET_NUMBER not in html


def read_csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_the_csv_is_long_form_with_the_schema_fields_and_public_cache_headers(
    client: Any, example: None
) -> None:
    response = client.get(f"/open-data/{YEAR}/crimes-registered.csv?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    rows = read_csv(response)
    schema = client.get("/open-data/schema.json").json()
    assert list(rows[0]) == [field["name"] for field in schema["fields"]]
    assert len(rows) == (N_REGIONS + 1) * (N_CHAPTERS + 1)
    cell = figure(rows, A, "23")
    assert (cell["value"], cell["suppressed"]) == ("<5", "true")
    grand = figure(rows, "TOTAL", "TOTAL")
    assert (grand["value"], grand["suppressed"], grand["measure"]) == ("60", "false", "crimes-registered")
    assert SECRET_NUMBER not in response.content.decode()


def test_the_csv_shows_the_configured_threshold(client: Any, example: None, settings: Any) -> None:
    settings.EPROK_OPEN_DATA_THRESHOLD = 10
    rows = read_csv(client.get(f"/open-data/{YEAR}/crimes-registered.csv"))
    assert figure(rows, A, "18")["value"] == "<10"
    assert figure(rows, A, "TOTAL")["value"] == "10"
    schema = client.get("/open-data/schema.json").json()
    assert "<10" in schema["missingValues"]


def test_the_json_names_its_schema_and_threshold_and_flags_hidden_values(client: Any, example: None) -> None:
    response = client.get(f"/open-data/{YEAR}/crimes-registered.json")
    assert response.status_code == 200
    assert "max-age=3600" in response["Cache-Control"]
    data = response.json()
    assert data["schema"] == "http://testserver/open-data/schema.json"
    assert data["threshold"] == 5
    schema_fields = [field["name"] for field in client.get("/open-data/schema.json").json()["fields"]]
    assert all(list(row) == schema_fields for row in data["rows"])
    row = figure(data["rows"], B, "23")
    assert {key: value for key, value in row.items() if not key.endswith("_name")} == {
        "year": YEAR,
        "region_code": B,
        "article_group": "23",
        "measure": "crimes-registered",
        "value": None,
        "suppressed": True,
    }
    assert row["region_name"] == regions()[1].names["az"]  # Azerbaijani unless ?lang= asks otherwise
    assert figure(data["rows"], C, "TOTAL")["value"] == 35


def test_the_schema_is_a_table_schema_of_the_long_form(client: Any) -> None:
    response = client.get("/open-data/schema.json")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    schema = response.json()
    fields = {field["name"]: field["type"] for field in schema["fields"]}
    assert fields == {
        "year": "integer",
        "region_code": "string",
        "region_name": "string",
        "article_group": "string",
        "article_group_name": "string",
        "measure": "string",
        "value": "integer",
        "suppressed": "boolean",
    }
    assert schema["primaryKey"] == ["year", "measure", "region_code", "article_group"]


@pytest.mark.parametrize(
    "path",
    [
        f"/open-data/{THIS_YEAR}/crimes-registered/",  # the year is not over
        f"/open-data/{THIS_YEAR}/crimes-registered.csv",
        f"/open-data/{YEAR - 1}/crimes-registered/",  # before the first year with cards
        f"/open-data/{YEAR}/convictions/",  # not a published measure
        f"/open-data/{YEAR}/registered.json",
        f"/open-data/{THIS_YEAR + 1}/crimes-solved.json",
    ],
)
def test_an_unknown_or_unfinished_year_or_measure_is_not_found(client: Any, example: None, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_public_portal_links_to_open_data(client: Any) -> None:
    assert 'href="/open-data/"' in client.get("/portal/").content.decode()


def test_the_guide_is_public(client: Any) -> None:
    assert "open-data" in guides.PUBLIC
    assert "open-data" in guides.available()
    assert client.get("/help/open-data/").status_code == 200


# --- API ------------------------------------------------------------------------------------------------


def test_the_api_lists_the_years_without_a_token(client: Any, example: None) -> None:
    response = client.get("/api/v1/stats/open-data/years")
    assert response.status_code == 200
    data = response.json()
    assert data["years"] == [YEAR, LAST_YEAR]
    assert [m["slug"] for m in data["measures"]] == [
        "crimes-registered",
        "crimes-solved",
        "cases-sent-to-court",
    ]
    assert data["threshold"] == 5
    assert "max-age=3600" in response["Cache-Control"]


def test_the_api_gives_the_same_rows_as_the_json_file(client: Any, example: None) -> None:
    response = client.get(f"/api/v1/stats/open-data/{YEAR}/crimes-registered")
    assert response.status_code == 200
    data = response.json()
    assert data["rows"] == client.get(f"/open-data/{YEAR}/crimes-registered.json").json()["rows"]
    assert data["schema_url"] == "http://testserver/open-data/schema.json"
    assert SECRET_NUMBER not in response.content.decode()


def test_the_api_answers_404_for_an_unfinished_year_or_unknown_measure(client: Any, example: None) -> None:
    for path in (f"{THIS_YEAR}/crimes-registered", f"{YEAR}/acquittals"):
        response = client.get(f"/api/v1/stats/open-data/{path}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
