"""The duty console's journey in a real browser, in Azerbaijani: the duty prosecutor of the General
Prosecutor's Office keeps the console open; a district officer submits a special report through the form;
without a reload, the report appears on the console (delivered by the task worker next to the server, then
picked up by the board's polling); the duty prosecutor acknowledges it with one click, the row moves to the
last 24 hours with its new status, and the officer's card of the report shows the acknowledgement. Axe finds
no serious or critical accessibility problem on the console and the form."""

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
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.core.testing.browser import AXE_JS, E2EServer, E2EUser, assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
INCIDENT_TYPE = "murder"  # classification "for official use": the employees' default clearance suffices
ADDRESS = "Bakı şəhəri, Xətai rayonu, Nobel prospekti 15"
SUMMARY = (
    "Xətai rayonunda yaşayış binasının həyətində kişi meyiti aşkar edilib; bədənində bıçaq yaraları var."
)
REPORT_CARD = re.compile(r"/special/[0-9a-f-]{36}/$")


def t(text: str) -> str:
    """The interface text in Azerbaijani, from the catalogs (so the test does not hard-code them)."""
    with translation.override(LANGUAGE):
        return gettext(text)


def incident_type_name(code: str) -> str:
    types = json.loads((Path(settings.BASE_DIR) / "eprok/special/fixtures/incident_types.json").read_text())
    return str(next(row for row in types if row["code"] == code)[f"name_{LANGUAGE}"])


def local_minute(moment: dt.datetime) -> str:
    """A moment as a datetime-local input wants it, in the server's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def fact(page: Any, term: str) -> Any:
    """The value (<dd>) of a fact of a card (<dl class="eprok-facts">)."""
    return page.locator(f'dl.eprok-facts dt:text-is("{term}") + dd').first


@pytest.fixture
def desk(chromium: Any, e2e_server: E2EServer) -> Iterator[Callable[[str], Any]]:
    """Call with an employee's key to get a page of their own browser context, signed in (password + TOTP)."""
    if "duty_prosecutor" not in e2e_server.users:
        pytest.skip("the structure seed did not run: the journey's employees were not created")
    contexts: list[Any] = []

    def sign_in(key: str) -> Any:
        user: E2EUser = e2e_server.users[key]
        context = chromium.new_context(base_url=e2e_server.url, locale="az-AZ")
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        browser_sign_in(page, username=user.username, password=user.password, totp_secret=user.totp_secret)
        assert page.get_attribute("html", "lang") == LANGUAGE
        return page

    yield sign_in
    for context in contexts:
        context.close()


def test_a_submitted_special_report_appears_on_the_open_duty_console_and_is_acknowledged(
    desk: Callable[[str], Any], e2e_server: E2EServer
) -> None:
    from playwright.sync_api import expect

    duty = e2e_server.users["duty_prosecutor"]

    # --- The duty prosecutor opens the console from the menu and leaves it open. ----------------------
    console = desk("duty_prosecutor")
    console.get_by_role("navigation").get_by_role("link", name=t("Duty console"), exact=True).first.click()
    expect(console).to_have_url(re.compile(re.escape(reverse("special:console")) + "$"))
    expect(console.get_by_role("heading", level=1)).to_have_text(t("Duty console"))
    board = console.locator("#console-board")
    expect(board).to_be_visible()
    # The console's own load event (all its assets) must be over before reloads are counted: on a busy
    # machine it can fire after the board is visible.
    console.wait_for_load_state("load")
    console_url = console.url
    loads: list[str] = []
    console.on("load", lambda frame_page: loads.append(frame_page.url))

    # --- The district officer submits a special report through the form. ------------------------------
    officer = desk("special_reporter")
    officer.goto(reverse("special:new"))
    expect(officer.get_by_role("heading", level=1)).to_have_text(t("Submit a special report"))
    officer.get_by_label(t("Type of incident"), exact=True).select_option(
        label=incident_type_name(INCIDENT_TYPE)
    )
    officer.get_by_label(t("Date and time of the incident"), exact=True).fill(
        local_minute(timezone.now() - dt.timedelta(minutes=40))
    )
    officer.get_by_label(t("Short description"), exact=True).fill(SUMMARY)
    officer.get_by_label(t("Address or place"), exact=True).fill(ADDRESS)
    officer.get_by_label(t("Dead"), exact=True).fill("1")
    assert_accessible(officer, "the special report form")
    officer.get_by_role("button", name=t("Submit the report"), exact=True).click()
    expect(officer).to_have_url(REPORT_CARD)
    heading = officer.get_by_role("heading", level=1).inner_text()
    number = heading.split(":", 1)[0].strip()
    assert re.fullmatch(r"XSM-BAKU-XETAI-\d{4}-\d{5}", number), heading
    card_url = officer.url
    expect(fact(officer, t("Acknowledged"))).to_have_text(t("not yet"))

    # --- Without a reload, the console shows the report waiting for acknowledgement. ------------------
    waiting = board.get_by_role("table", name=t("Waiting for acknowledgement"))
    row = waiting.locator(f'tr[data-number="{number}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(incident_type_name(INCIDENT_TYPE))
    expect(row).to_contain_text(ADDRESS)
    expect(console.get_by_test_id("unacknowledged-count")).to_have_text("1")
    assert console.url == console_url and loads == [], f"the console was reloaded: {loads}"
    assert_accessible(console, "the duty console with a report waiting")

    # --- One click acknowledges it: the row moves to the last 24 hours, acknowledged. -----------------
    acknowledge = t("Acknowledge %(number)s") % {"number": number}
    row.get_by_role("button", name=acknowledge, exact=True).click()
    recent = console.locator("#console-board").get_by_role("table", name=t("Last 24 hours"))
    moved = recent.locator(f'tr[data-number="{number}"]')
    expect(moved).to_be_visible()
    expect(moved.locator(".eprok-special-status")).to_have_text(t("Acknowledged"))
    expect(moved).to_contain_text(duty.full_name)
    expect(console.locator(f'#console-board tr[data-number="{number}"]')).to_have_count(1)
    expect(console.get_by_test_id("unacknowledged-count")).to_have_text("0")
    assert console.url == console_url and loads == [], f"the console was reloaded: {loads}"

    # --- The officer's card of the report shows the acknowledgement. ----------------------------------
    officer.goto(card_url)
    acknowledged = fact(officer, t("Acknowledged"))
    expect(acknowledged).to_contain_text(duty.full_name)
    expect(acknowledged.locator("time")).to_have_count(1)
    expect(officer.locator("h1 + p .eprok-special-status")).to_have_text(t("Acknowledged"))
