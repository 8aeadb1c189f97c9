"""The report pages and their API: the statistics home, a report with its period form, chart and tables,
the exports (XLSX, CSV, PDF, a large one in the background, every one audited), issuing a report and
reproducing it, who sees what (404 outside the scope), and the bounded number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import types
from typing import Any

import pytest
from django.utils import timezone

from eprok.core.testing.api import bearer, make_token
from eprok.stats import reports
from eprok.stats.models import IssuedReport
from eprok.stats.reports import ReportSpec
from eprok.stats.tests.test_collegium import (
    PERIOD,
    Scenario,
    analyst_at,
    build_scenario,
    make_card,
)

pytestmark = pytest.mark.django_db

URL = "/stats/reports/collegium/"
API = "/api/v1/stats"
QUERY = {**PERIOD, "unit": "baku"}


def audit_data(event: Any) -> Any:
    return json.loads(event.data)


@pytest.fixture
def scenario(personas: Any) -> Scenario:
    return build_scenario(personas)


@pytest.fixture
def analyst(scenario: Scenario, signed_in: Any) -> Any:
    return signed_in(scenario.analyst)


# --- the pages ------------------------------------------------------------------------------------------


def test_home_lists_the_reports(analyst: Any, english: Any) -> None:
    response = analyst.get("/stats/")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'href="/stats/reports/collegium/"' in text
    assert "Collegium report" in text
    for link in ("/stats/dashboard/", "/stats/builder/", "/stats/exports/", "/open-data/"):
        assert f'href="{link}"' in text
    assert response.context["help_page"] == "stats"


def test_report_page_shows_the_figures(scenario: Scenario, analyst: Any, english: Any) -> None:
    response = analyst.get(URL, QUERY)
    assert response.status_code == 200
    text = response.content.decode()
    assert scenario.personas.city.name_en in text  # the header
    assert "Period: 01.01.2026 to 31.03.2026" in text
    assert "Figures as of" in text
    tables = {table["key"]: table for table in response.context["tables"]}
    summary = [[cell[0] for cell in row["cells"]] for row in tables["summary"]["rows"]]
    assert summary[0] == ["Crimes registered", "6", "2", "200.0%"]
    assert summary[2] == ["Solve rate, %", "75.0", "50.0", "25.0%"]
    assert summary[5] == ["Cases terminated", "1", "0", "—"]
    units = tables["units"]["rows"]
    assert units[0]["link"] == "/stats/reports/collegium/?unit=baku-xetai&start=2026-01-01&end=2026-03-31"
    assert 'href="/stats/reports/collegium/?unit=baku-xetai&amp;start=2026-01-01&amp;end=2026-03-31"' in text
    assert units[-1]["total"]
    assert "<strong>6</strong>" in text  # the total row in bold
    assert "<svg" in text and "eprok-chart" in text  # the chart of the "by unit" table
    assert "fmt=xlsx" in text and "fmt=csv" in text and "fmt=pdf" in text
    assert "Issue this report" in text
    assert response.context["help_page"] == "stats"


def test_report_page_defaults(analyst: Any) -> None:
    response = analyst.get(URL)
    assert response.status_code == 200
    report = response.context["report"]
    today = timezone.localdate()
    assert report.period == (today.replace(month=1, day=1), today)
    assert report.params["unit"] == "baku"


def test_inverted_period_is_a_field_error(analyst: Any, english: Any) -> None:
    response = analyst.get(URL, {"start": "2026-03-01", "end": "2026-02-01", "unit": "baku"})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors["end"] == ["The end of the period is before its start."]
    assert "The end of the period is before its start." in response.content.decode()


def test_bad_date_is_a_field_error(analyst: Any) -> None:
    response = analyst.get(URL, {"start": "2026-02-30"})
    assert response.status_code == 200
    assert "start" in response.context["form"].errors


def test_empty_period_says_no_data(analyst: Any, english: Any) -> None:
    response = analyst.get(URL, {"start": "2020-01-01", "end": "2020-01-31"})
    assert response.status_code == 200
    assert "No data for the period." in response.content.decode()


def test_unknown_report_is_404(analyst: Any) -> None:
    assert analyst.get("/stats/reports/nonsense/").status_code == 404


def test_local_analyst_sees_only_its_unit(scenario: Scenario, client: Any, signed_in: Any) -> None:
    local = signed_in(analyst_at(scenario.personas.unit, subunits=False, username="local"))
    response = local.get(URL, PERIOD)
    assert response.status_code == 200
    assert response.context["report"].table("summary").rows[0].cells["current"] == 3
    assert [unit.code for unit in response.context["form"].fields["unit"].queryset] == ["baku-xetai"]
    assert local.get(URL, {**PERIOD, "unit": "baku"}).status_code == 404
    assert local.get(URL + "export/", {**PERIOD, "unit": "baku", "fmt": "csv"}).status_code == 404


@pytest.mark.parametrize("url", ["/stats/", URL, URL + "export/?fmt=csv", "/stats/reports/issued/"])
def test_no_role_is_404(scenario: Scenario, signed_in: Any, url: str) -> None:
    client = signed_in(scenario.personas.colleague)
    assert client.get(url).status_code == 404


def test_anonymous_goes_to_sign_in(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302


def test_report_page_query_ceiling(analyst: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(22):  # 19 measured: session, user, grants, units, 3 counts, 5 rollups
        response = analyst.get(URL, QUERY)
    assert response.status_code == 200


# --- exports --------------------------------------------------------------------------------------------


def test_xlsx_export(scenario: Scenario, analyst: Any, english: Any, audit_events: Any) -> None:
    from openpyxl import load_workbook

    response = analyst.get(URL + "export/", {**QUERY, "fmt": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="collegium-20260101-20260331.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == scenario.personas.city.name_en
    assert rows[1][0] == "Collegium report"
    assert rows[2][0] == "Period: 01.01.2026 to 31.03.2026"
    assert str(rows[3][0]).startswith("Figures as of")
    assert rows[6][:4] == ["Indicator", "This period", "Same period last year", "Change, %"]
    assert rows[7][:4] == ["Crimes registered", 6, 2, 200.0]
    assert rows[9][:4] == ["Solve rate, %", 75.0, 50.0, 25.0]
    units = [list(row) for row in book.worksheets[3].iter_rows(values_only=True)]
    assert units[-1][1:] == [6, 3, 75.0, 3, 1]
    events = audit_events("stats.report.exported")
    assert len(events) == 1
    data = audit_data(events[0])
    assert data["fmt"] == "xlsx"
    assert data["code"] == "collegium"
    assert data["params"]["unit"] == "baku"


def test_csv_export(analyst: Any, english: Any, audit_events: Any) -> None:
    response = analyst.get(URL + "export/", {**QUERY, "fmt": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Crimes registered", "6", "2", "200.0%"] in rows
    assert ["Solve rate, %", "75.0", "50.0", "25.0%"] in rows
    assert audit_data(audit_events("stats.report.exported")[0])["fmt"] == "csv"


def test_pdf_export(analyst: Any) -> None:
    response = analyst.get(URL + "export/", {**QUERY, "fmt": "pdf"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_bad_format_is_400(analyst: Any, english: Any) -> None:
    response = analyst.get(URL + "export/", {**QUERY, "fmt": "docx"})
    assert response.status_code == 400
    assert "Unknown export format" in response.content.decode()


def test_inverted_period_export_is_400(analyst: Any) -> None:
    response = analyst.get(URL + "export/", {"start": "2026-03-01", "end": "2026-02-01", "fmt": "csv"})
    assert response.status_code == 400


def test_large_export_goes_to_the_background(
    analyst: Any, monkeypatch: pytest.MonkeyPatch, settings: Any, audit_events: Any
) -> None:
    calls: list[dict[str, Any]] = []
    job = types.SimpleNamespace(public_id="6d1f7a0e-0000-4000-8000-000000000001")

    def export_request(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return job

    monkeypatch.setattr("eprok.stats.jobs.export_request", export_request)
    spec = reports.get("collegium")
    assert spec is not None
    big = ReportSpec(code="big", title="Big", build=spec.build, estimate=lambda user, params: 10)
    reports.load()
    monkeypatch.setitem(reports._REPORTS, "big", big)
    settings.EPROK_STATS_INTERACTIVE_ROWS = 5
    response = analyst.get("/stats/reports/big/export/", {**QUERY, "fmt": "xlsx"})
    assert response.status_code == 302
    assert response["Location"] == f"/stats/exports/{job.public_id}/"
    assert calls[0]["code"] == "big" and calls[0]["fmt"] == "xlsx"
    assert calls[0]["params"] == QUERY
    assert audit_data(audit_events("stats.report.exported")[0])["fmt"] == "xlsx"


# --- issued reports -------------------------------------------------------------------------------------


def issue(client: Any, params: dict[str, str] = QUERY) -> IssuedReport:
    response = client.post(URL + "issue/", params)
    assert response.status_code == 302
    issued = IssuedReport.objects.get()
    assert response["Location"] == f"/stats/reports/issued/{issued.public_id}/"
    return issued


def test_issue_and_reproduce(scenario: Scenario, analyst: Any, english: Any, audit_events: Any) -> None:
    issued = issue(analyst)
    year = timezone.localdate().year
    assert issued.number == f"HS-{year}-00001"
    assert issued.unit == scenario.personas.city
    assert issued.params["start"] == "2026-01-01" and issued.params["unit"] == "baku"
    assert issued.params["as_of"] == issued.as_of.isoformat()
    assert len(issued.figures_sha256) == 64
    assert audit_data(audit_events("stats.report.issued")[0])["sha256"] == issued.figures_sha256
    # A card recorded afterwards does not change the issued report.
    later = issued.as_of + dt.timedelta(microseconds=1)
    make_card(scenario.personas.unit, "opened", category=3, recorded_at=later)
    page = analyst.get(f"/stats/reports/issued/{issued.public_id}/")
    assert page.status_code == 200
    assert page.context["reproduction"].matches
    assert "Reproduced: the figures match the issued report." in page.content.decode()
    assert issued.figures_sha256 in page.content.decode()
    # The report itself, now, counts the new card.
    now = analyst.get(URL, QUERY).context["report"]
    assert now.table("summary").rows[0].cells["current"] == 7
    assert now.sha256() != issued.figures_sha256
    # Its export carries the number and the checksum.
    response = analyst.get(f"/stats/reports/issued/{issued.public_id}/export/", {"fmt": "csv"})
    text = response.content.decode("utf-8-sig")
    assert f"Report number: {issued.number}" in text
    assert f"Checksum of the figures (SHA-256): {issued.figures_sha256}" in text
    assert "Crimes registered,6,2,200.0%" in text
    assert audit_data(audit_events("stats.report.exported")[-1])["number"] == issued.number
    # A second one takes the next number, and both are listed.
    analyst.post(URL + "issue/", QUERY)
    assert IssuedReport.objects.order_by("pk").last().number == f"HS-{year}-00002"  # type: ignore[union-attr]
    listing = analyst.get("/stats/reports/issued/")
    assert listing.status_code == 200
    assert f"HS-{year}-00001" in listing.content.decode() and f"HS-{year}-00002" in listing.content.decode()


def test_issued_report_in_another_language_matches(scenario: Scenario, analyst: Any, client: Any) -> None:
    issued = issue(analyst)
    client.cookies["django_language"] = "en"
    page = analyst.get(f"/stats/reports/issued/{issued.public_id}/")
    assert page.context["reproduction"].matches


def test_issued_visibility(
    scenario: Scenario, analyst: Any, client: Any, signed_in: Any, english: Any
) -> None:
    issued = issue(analyst)
    url = f"/stats/reports/issued/{issued.public_id}/"
    p = scenario.personas
    # Holds View statistics in Nəsimi only: not over the report's unit.
    signed_in(analyst_at(p.other_unit, subunits=False, username="nesimi"))
    assert client.get(url).status_code == 404
    assert issued.number not in client.get("/stats/reports/issued/").content.decode()
    # No role at all.
    signed_in(p.colleague)
    assert client.get(url).status_code == 404
    # Over the city office without its districts: sees it, but the figures it may see differ.
    signed_in(analyst_at(p.city, subunits=False, username="head"))
    page = client.get(url)
    assert page.status_code == 200
    assert not page.context["reproduction"].matches
    assert "The figures do not match the issued report" in page.content.decode()


# --- the API --------------------------------------------------------------------------------------------


def api_get(user: Any, client: Any, path: str, **params: Any) -> Any:
    return client.get(f"{API}{path}", params, headers=bearer(make_token(user)))


def test_api_list_and_read(scenario: Scenario, client: Any) -> None:
    user = scenario.analyst
    listing = api_get(user, client, "/reports")
    assert listing.status_code == 200
    assert any(item["code"] == "collegium" for item in listing.json())
    response = api_get(user, client, "/reports/collegium", **QUERY)
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "collegium"
    assert data["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert data["unit"] == "Bakı şəhər prokurorluğu"
    assert len(data["sha256"]) == 64
    summary = next(table for table in data["tables"] if table["key"] == "summary")
    assert [column["key"] for column in summary["columns"]] == ["indicator", "current", "previous", "change"]
    assert summary["rows"][0]["cells"][1:] == [6, 2, 200.0]
    assert summary["rows"][2]["cells"][1:] == [75.0, 50.0, 25.0]
    units = next(table for table in data["tables"] if table["key"] == "units")
    assert units["rows"][-1]["cells"][1:] == [6, 3, 75.0, 3, 1]
    assert units["rows"][-1]["total"] is True


def test_api_errors(scenario: Scenario, client: Any, signed_in: Any) -> None:
    user = scenario.analyst
    inverted = api_get(user, client, "/reports/collegium", start="2026-03-01", end="2026-02-01")
    assert inverted.status_code == 400
    assert inverted.json()["code"] == "bad_params"
    assert api_get(user, client, "/reports/nonsense").status_code == 404
    local = analyst_at(scenario.personas.unit, subunits=False, username="local")
    assert api_get(local, client, "/reports/collegium", unit="baku").status_code == 404
    assert api_get(scenario.personas.colleague, client, "/reports/collegium").status_code == 404
    assert client.get(f"{API}/reports/collegium").status_code == 401
    token = make_token(user, scopes=["audit:read"])
    assert client.get(f"{API}/reports/collegium", headers=bearer(token)).status_code == 403


def test_api_issue_and_read_back(scenario: Scenario, client: Any) -> None:
    user = scenario.analyst
    token = bearer(make_token(user))
    query = "&".join(f"{key}={value}" for key, value in QUERY.items())
    response = client.post(f"{API}/reports/collegium/issue?{query}", headers=token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("HS-") and data["matches"] is True
    issued = IssuedReport.objects.get()
    make_card(scenario.personas.unit, "opened", recorded_at=issued.as_of + dt.timedelta(microseconds=1))
    again = client.get(f"{API}/reports/issued/{issued.public_id}", headers=token)
    assert again.status_code == 200
    body = again.json()
    assert body["matches"] is True
    assert body["figures_sha256"] == body["reproduced_sha256"] == issued.figures_sha256
    assert body["figures"]["tables"][0]["rows"][0]["cells"][1] == 6
    other = analyst_at(scenario.personas.other_unit, subunits=False, username="nesimi")
    assert api_get(other, client, f"/reports/issued/{issued.public_id}").status_code == 404
    assert json.loads(again.content)["unit"] == "baku"
