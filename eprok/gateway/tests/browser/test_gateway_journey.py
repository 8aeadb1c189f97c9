"""The e-Government gateway's journey in a real browser, in Azerbaijani: the investigator of a case sent to
court looks its accused up in the state registers from the person's card, sees the registers' answers next to
the record and copies the registered address into it; the state prosecutor opens the court proceeding and
sends the indictment to the e-Court, which the worker delivers and the court acknowledges with its reference;
the court's hearing, scheduled by the e-Court simulator and posted to eprok's X-Road endpoint, appears on the
proceeding and on the prosecutor's hearings calendar, 14 days later at 10:00 Baku time. The registers and the
e-Court are simulators/xroad.py, started with the server (eprok.core.testing.browser). Axe finds no serious
or critical accessibility problem on the register's answers and the calendar."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from eprok.core.testing.browser import AXE_JS, E2EServer, E2EUser, _manage, assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in
from eprok.gateway.testing import SIM_DATASET, http

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
BAKU = dt.timezone(dt.timedelta(hours=4))
# The accused: a person of the registers' dataset, whose record in eprok has another registered address.
FIN = "5ABC123"
REGISTERED = SIM_DATASET["persons"][FIN]
OLD_ADDRESS = ("Bakı şəhəri, Nərimanov rayonu", "Təbriz küçəsi, ev 40, mənzil 7")
NEW_ADDRESS = f"{REGISTERED['address']['district']}, {REGISTERED['address']['text']}"
COURT_CODE = "baku-xetai-district"
PURPOSE = "Təqsirləndirilən şəxsin qeydiyyat ünvanının dəqiqləşdirilməsi (ittiham aktının göndərilməsi üçün)"
# Reloads of a page while the worker delivers the indictment or the court's hearing arrives (each reload
# waits for the page and its panels; no sleeping).
RELOADS = 60

# The case: opened by the investigator in the Xətai office, the accused charged, the indictment sent and
# approved by the supervising prosecutor (the services, as the casework journey does it in the browser).
CASE_SETUP = f"""
import datetime as dt
from eprok.cases.services import (
    case_add_party, case_approve_indictment, case_open, case_submit_indictment,
)
from eprok.core.context import WorkContext, work_context
from eprok.org.models import Employee, Unit
from eprok.persons.models import Person
from eprok.persons.services import person_add_address, person_create

investigator = Employee.objects.get(username="e2e.investigator")
supervisor = Employee.objects.get(username="e2e.supervisor")
with work_context(WorkContext(source="cli")):
    person = Person.objects.filter(fin={FIN!r}, merged_into__isnull=True).first()
    if person is None:
        person = person_create(
            actor=investigator, kind="natural", fin={FIN!r}, last_name={REGISTERED["last_name"]!r},
            first_name={REGISTERED["first_name"]!r}, patronymic={REGISTERED["patronymic"]!r},
            birth_date=dt.date.fromisoformat({REGISTERED["birth_date"]!r}), sex={REGISTERED["sex"]!r},
        )
        person_add_address(
            actor=investigator, person=person, kind="registration",
            district={OLD_ADDRESS[0]!r}, text={OLD_ADDRESS[1]!r},
        )
    case = case_open(
        actor=investigator, unit=Unit.objects.get(code="baku-xetai"), articles="177.2.3",
        summary="Xətai rayonunda mənzildən zərgərlik əşyalarının oğurlanması.",
        opening_grounds="Ərizə və hadisə yerinə baxış protokolu oğurluq əlamətlərini göstərir.",
        investigator=investigator, supervisor=supervisor,
    )
    case_add_party(actor=investigator, case=case, person=person, role="accused")
    case_submit_indictment(
        actor=investigator, case=case,
        body="Məmmədov Elçin Cinayət Məcəlləsinin 177.2.3-cü maddəsi ilə təqsirləndirilir.",
    )
    case_approve_indictment(actor=supervisor, case=case, note="İttiham aktı təsdiq edilib.")
print(case.number)
"""


def t(text: str) -> str:
    """The interface text in Azerbaijani, from the catalogs (so the test does not hard-code them)."""
    with translation.override(LANGUAGE):
        return gettext(text)


def optional(label: str) -> str:
    """The accessible name of an optional field: its label followed by "(optional)"."""
    return f"{t(label)} ({t('optional')})"


def court_name(code: str) -> str:
    courts = json.loads((Path(settings.BASE_DIR) / "eprok/courtwork/fixtures/courts.json").read_text())
    return next(court[f"name_{LANGUAGE}"] for court in courts if court["code"] == code)


def fact(page: Any, term: str) -> Any:
    """The value (<dd>) of a fact of a card's header (<dl class="eprok-facts">)."""
    return page.locator(f'dl.eprok-facts dt:text-is("{term}") + dd').first


def reload_until(page: Any, locator: Callable[[], Any], what: str) -> None:
    """Reload `page` until `locator()` finds something (at most RELOADS times): for what the worker or the
    e-Court does in the background. Each reload waits for the page's htmx panels (network idle)."""
    for _attempt in range(RELOADS):
        page.reload()
        page.wait_for_load_state("networkidle")
        if locator().count():
            return
    raise AssertionError(f"{what} did not appear after {RELOADS} reloads of {page.url}")


def sim_items(e2e_server: E2EServer, sim: str, what: str) -> list[dict[str, Any]]:
    """The simulator's record of what it received or sent (/_control/submissions, /_control/pushes)."""
    status, _headers, raw = http("GET", f"{e2e_server.xroad[sim]}/_control/{what}")
    assert status == 200, raw
    return json.loads(raw)["items"]


@pytest.fixture
def desk(chromium: Any, e2e_server: E2EServer) -> Iterator[Callable[[str], Any]]:
    """Call with an employee's key to get a page of their own browser context, signed in (password + TOTP)."""
    if "prosecutor" not in e2e_server.users:
        pytest.skip("the structure seed did not run: the journey's employees were not created")
    if not e2e_server.xroad:
        pytest.skip("the X-Road simulators were not started with the server")
    contexts: list[Any] = []

    def sign_in(key: str) -> Any:
        user: E2EUser = e2e_server.users[key]
        context = chromium.new_context(base_url=e2e_server.url, locale="az-AZ")
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                page.csp_violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        browser_sign_in(page, username=user.username, password=user.password, totp_secret=user.totp_secret)
        assert page.get_attribute("html", "lang") == LANGUAGE
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_the_accused_is_confirmed_by_the_registers_and_the_court_schedules_the_hearing(
    desk: Callable[[str], Any], e2e_server: E2EServer
) -> None:
    from playwright.sync_api import expect

    number = _manage(e2e_server.env, "shell", "-c", CASE_SETUP).stdout.strip().splitlines()[-1]
    assert number.startswith("CI-"), number
    prosecutor_user = e2e_server.users["prosecutor"]
    court = court_name(COURT_CODE)
    name = f"{REGISTERED['last_name']} {REGISTERED['first_name']} {REGISTERED['patronymic']}"

    # --- The investigator goes from the case to the accused person's card. ----------------------------
    work = desk("investigator")
    work.goto(reverse("cases:detail", args=[number]))
    expect(work.get_by_role("heading", level=1)).to_contain_text(t("Sent to court with an indictment"))
    work.get_by_role("navigation", name=t("Parts of the case")).get_by_role(
        "link", name=t("Parties"), exact=True
    ).click()
    work.locator("#case-tab").get_by_role("link", name=name, exact=True).click()
    expect(work).to_have_url(re.compile(r"/persons/[0-9a-f-]{36}/$"))
    person_url = work.url
    addresses = work.locator("#addresses-block")
    expect(addresses).to_contain_text(OLD_ADDRESS[1])
    expect(addresses).not_to_contain_text(REGISTERED["address"]["text"])

    # --- Looks the person up in the state registers, with a purpose. ----------------------------------
    work.locator("main").get_by_role("link", name=t("Look up in state registers"), exact=True).click()
    expect(work).to_have_url(re.compile(re.escape(reverse("gateway:registers:browser")) + r"\?"))
    expect(work.get_by_label(t("FIN, VÖEN, plate or VIN"), exact=True)).to_have_value(FIN)
    expect(work.get_by_label(t("Population register"))).to_be_checked()
    work.get_by_label(t("Purpose of the look-up"), exact=True).fill(PURPOSE)
    work.get_by_label(optional("Case or report number"), exact=True).fill(number)
    # (Scoped to the page's form: the header's search button may carry the same word.)
    work.locator("main form").get_by_role("button", name=t("Look up"), exact=True).click()
    expect(work.get_by_role("heading", level=1)).to_have_text(t("Answers of the state registers"))
    expect(fact(work, t("Purpose"))).to_have_text(PURPOSE)

    # The population register's answer next to the record: the registered address differs.
    population = work.locator(
        "section[aria-labelledby^='register-']",
        has=work.get_by_role("heading", name=t("Population register")),
    )
    expect(population.get_by_text(t("Found"), exact=True)).to_be_visible()
    expect(fact(population, t("Registered address"))).to_have_text(NEW_ADDRESS)
    copy_form = population.locator(
        "form", has=work.get_by_role("button", name=t("Copy into the person record"))
    )
    expect(copy_form.get_by_role("group")).to_contain_text(name)
    address_row = copy_form.locator("tbody tr", has=work.get_by_label(t("Registered address"), exact=True))
    expect(address_row.locator("td").nth(0)).to_contain_text(OLD_ADDRESS[1])
    expect(address_row.locator("td").nth(1)).to_contain_text(NEW_ADDRESS)
    expect(address_row.get_by_label(t("Registered address"), exact=True)).to_be_checked()
    expect(copy_form.get_by_label(t("Surname"), exact=True)).not_to_be_checked()
    assert_accessible(work, "the state registers' answers")

    # --- Copies the registered address into the person record. ----------------------------------------
    copy_form.get_by_role("button", name=t("Copy into the person record")).click()
    expect(work).to_have_url(person_url)
    expect(work.locator("#addresses-block")).to_contain_text(REGISTERED["address"]["text"])
    confirmed = work.get_by_role("heading", name=t("Confirmed by registers"), exact=True)
    expect(confirmed).to_be_visible()
    copies = confirmed.locator("xpath=following-sibling::ul[1]")
    expect(copies).to_contain_text(t("Population register"))
    expect(copies).to_contain_text(t("Registered address"))

    # --- The state prosecutor opens the court proceeding from the case card. --------------------------
    prosecutor = desk("prosecutor")
    prosecutor.goto(reverse("cases:detail", args=[number]))
    court_panel = prosecutor.locator(".eprok-court-panel")
    court_panel.get_by_role("link", name=t("Open the court proceeding"), exact=True).click()
    expect(prosecutor).to_have_url(re.compile(re.escape(reverse("courtwork:open_case", args=[number]))))
    prosecutor.get_by_label(t("Court"), exact=True).select_option(label=court)
    expect(
        prosecutor.get_by_label(optional("State prosecutor"), exact=True).locator("option:checked")
    ).to_have_text(prosecutor_user.full_name)
    prosecutor.locator("main form").get_by_role("button", name=t("Open"), exact=True).click()
    expect(prosecutor).to_have_url(re.compile(r"/courtwork/[0-9a-f-]{36}/$"))
    proceeding_url = prosecutor.url
    expect(fact(prosecutor, t("Court"))).to_have_text(court)
    expect(prosecutor.get_by_text(t("No hearings yet."), exact=True)).to_be_visible()

    # --- Sends the indictment to the e-Court from the proceeding's card. -------------------------------
    deliveries = prosecutor.locator("#ecourt-deliveries")
    deliveries.locator("summary", has_text=t("Send to the e-Court")).click()
    send_form = deliveries.locator("form")
    send_form.get_by_label(t("What to send"), exact=True).select_option("indictment")
    expect(send_form.get_by_label(optional("Court"), exact=True).locator("option:checked")).to_have_text(
        court
    )
    send_form.get_by_label(t("Title"), exact=True).fill(f"İttiham aktı — {number}")
    send_form.get_by_role("button", name=t("Send to the e-Court"), exact=True).click()
    expect(prosecutor).to_have_url(proceeding_url)

    # The worker delivers it; the court acknowledges with its reference (the proceeding's number there).
    acknowledged = t("Acknowledged by the court")
    reload_until(
        prosecutor,
        lambda: prosecutor.locator("#ecourt-deliveries tbody tr", has_text=acknowledged),
        "the court's acknowledgement",
    )
    row = prosecutor.locator("#ecourt-deliveries tbody tr", has_text=acknowledged)
    expect(row).to_contain_text(t("Indictment with the case package"))
    evidence = row.locator("td").last
    expect(evidence).to_contain_text(t("Court's reference"))
    reference = evidence.locator("strong").inner_text().strip()
    assert re.fullmatch(r"1-1\(001\)-\d+/\d{4}", reference), reference
    received = dt.datetime.fromisoformat(evidence.locator("time").first.get_attribute("datetime") or "")

    # --- The court schedules the hearing (posted to eprok's X-Road endpoint): 14 days on, 10:00. -------
    hearing_day = received.astimezone(BAKU).date() + dt.timedelta(days=14)
    starts = f"{hearing_day.isoformat()}T10:00:00+04:00"
    reload_until(
        prosecutor,
        lambda: prosecutor.locator(f'main table tbody time[datetime="{starts}"]'),
        "the court's hearing",
    )
    hearing_row = prosecutor.locator(
        "main table tbody tr", has=prosecutor.locator(f'time[datetime="{starts}"]')
    )
    expect(hearing_row).to_contain_text(t("Scheduled"))
    expect(fact(prosecutor, t("Next hearing")).locator("time")).to_have_attribute("datetime", starts)
    # The court's reference of the indictment became the proceeding's number in the court.
    expect(fact(prosecutor, t("Number in the court"))).to_have_text(reference)

    # --- The prosecutor's hearings calendar shows it with the court's name. ----------------------------
    prosecutor.goto(reverse("courtwork:calendar"))
    expect(prosecutor.get_by_role("heading", level=1)).to_have_text(t("My hearings calendar"))
    day = prosecutor.locator(
        "section.eprok-calendar-day", has=prosecutor.locator(f'time[datetime="{starts}"]')
    )
    expect(day.get_by_role("heading", level=2).locator("time")).to_have_attribute(
        "datetime", hearing_day.isoformat()
    )
    entry = day.locator("li", has=prosecutor.locator(f'time[datetime="{starts}"]'))
    expect(entry.locator("time")).to_have_text("10:00")
    expect(entry).to_contain_text(court)
    expect(entry.get_by_role("link", name=number, exact=True)).to_have_attribute(
        "href", proceeding_url.removeprefix(e2e_server.url)
    )
    assert_accessible(prosecutor, "the hearings calendar")

    # What crossed the gateway: the e-Court received the sealed package of this case for this court, and
    # eprok accepted its hearing with the right X-Road-Request-Hash.
    submissions = sim_items(e2e_server, "ecourt", "submissions")
    sent = next(item for item in submissions if item["court_reference"] == reference)
    assert (sent["type"], sent["case_number"], sent["court"]) == ("indictment", number, COURT_CODE)
    assert sent["pdf_size"] > 0
    pushes = [
        item
        for item in sim_items(e2e_server, "ecourt", "pushes")
        if item["sent"]["court_reference"] == reference
    ]
    assert pushes and pushes[0]["ok"] and pushes[0]["hash_ok"], pushes

    for page in (work, prosecutor):
        assert page.csp_violations == [], f"CSP violations: {page.csp_violations}"
