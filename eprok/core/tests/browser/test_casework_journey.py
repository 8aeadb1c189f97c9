"""The casework journey in a real browser, in Azerbaijani: a clerk registers a crime report and assigns
its check, the supervising prosecutor extends the check, the investigator records a step and the
applicant, opens a criminal case on the report, adds a suspect, detains him (and reads why the term
is 48 hours), charges him and sends the indictment, which the prosecutor approves: the case goes to
court. Axe finds no serious or critical accessibility problem on the cards and lists on the way."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from eprok.cases.terms import DETENTION_RULE
from eprok.core.testing.browser import assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in
from eprok.core.tests.browser.conftest import AXE_JS, E2EServer, E2EUser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
# Cards' addresses (also matched by the browser, so no Python-only syntax): /materials/<number>/ ...
REPORT_CARD = re.compile(r"/materials/CM-[A-Z0-9-]+/$")
CASE_CARD = re.compile(r"/cases/CI-[A-Z0-9-]+/$")


def t(text: str) -> str:
    """The interface text in Azerbaijani, from the catalogs (so the test does not hard-code them)."""
    with translation.override(LANGUAGE):
        return gettext(text)


def hours(count: int) -> str:
    with translation.override(LANGUAGE):
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}


def optional(label: str) -> str:
    """The accessible name of an optional field: its label followed by "(optional)"."""
    return f"{t(label)} ({t('optional')})"


def path_of(page: Any) -> str:
    return urlparse(page.url).path


def number_in(page: Any) -> str:
    """The register number in the address of a report's or a case's card."""
    return path_of(page).rstrip("/").rsplit("/", 1)[-1]


def local_minute(moment: dt.datetime) -> str:
    """A moment as a datetime-local input wants it, in the server's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def choose(select: Any, text: str) -> None:
    """Choose the option of a <select> whose label contains `text` (e.g. a person's name)."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    assert value, f"no option with “{text}”"
    select.select_option(value)


def fact(page: Any, term: str) -> Any:
    """The value (<dd>) of a fact of a card's header (<dl class="eprok-facts">)."""
    return page.locator(f'dl.eprok-facts dt:text-is("{term}") + dd').first


def rule_line(code: str) -> str:
    """The first line of a deadline's explanation: the rule's name and legal source."""
    rules = json.loads((Path(settings.BASE_DIR) / "eprok/core/fixtures/deadline_rules.json").read_text())
    rule = next(r for r in rules if r["code"] == code)
    return t("Rule: %(name)s (%(source)s).") % {
        "name": rule[f"name_{LANGUAGE}"],
        "source": rule["legal_source"],
    }


@pytest.fixture
def desk(chromium: Any, e2e_server: E2EServer) -> Iterator[Callable[[str], Any]]:
    """Call with an employee's key to get a page of their own browser, signed in (password + TOTP).

    Each employee signs in once, in a context of their own, as they would at their own desk; a TOTP
    code is accepted once, so signing the same person in twice within 30 seconds would be refused.
    """
    if not e2e_server.users:
        pytest.skip("the structure seed did not run: the casework employees were not created")

    contexts: list[Any] = []

    def sign_in(key: str) -> Any:
        user: E2EUser = e2e_server.users[key]
        context = chromium.new_context(base_url=e2e_server.url, locale="az-AZ")
        context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
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


def test_a_report_becomes_a_case_that_the_supervising_prosecutor_sends_to_court(
    desk: Callable[[str], Any], e2e_server: E2EServer
) -> None:
    from playwright.sync_api import expect

    investigator = e2e_server.users["investigator"]
    supervisor = e2e_server.users["supervisor"]
    received = timezone.now() - dt.timedelta(hours=1)

    # --- The clerk registers the report, assigns the check and opens the applicant's receipt. ---------
    clerk = desk("registrar")
    clerk.get_by_role("navigation").get_by_role("link", name=t("Crime reports"), exact=True).first.click()
    expect(clerk).to_have_url(re.compile(re.escape(reverse("materials:list"))))
    clerk.get_by_role("link", name=t("Register a report"), exact=True).click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(t("Register a crime report"))
    clerk.get_by_label(t("Source of the report"), exact=True).select_option("applicant_statement")
    clerk.get_by_label(t("Received at"), exact=True).fill(local_minute(received))
    clerk.get_by_label(t("Summary of the report"), exact=True).fill(
        "Ərizəçi bildirir ki, 2 gün əvvəl Xətai rayonunda onun mənzilinə girərək zərgərlik əşyalarını "
        "oğurlayıblar."
    )
    clerk.get_by_label(optional("Preliminary qualification"), exact=True).fill("177.2.3")
    assert_accessible(clerk, "the registration form")
    clerk.get_by_role("button", name=t("Register"), exact=True).click()
    expect(clerk).to_have_url(REPORT_CARD)
    number = number_in(clerk)
    assert number.startswith("CM-BAKU-XETAI-")
    expect(fact(clerk, t("Preliminary qualification"))).to_have_text("177.2.3")
    registered = dt.datetime.fromisoformat(
        fact(clerk, t("Registered")).locator("time").get_attribute("datetime")
    ).date()
    first_due = dt.date.fromisoformat(fact(clerk, t("Check term")).locator("time").get_attribute("datetime"))
    assert first_due >= registered + dt.timedelta(days=3)

    # Assigning loads its form into the card (htmx) and comes back with the assignee.
    clerk.get_by_role("link", name=t("Assign"), exact=True).click()
    assign_form = clerk.locator("#action-slot form")
    expect(assign_form).to_be_visible()
    assign_form.get_by_label(t("Assign the check to"), exact=True).select_option(label=investigator.full_name)
    assign_form.get_by_role("button", name=t("Assign"), exact=True).click()
    expect(fact(clerk, t("Assigned to"))).to_have_text(investigator.full_name)
    assert_accessible(clerk, "the report's card")

    clerk.get_by_role("link", name=t("Receipt for the applicant"), exact=True).click()
    expect(clerk).to_have_url(re.compile(re.escape(reverse("materials:receipt", args=[number]))))
    expect(clerk.locator(".receipt__number")).to_have_text(number)
    expect(clerk.get_by_role("button", name=t("Print"), exact=True)).to_be_visible()

    # --- The supervising prosecutor finds it in the register and extends the check to 10 days. --------
    prosecutor = desk("supervisor")
    prosecutor.get_by_role("navigation").get_by_role(
        "link", name=t("Crime reports"), exact=True
    ).first.click()
    expect(prosecutor).to_have_url(re.compile(re.escape(reverse("materials:list"))))
    assert_accessible(prosecutor, "the register of crime reports")
    prosecutor.locator("main").get_by_role("link", name=number, exact=True).click()
    expect(prosecutor).to_have_url(re.compile(re.escape(reverse("materials:detail", args=[number])) + "$"))
    prosecutor.get_by_role("link", name=t("Extend the term"), exact=True).click()
    extend_form = prosecutor.locator("#action-slot form")
    extend_form.get_by_label(t("Ground of the extension"), exact=True).select_option("207.1.2-10")
    extend_form.get_by_label(t("Reason for extending"), exact=True).fill(
        "Oğurlanmış əşyaların dəyəri müəyyən edilməyib; şahidlər dindirilməlidir."
    )
    extend_form.get_by_role("button", name=t("Extend"), exact=True).click()
    check_term = fact(prosecutor, t("Check term"))
    expect(check_term.locator("time")).not_to_have_attribute("datetime", first_due.isoformat())
    new_due = dt.date.fromisoformat(check_term.locator("time").get_attribute("datetime"))
    assert new_due >= registered + dt.timedelta(days=10)
    check_term.locator("summary").click()
    expect(check_term.locator("ol")).to_contain_text("207.1.2 (up to 10 days)")

    # --- The investigator takes the check from "My work": a step, the applicant, then the case. -------
    work = desk("investigator")
    assigned = work.locator("section", has=work.get_by_role("heading", name=t("Assigned to me")))
    assigned.get_by_role("link", name=number, exact=True).click()
    expect(work).to_have_url(re.compile(re.escape(reverse("materials:detail", args=[number])) + "$"))
    expect(fact(work, t("Check term")).locator("time")).to_have_attribute("datetime", new_due.isoformat())

    work.get_by_role("link", name=t("Record a step"), exact=True).click()
    step_form = work.locator("#action-slot form")
    step_form.get_by_label(t("Kind of step"), exact=True).select_option("scene_examination")
    step_form.get_by_label(t("What was done and what it established"), exact=True).fill(
        "Mənzilə baxış keçirildi: giriş qapısının qıfılı sındırılıb, barmaq izləri götürülüb."
    )
    step_form.get_by_role("button", name=t("Record the step"), exact=True).click()
    steps = work.locator("section", has=work.get_by_role("heading", name=t("Steps of the check")))
    expect(steps.locator("tbody")).to_contain_text(t("Examination of the scene"))

    # The applicant is not in the registry yet: entered through the person form, back to the party form.
    work.get_by_role("link", name=t("Add a party"), exact=True).click()
    work.get_by_role("link", name=t("The person is not in the register: enter a new person")).click()
    expect(work).to_have_url(re.compile(re.escape(reverse("persons:create")) + r"\?.*next="))
    work.get_by_role("link", name=t("Natural person"), exact=True).click()
    assert_accessible(work, "the person form")
    enter_person(work, last_name="Əliyeva", first_name="Nərmin", birth_date="1985-03-14")
    expect(work).to_have_url(
        re.compile(re.escape(reverse("materials:add_party", args=[number])) + r"\?person=")
    )
    expect(work.get_by_role("radio", name=re.compile("Əliyeva Nərmin"))).to_be_checked()
    work.get_by_label(t("Role in the report"), exact=True).select_option("applicant")
    work.get_by_role("button", name=t("Add the party"), exact=True).click()
    parties = work.locator("section", has=work.get_by_role("heading", name=t("Parties"), exact=True))
    expect(parties.locator("tbody")).to_contain_text("Əliyeva Nərmin")
    expect(parties.locator("tbody")).to_contain_text(t("Applicant"))

    # --- Opening the case on the report. --------------------------------------------------------------
    work.get_by_role("link", name=t("Open a criminal case"), exact=True).click()
    expect(work).to_have_url(re.compile(re.escape(reverse("cases:open")) + r"\?material="))
    expect(work.get_by_label(t("Qualification"), exact=True)).to_have_value("177.2.3")
    expect(work.get_by_label(t("Investigator in charge"), exact=True).locator("option:checked")).to_have_text(
        investigator.full_name
    )
    work.get_by_label(t("Supervising prosecutor"), exact=True).select_option(label=supervisor.full_name)
    work.get_by_label(t("Reasons and grounds for opening (CPC art. 46)"), exact=True).fill(
        "Ərizə və hadisə yerinə baxış protokolu oğurluq əlamətlərini göstərir (CPM, maddə 46.1)."
    )
    assert_accessible(work, "the form opening a case")
    work.get_by_role("button", name=t("Open the case"), exact=True).click()
    expect(work).to_have_url(CASE_CARD)
    case_number = number_in(work)
    expect(work.get_by_role("heading", level=1)).to_contain_text(t("Under investigation"))
    expect(fact(work, t("On the crime report"))).to_have_text(number)
    assert_accessible(work, "the case's card")

    # --- A suspect, entered in the registry from the party form. -------------------------------------
    work.get_by_role("link", name=t("Add a party"), exact=True).click()
    work.get_by_role("link", name=t("Add a new person to the registry")).click()
    work.get_by_role("link", name=t("Natural person"), exact=True).click()
    enter_person(work, last_name="Kərimov", first_name="Elvin", birth_date="1990-07-02")
    expect(work).to_have_url(
        re.compile(re.escape(reverse("cases:party_add", args=[case_number])) + r"\?person=")
    )
    expect(work.get_by_role("radio", name=re.compile("Kərimov Elvin"))).to_be_checked()
    work.get_by_label(t("Procedural status"), exact=True).select_option("suspect")
    assert_accessible(work, "the form adding a party to a case")
    work.get_by_role("button", name=t("Add to the case"), exact=True).click()
    case_tab = work.locator("#case-tab")
    expect(case_tab.locator("tbody")).to_contain_text("Kərimov Elvin")
    expect(case_tab.locator("tbody")).to_contain_text(t("Suspect"))

    # --- Detention: 48 hours from the moment of actual detention, and the term explains itself. ------
    detained = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(minutes=10)
    work.get_by_role("link", name=t("Detention or measure"), exact=True).click()
    choose(work.get_by_label(t("Applied to"), exact=True), "Kərimov Elvin")
    work.get_by_label(t("Measure"), exact=True).select_option("detention")
    work.get_by_label(optional("Started at"), exact=True).fill(local_minute(detained))
    assert_accessible(work, "the detention form")
    work.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(case_tab.locator("tbody")).to_contain_text(t("Detention of a suspect"))
    next_term = fact(work, t("Next term"))
    due = dt.datetime.fromisoformat(next_term.locator("time").get_attribute("datetime"))
    assert due == detained + dt.timedelta(hours=48)
    explanation = next_term.locator("details ol")
    expect(explanation).to_be_hidden()
    next_term.locator("summary").click()
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text(rule_line(DETENTION_RULE))
    expect(explanation).to_contain_text(hours(48))

    # --- The charge, then the indictment to the supervising prosecutor. -------------------------------
    parts = work.get_by_role("navigation", name=t("Parts of the case"))
    parts.get_by_role("link", name=t("Parties"), exact=True).click()
    taking_part = case_tab.get_by_role("table", name=t("Taking part in the case"))
    suspect_row = taking_part.locator("tbody tr", has_text="Kərimov Elvin")
    suspect_row.get_by_role("link", name=t("Change status"), exact=True).click()
    work.get_by_label(t("New procedural status"), exact=True).select_option("accused")
    work.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(suspect_row).to_contain_text(t("Accused"))

    work.get_by_role("link", name=t("Send the indictment"), exact=True).click()
    work.get_by_label(t("Text of the indictment"), exact=True).fill(
        "Kərimov Elvin Azərbaycan Respublikası Cinayət Məcəlləsinin 177.2.3-cü maddəsi ilə nəzərdə tutulmuş "
        "cinayəti törətməkdə təqsirləndirilir."
    )
    work.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(work.get_by_role("heading", level=1)).to_contain_text(
        t("Indictment with the supervising prosecutor")
    )

    # --- The prosecutor approves it from the register of cases: the case goes to court. ---------------
    prosecutor.get_by_role("navigation").get_by_role(
        "link", name=t("Criminal cases"), exact=True
    ).first.click()
    expect(prosecutor).to_have_url(re.compile(re.escape(reverse("cases:list"))))
    assert_accessible(prosecutor, "the register of criminal cases")
    prosecutor.locator("main").get_by_role("link", name=case_number, exact=True).click()
    prosecutor.get_by_role("link", name=t("Approve and send to court"), exact=True).click()
    prosecutor.get_by_role("button", name=t("Confirm"), exact=True).click()
    expect(prosecutor.get_by_role("heading", level=1)).to_contain_text(t("Sent to court with an indictment"))
    assert_accessible(prosecutor, "the card of a case sent to court")

    # The case's history (from the audit log) names every step of the journey.
    prosecutor.get_by_role("navigation", name=t("Parts of the case")).get_by_role(
        "link", name=t("History"), exact=True
    ).click()
    history = prosecutor.locator("#case-tab")
    for label in (
        "Criminal case opened",
        "Party added",
        "Detention or preventive measure applied",
        "Party's procedural status changed",
        "Indictment sent to the supervising prosecutor",
        "Indictment approved; case sent to court",
    ):
        expect(history).to_contain_text(t(label))

    # And the report's history, from its card: registered, assigned, extended, checked, decided.
    work.goto(reverse("materials:detail", args=[number]))
    expect(fact(work, t("Check term"))).to_have_text(t("the check is over"))
    decision = work.locator("section", has=work.get_by_role("heading", name=t("Decision"), exact=True))
    expect(decision).to_contain_text(case_number)
    report_history = work.locator("section", has=work.get_by_role("heading", name=t("History"), exact=True))
    for label in (
        "Registered",
        "Check assigned",
        "Check term extended",
        "Step of the check recorded",
        "Party added",
        "Criminal case opened",
    ):
        expect(report_history).to_contain_text(t(label))

    # The audit log holds every event of the report, reads included: all three opened it.
    report_history.get_by_role(
        "link", name=t("Every event of this report in the audit log, including who opened it")
    ).click()
    expect(work).to_have_url(re.compile(re.escape(reverse("audit:event_list")) + r"\?target_id="))
    events = work.locator("main table tbody")
    for employee in ("registrar", "supervisor", "investigator"):
        expect(events).to_contain_text(e2e_server.users[employee].full_name)

    for page in (clerk, prosecutor, work):
        assert page.csp_violations == [], f"CSP violations: {page.csp_violations}"


def enter_person(page: Any, *, last_name: str, first_name: str, birth_date: str) -> None:
    """Fill in and save the form registering a natural person."""
    page.get_by_label(t("Surname"), exact=True).fill(last_name)
    page.get_by_label(t("Name"), exact=True).fill(first_name)
    page.get_by_label(optional("Date of birth"), exact=True).fill(birth_date)
    page.get_by_role("button", name=t("Save"), exact=True).click()
