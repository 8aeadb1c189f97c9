"""The portal's journeys in a real browser, in Azerbaijani, under the real CSP, with the browser solving
the proof-of-work (at the server's development difficulty):

(a) Nərmin submits a complaint with a scanned page, keeps the number and the code, and — once the
    appeals section has answered it (through the appeals services, as its staff would) — reads the
    answer on the portal;
(b) an anonymous reporter sends a corruption report; the investigator, signed in with password and
    TOTP, takes it and writes through the hotline's page; the reporter reads it with the receipt
    code and answers; two messages go each way, and the investigator reads the reporter's second one.

Axe finds no serious or critical accessibility problem on the portal's pages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pyotp
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from eprok.core.testing.browser import assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in
from eprok.core.tests.browser.conftest import AXE_JS, E2EServer, _manage
from eprok.portal.tests.browser.conftest import PortalServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWER = "Hörmətli Nərmin xanım, şikayətiniz yoxlanıldı: polis şöbəsinə göstəriş verildi."


def t(text: str) -> str:
    """The interface text in Azerbaijani, from the catalogs."""
    with translation.override(LANGUAGE):
        return gettext(text)


def optional(label: str) -> str:
    return f"{t(label)} ({t('optional')})"


def tick(page: Any, label: str) -> None:
    """Tick a design-system checkbox the way a person does: its input is drawn by its label."""
    from playwright.sync_api import expect

    page.locator("label.usa-checkbox__label", has_text=label).click()
    expect(page.get_by_label(label)).to_be_checked()


# --- the server's database -------------------------------------------------------------------------


@pytest.fixture
def server_env(portal_server: PortalServer) -> dict[str, str]:
    return portal_server.env


def _employee(env: dict[str, str], username: str, unit: str, *roles: str) -> dict[str, str]:
    password = "e2e-" + pyotp.random_base32()[:20]
    secret = pyotp.random_base32()
    grants = [arg for role in roles for arg in ("--role", f"{role}:{unit}")]
    _manage(
        {**env, "E2E_PASSWORD": password, "E2E_TOTP_SECRET": secret},
        "e2e_fixture",
        "--username",
        username,
        "--unit",
        unit,
        "--last-name",
        "Kərimov",
        "--first-name",
        "Elçin",
        *grants,
    )
    return {"username": username, "password": password, "secret": secret, "full_name": "Kərimov Elçin"}


def _run(env: dict[str, str], code: str, **values: str) -> str:
    """Python run by the server's `manage.py shell` (values passed in the environment, never quoted in)."""
    result = _manage(
        {**env, **{f"E2E_{k.upper()}": v for k, v in values.items()}}, "shell", "-v", "0", "-c", code
    )
    lines = result.stdout.strip().splitlines()
    return lines[-1].strip() if lines else ""


ANSWER_APPEAL = """
import os
from eprok.appeals import services
from eprok.appeals.models import Appeal
from eprok.core.context import WorkContext, work_context
from eprok.org.models import Employee

appeal = Appeal.objects.get(number=os.environ["E2E_NUMBER"])
head = Employee.objects.get(username="e2e.appeals.head")
executor = Employee.objects.get(username="e2e.appeals.executor")
with work_context(WorkContext(source="cli")):
    services.appeal_route(actor=head, appeal=appeal, executor_unit=appeal.unit, executor=executor,
                          instruction="Yoxlayın və cavab verin.")
    services.appeal_answer_draft(
        actor=executor, appeal=appeal, text=os.environ["E2E_ANSWER"], outcome="explained"
    )
    services.appeal_answer_approve(actor=head, appeal=appeal)
    services.appeal_answer_send(actor=executor, appeal=appeal)
print(Appeal.objects.get(pk=appeal.pk).status)
"""

LATEST_WEB_REPORT = """
from eprok.contact.models import HotlineReport
print(HotlineReport.objects.filter(channel="web").order_by("-pk").values_list("number", flat=True).first())
"""


# --- browsers --------------------------------------------------------------------------------------


@pytest.fixture
def browser_page(chromium: Any, e2e_server: E2EServer) -> Iterator[Callable[[], Any]]:
    """Call to get a page in a browser of its own (a citizen's phone, an investigator's desk)."""
    contexts: list[Any] = []

    def open_page() -> Any:
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
        return page

    yield open_page
    for context in contexts:
        context.close()


def _sign_in(page: Any, user: dict[str, str]) -> None:
    browser_sign_in(page, username=user["username"], password=user["password"], totp_secret=user["secret"])


def _ready(page: Any) -> None:
    """Wait until the page's script has solved the form's proof-of-work."""
    from playwright.sync_api import expect

    expect(page.locator("[data-pow-status]")).to_have_text(t("The form is ready to send."))


# --- (a) the citizen's appeal ----------------------------------------------------------------------


def test_a_citizen_submits_an_appeal_and_later_reads_the_answer_with_the_number_and_code(
    browser_page: Callable[[], Any], server_env: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    _employee(server_env, "e2e.appeals.head", "gpo-documents", "answer_appeals")
    _employee(server_env, "e2e.appeals.executor", "gpo-documents", "answer_appeals")

    citizen = browser_page()
    citizen.goto(reverse("portal:portal_home"))
    assert citizen.get_attribute("html", "lang") == LANGUAGE
    assert_accessible(citizen, "the portal's home")
    citizen.get_by_role("navigation").get_by_role("link", name=t("Submit an appeal"), exact=True).click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(t("Submit an appeal"))

    # Sent too early, with the consent missing: the summary lists the problem and takes the focus.
    citizen.get_by_label(t("Kind of appeal"), exact=True).select_option("complaint")
    citizen.get_by_label(t("Text of the appeal"), exact=True).fill(
        "Nəsimi rayon polis şöbəsi üç aydır ərizəmi qeydiyyata almır. Xahiş edirəm, yoxlayasınız."
    )
    citizen.get_by_label(t("Last name"), exact=True).fill("Əliyeva")
    citizen.get_by_label(t("First name"), exact=True).fill("Nərmin")
    citizen.get_by_label(t("Address"), exact=True).fill("Bakı şəhəri, Nəsimi rayonu, Azadlıq prospekti 10")
    citizen.get_by_role("button", name=t("Send the appeal"), exact=True).click()
    summary = citizen.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(t("To send the appeal, agree to the processing of your personal data."))
    assert_accessible(citizen, "the appeal form with an error")

    # The form kept what she wrote; she adds the scan, the notices and her consent.
    expect(citizen.get_by_label(t("Last name"), exact=True)).to_have_value("Əliyeva")
    citizen.get_by_label(optional("Attachments"), exact=True).set_input_files(
        [{"name": "skan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    citizen.get_by_label(optional("Mobile phone"), exact=True).fill("050 123 45 67")
    tick(citizen, t("Send me notices about my appeal by SMS"))
    tick(citizen, "Fərdi məlumatlar haqqında")
    _ready(citizen)
    citizen.get_by_role("button", name=t("Send the appeal"), exact=True).click()

    expect(citizen.get_by_role("heading", level=1)).to_have_text(t("Your appeal is registered"))
    number = citizen.get_by_test_id("appeal-number").inner_text().strip()
    code = citizen.get_by_test_id("access-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]+", number) and len(code.replace("-", "")) == 12
    expect(citizen.get_by_role("button", name=t("Print or save this receipt"), exact=True)).to_be_visible()
    assert number not in citizen.url and code not in citizen.url
    assert_accessible(citizen, "the receipt")

    # Days later: the status, before the answer.
    citizen.get_by_role("navigation").get_by_role("link", name=t("Check an appeal"), exact=True).click()
    citizen.get_by_label(t("Register number"), exact=True).fill(number)
    citizen.get_by_label(t("Access code"), exact=True).fill(code.lower())
    _ready(citizen)
    citizen.get_by_role("button", name=t("Show the appeal"), exact=True).click()
    expect(citizen.get_by_test_id("appeal-status")).to_be_visible()
    expect(citizen.get_by_text(t("The answer is shown here once it is sent."))).to_be_visible()

    # The appeals section routes, drafts, approves and sends the answer.
    assert _run(server_env, ANSWER_APPEAL, number=number, answer=ANSWER).endswith("answered")

    citizen.get_by_role("navigation").get_by_role("link", name=t("Check an appeal"), exact=True).click()
    citizen.get_by_label(t("Register number"), exact=True).fill(number)
    citizen.get_by_label(t("Access code"), exact=True).fill(code)
    _ready(citizen)
    citizen.get_by_role("button", name=t("Show the appeal"), exact=True).click()
    expect(citizen.get_by_test_id("appeal-answer")).to_contain_text(ANSWER)
    assert number not in citizen.url and code not in citizen.url
    assert_accessible(citizen, "the appeal's status with the answer")
    assert citizen.csp_violations == []


# --- (b) the anonymous report and the conversation -------------------------------------------------


def test_an_anonymous_reporter_and_the_investigator_exchange_two_messages_each_way(
    browser_page: Callable[[], Any], server_env: dict[str, str]
) -> None:
    from playwright.sync_api import expect

    investigator_user = _employee(
        server_env, "e2e.hotline.investigator", "acgd-organisation", "investigate", "operate_calls"
    )

    reporter = browser_page()
    reporter.goto(reverse("portal:portal_report_submit"))
    expect(reporter.get_by_role("heading", level=1)).to_have_text(t("Report corruption anonymously"))
    reporter.get_by_label(optional("Sector"), exact=True).select_option("health")
    reporter.get_by_label(optional("Place"), exact=True).fill("Bakı, 3 saylı şəhər poliklinikası")
    reporter.get_by_label(t("What happened"), exact=True).fill(
        "Terapevt arayış vermək üçün 50 manat tələb etdi, 12 mart, saat 10 radələrində."
    )
    assert_accessible(reporter, "the report form")
    _ready(reporter)
    reporter.get_by_role("button", name=t("Send the report"), exact=True).click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text(t("Your report is received"))
    code = reporter.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code.replace("-", "")) >= 16
    assert_accessible(reporter, "the report's receipt")

    number = _run(server_env, LATEST_WEB_REPORT)
    assert number and number != "None"

    # The investigator takes the report and writes to the reporter.
    investigator = browser_page()
    _sign_in(investigator, investigator_user)
    investigator.goto(reverse("contact:hotline_detail", args=[number]))
    investigator.get_by_role("link", name=t_contact("Assign"), exact=True).click()
    assign = investigator.locator("#action-slot form")
    expect(assign).to_be_visible()
    assign.get_by_label(t_contact("Assign to"), exact=True).select_option(
        label=investigator_user["full_name"]
    )
    assign.get_by_role("button").first.click()
    first_question = "Həkimin adını və kabinetin nömrəsini xatırlayırsınızmı?"
    _staff_reply(investigator, first_question)

    # The reporter opens the conversation with the code alone, reads the question and answers.
    reporter.get_by_role("link", name=t("Continue a conversation"), exact=True).first.click()
    reporter.get_by_label(t("Receipt code"), exact=True).fill(code)
    _ready(reporter)
    reporter.get_by_role("button", name=t("Open the conversation"), exact=True).click()
    expect(reporter.get_by_role("heading", level=1)).to_have_text(t("Conversation about your report"))
    thread = reporter.locator("ol.portal-thread")
    expect(thread).to_contain_text(first_question)
    expect(thread).not_to_contain_text(investigator_user["full_name"])
    assert code not in reporter.url
    assert_accessible(reporter, "the conversation")
    _reporter_writes(reporter, "Kabinet 12, həkimin soyadı Səmədovadır.")

    # Second round: the investigator reads it and asks again; the reporter answers once more.
    investigator.reload()
    expect(investigator.locator("#conversation")).to_contain_text("Kabinet 12")
    second_question = "Pulu nağd verdiniz, yoxsa kartla?"
    _staff_reply(investigator, second_question)

    reporter.reload()
    expect(reporter.locator("ol.portal-thread")).to_contain_text(second_question)
    _reporter_writes(reporter, "Nağd verdim, qəbz verilmədi.")

    investigator.reload()
    conversation = investigator.locator("#conversation")
    expect(conversation).to_contain_text("Nağd verdim, qəbz verilmədi.")
    expect(conversation.locator("li")).to_have_count(4)

    # Leaving: the conversation is forgotten in this browser.
    reporter.get_by_role("button", name=t("Close the conversation"), exact=True).click()
    reporter.goto(reverse("portal:portal_conversation"))
    expect(reporter.get_by_role("heading", level=1)).to_have_text(t("Continue a conversation"))
    assert reporter.csp_violations == [] and investigator.csp_violations == []


def t_contact(text: str) -> str:
    """A staff page's text (the contact app's catalog is loaded with every other)."""
    return t(text)


def _staff_reply(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    section = page.locator("#conversation")
    section.get_by_label(t_contact("Message to the reporter")).fill(text)
    section.get_by_role("button", name=t_contact("Send to the reporter"), exact=True).click()
    expect(page.locator("#conversation")).to_contain_text(text)


def _reporter_writes(page: Any, text: str) -> None:
    from playwright.sync_api import expect

    page.get_by_label(t("Your message"), exact=True).fill(text)
    _ready(page)
    page.get_by_role("button", name=t("Send the message"), exact=True).click()
    expect(page.get_by_role("status").filter(has_text=t("Your message was sent."))).to_be_visible()
    expect(page.locator("ol.portal-thread")).to_contain_text(text)


def test_the_portal_works_in_english_without_signing_in(browser_page: Callable[[], Any]) -> None:
    from playwright.sync_api import expect

    page = browser_page()
    page.goto(reverse("portal:portal_home"))
    page.get_by_label(t("Language"), exact=True).select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Public portal of the prosecution service")
    assert os.path.basename(page.url.rstrip("/")) == "portal"
