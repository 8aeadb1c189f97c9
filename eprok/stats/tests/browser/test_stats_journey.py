"""The statistics journey in a real browser, in Azerbaijani: the analyst of the General Prosecutor's Office
("View statistics" over the whole service, like the demo login `analitik`) opens the statistics from the menu
and the collegium report for this year; drills down from the service to the Baku city office and on to the
Xətai district office, whose figures are its own (no more than the city's, and the same as the city's row
for it); exports the district's report as XLSX, whose header names the district, the report and the period
and whose figures are the page's; and opens the dashboard and the drill-down, whose totals are the report's.
The figures are the statistical cards the case services write: the cases the setup opens in the Xətai and
Yasamal offices (and any the other journeys of the session opened in Xətai). Axe finds no serious or
critical accessibility problem on the report pages, the dashboard and the drill-down."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from eprok.core.testing.browser import AXE_JS, E2EServer, E2EUser, _manage, assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
BAKU = dt.timezone(dt.timedelta(hours=4))
ANALYST = "e2e.analitik"
CITY, DISTRICT, OTHER_DISTRICT = "baku", "baku-xetai", "baku-yasamal"
REPORT_URL = reverse("stats:report", args=["collegium"])

# The figures: two cases opened this year in the Xətai office (the first with an accused: solved) and one
# in the Yasamal office, through the services, which write the statistical cards in their transactions;
# the analyst gets "View statistics" over the General Prosecutor's Office with its sub-units.
SETUP = f"""
import datetime as dt
from eprok.cases.services import case_add_party, case_open
from eprok.core.context import WorkContext, work_context
from eprok.org import services as org_services
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role
from eprok.persons.services import person_create

gpo = Unit.objects.get(code="gpo")
xetai = Unit.objects.get(code={DISTRICT!r})
yasamal = Unit.objects.get(code={OTHER_DISTRICT!r})
analyst = Employee.objects.get(username={ANALYST!r})
with work_context(WorkContext(source="cli")):
    if not analyst.role_assignments.filter(
        role=Role.VIEW_STATISTICS, unit=gpo, include_subunits=True, ended_at__isnull=True
    ).exists():
        org_services.role_assignment_grant(
            actor=None, employee=analyst, role=Role.VIEW_STATISTICS, unit=gpo, include_subunits=True
        )
    yasamal_staff = {{}}
    for username, last_name, first_name, role in (
        ("e2e.stats.investigator", "Əhmədov", "Nicat", Role.INVESTIGATE),
        ("e2e.stats.supervisor", "Cəfərova", "Ülviyyə", Role.SUPERVISE),
    ):
        employee = Employee.objects.filter(username=username).first()
        if employee is None:
            employee = org_services.employee_create(
                actor=None, username=username, last_name=last_name, first_name=first_name, unit=yasamal
            )
            org_services.role_assignment_grant(actor=None, employee=employee, role=role, unit=yasamal)
        yasamal_staff[role] = employee

    investigator = Employee.objects.get(username="e2e.investigator")
    supervisor = Employee.objects.get(username="e2e.supervisor")
    charged = case_open(
        actor=investigator, unit=xetai, articles="177.2.3",
        summary="Xətai rayonunda avtomobildən əşyaların oğurlanması.",
        opening_grounds="Zərərçəkmişin ərizəsi və hadisə yerinə baxış protokolu.",
        investigator=investigator, supervisor=supervisor,
    )
    accused = person_create(
        actor=investigator, kind="natural", last_name="Nəbiyev", first_name="Samir",
        patronymic="Elxan oğlu", birth_date=dt.date(1994, 5, 17), sex="male",
    )
    case_add_party(actor=investigator, case=charged, person=accused, role="accused")
    case_open(
        actor=investigator, unit=xetai, articles="186.1",
        summary="Xətai rayonunda mağazanın vitrininin qəsdən sındırılması.",
        opening_grounds="Mağaza sahibinin ərizəsi və videomüşahidə kamerasının yazısı.",
        investigator=investigator, supervisor=supervisor,
    )
    case_open(
        actor=yasamal_staff[Role.INVESTIGATE], unit=yasamal, articles="178.1",
        summary="Yasamal rayonunda internet vasitəsilə dələduzluq.",
        opening_grounds="Zərərçəkmişin ərizəsi və bank hesabından çıxarış.",
        investigator=yasamal_staff[Role.INVESTIGATE], supervisor=yasamal_staff[Role.SUPERVISE],
    )
print("ok")
"""


def t(text: str) -> str:
    """The interface text in Azerbaijani, from the catalogs (so the test does not hard-code them)."""
    with translation.override(LANGUAGE):
        return gettext(text)


def number(text: str) -> int:
    """A count as the page writes it (digits grouped in the active locale)."""
    digits = re.sub(r"\D", "", text)
    assert digits, f"not a count: {text!r}"
    return int(digits)


def report_table(page: Any, key: str) -> Any:
    """A table of the report page (views_reports.display_tables: a section labelled by its heading)."""
    return page.locator(f'section[aria-labelledby="table-{key}"] table')


def unit_href(code: str) -> str:
    """The selector of a unit's link in the "by unit" table: the same report for that unit."""
    return f'th a[href^="{REPORT_URL}?unit={code}&"]'


def unit_link(page: Any, code: str) -> Any:
    return report_table(page, "units").locator(f"tbody {unit_href(code)}")


def unit_row(page: Any, code: str) -> Any:
    return report_table(page, "units").locator("tbody tr", has=page.locator(unit_href(code)))


def row_counts(row: Any) -> tuple[int, ...]:
    """Crimes registered, solved, investigations completed and sent to court of a breakdown row (the solve
    rate, a percentage, is the third figure)."""
    cells = row.locator("td")
    return tuple(number(cells.nth(i).inner_text()) for i in (0, 1, 3, 4))


def summary_registered(page: Any) -> int:
    """The "crimes registered" figure of this period in the main indicators."""
    row = report_table(page, "summary").locator(
        "tbody tr", has=page.locator(f'th:text-is("{t("Crimes registered")}")')
    )
    return number(row.locator("td").first.inner_text())


def units_total(page: Any) -> tuple[int, ...]:
    return row_counts(report_table(page, "units").locator("tbody tr").last)


@pytest.fixture(scope="module")
def analyst(e2e_server: E2EServer) -> E2EUser:
    """The statistics analyst of the General Prosecutor's Office, with a password and TOTP secret of this run,
    and the cases whose cards the reports count."""
    import pyotp

    if "investigator" not in e2e_server.users:
        pytest.skip("the structure seed did not run: the journey's employees were not created")
    password = "e2e-" + pyotp.random_base32()[:20]
    secret = pyotp.random_base32()
    _manage(
        {**e2e_server.env, "E2E_PASSWORD": password, "E2E_TOTP_SECRET": secret},
        "e2e_fixture",
        "--username",
        ANALYST,
        "--unit",
        "gpo-statistics",
        "--last-name",
        "Səfərov",
        "--first-name",
        "Kamran",
    )
    out = _manage(e2e_server.env, "shell", "-c", SETUP).stdout.strip().splitlines()
    assert out and out[-1] == "ok", out
    return E2EUser(username=ANALYST, password=password, totp_secret=secret, full_name="Səfərov Kamran")


@pytest.fixture
def analyst_page(chromium: Any, e2e_server: E2EServer, analyst: E2EUser) -> Iterator[Any]:
    """The analyst's page in a browser context of their own, signed in (password + TOTP)."""
    context = chromium.new_context(base_url=e2e_server.url, locale="az-AZ", accept_downloads=True)
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    browser_sign_in(
        page, username=analyst.username, password=analyst.password, totp_secret=analyst.totp_secret
    )
    assert page.get_attribute("html", "lang") == LANGUAGE
    yield page
    context.close()


def test_the_analyst_drills_the_collegium_report_down_to_a_district_and_exports_it(analyst_page: Any) -> None:
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    page = analyst_page
    today = dt.datetime.now(BAKU).date()
    start = today.replace(month=1, day=1)
    period = t("Period: %(start)s to %(end)s") % {
        "start": start.strftime("%d.%m.%Y"),
        "end": today.strftime("%d.%m.%Y"),
    }
    title = t("Collegium report")

    # --- The statistics from the menu, the collegium report of this year for the whole service. --------
    page.get_by_role("navigation").get_by_role("link", name=t("Statistics"), exact=True).first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("stats:home")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Statistics"))
    page.locator(f'.eprok-report-list a[href="{REPORT_URL}"]').click()
    expect(page).to_have_url(re.compile(re.escape(REPORT_URL) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    header = page.locator(".eprok-report-header")
    expect(header).to_contain_text(period)
    expect(report_table(page, "summary")).to_be_visible()
    expect(report_table(page, "units")).to_be_visible()
    service = summary_registered(page)
    assert service >= 3, service  # the setup's three cases at least
    assert units_total(page)[0] == service
    expect(unit_link(page, CITY)).to_have_count(1)
    assert_accessible(page, "the collegium report of the service")

    # --- Drills down to the Baku city office... ----------------------------------------------------------
    city_name = unit_link(page, CITY).inner_text().strip()
    unit_link(page, CITY).click()
    expect(page).to_have_url(re.compile(re.escape(REPORT_URL) + rf"\?unit={CITY}&"))
    expect(header.locator(".text-bold")).to_have_text(city_name)
    expect(header).to_contain_text(period)
    city = summary_registered(page)
    assert 3 <= city <= service, (city, service)
    assert units_total(page)[0] == city
    district_in_city = row_counts(unit_row(page, DISTRICT))
    other_in_city = row_counts(unit_row(page, OTHER_DISTRICT))
    assert district_in_city[0] >= 2, district_in_city  # the setup's two cases in Xətai at least
    assert district_in_city[1] >= 1, district_in_city  # the one with an accused is solved
    assert other_in_city[0] >= 1  # the setup's case in Yasamal
    assert district_in_city[0] + other_in_city[0] <= city

    # --- ...and to the Xətai district office: its own figures, the city's row for it. --------------------
    district_name = unit_link(page, DISTRICT).inner_text().strip()
    unit_link(page, DISTRICT).click()
    expect(page).to_have_url(re.compile(re.escape(REPORT_URL) + rf"\?unit={DISTRICT}&"))
    expect(header.locator(".text-bold")).to_have_text(district_name)
    expect(header).to_contain_text(period)
    district = summary_registered(page)
    assert district == district_in_city[0]
    assert district < city, (district, city)  # the Yasamal case is the city's, not the district's
    assert units_total(page) == district_in_city
    assert_accessible(page, "the collegium report of the district")

    # --- Exports it as XLSX: the header and the figures of the page. ---------------------------------------
    page_units = [
        (row.locator("th").inner_text().strip(), row_counts(row))
        for row in report_table(page, "units").locator("tbody tr").all()
    ]
    with page.expect_download() as download_info:
        page.locator(".eprok-actions").get_by_role("link", name="XLSX", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == f"collegium-{start:%Y%m%d}-{today:%Y%m%d}.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheets = {
        key: [row for row in sheet.iter_rows(values_only=True)]
        for key, sheet in zip(("summary", "bodies", "categories", "units"), book.worksheets, strict=True)
    }
    for key, rows in sheets.items():
        # The unit, the report, the period, the moment; a blank line; the table's title and its columns.
        assert rows[0][0] == district_name, (key, rows[:4])
        assert rows[1][0] == title, (key, rows[:4])
        assert rows[2][0] == period, (key, rows[:4])
        assert rows[5][0] == page.locator(f"#table-{key}").inner_text().strip(), (key, rows[5])
    registered = next(row for row in sheets["summary"][7:] if row[0] == t("Crimes registered"))
    assert registered[1] == district
    sheet_units = [
        (str(row[0]), (row[1], row[2], row[4], row[5])) for row in sheets["units"][7:] if row[0] is not None
    ]
    assert sheet_units == page_units
    assert sheet_units[-1][0] == t("Total")
    assert sheet_units[-1][1][0] == district

    # --- The dashboard of the service: the same "crimes registered" as the report. -------------------------
    page.goto(reverse("stats:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Statistics dashboard"))
    tile = page.locator(
        "li.eprok-indicator", has=page.get_by_role("heading", name=t("Crimes registered"), exact=True)
    )
    assert number(tile.locator(".usa-card__body p").first.inner_text()) == service
    by_month = page.locator("table", has=page.locator(f'caption:text-is("{t("By month")}")'))
    this_month = by_month.locator("tbody tr").last
    expect(this_month.locator("th")).to_have_text(today.strftime("%m.%Y"))
    assert sum(number(cell) for cell in this_month.locator("td").all_inner_texts()) > 0
    assert_accessible(page, "the statistics dashboard")

    # --- The drill-down by region: crimes registered this year, the same total. ----------------------------
    page.goto(reverse("stats:drill"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Drill-down"))
    regions = page.locator("main table").first
    expect(regions.locator("tbody tr").first).to_be_visible()
    assert number(regions.locator("tfoot td").first.inner_text()) == service
    assert_accessible(page, "the statistics drill-down")

    assert page.csp_violations == [], f"CSP violations: {page.csp_violations}"
