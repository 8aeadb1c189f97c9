"""The 961 operator's journey in a real browser, in Azerbaijani: the PBX simulator announces a call over
HTTP (offered, then answered at the operator's extension); the workspace shows it without a reload;
the operator opens its card in one click, finds the caller's earlier call in the history, and registers
the caller's appeal from the call. Axe finds no serious or critical problem on the way."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from eprok.contact.tests.browser.conftest import ContactServer
from eprok.core.testing.browser import assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in
from eprok.core.tests.browser.conftest import AXE_JS
from simulators.pbx import PbxSimulator, http_transport

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
CALLER = "+994502223344"


def t(text: str) -> str:
    with translation.override(LANGUAGE):
        return gettext(text)


def optional(label: str) -> str:
    return f"{t(label)} ({t('optional')})"


def sign_in(browser: Any, server: ContactServer) -> Any:

    context = browser.new_context(base_url=server.url, locale="az-AZ")
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_sign_in(page, username=server.username, password=server.password, totp_secret=server.totp_secret)
    return page


def test_an_operator_takes_a_simulated_call_and_registers_an_appeal(
    contact_browser: Any, contact_server: ContactServer
) -> None:
    from playwright.sync_api import expect

    pbx = PbxSimulator(
        pbx_code=contact_server.pbx,
        secret=contact_server.pbx_secret,
        transport=http_transport(contact_server.url),
    )
    # The caller rang earlier too, and nobody answered: a missed call from the same number.
    earlier = pbx.call(caller_number=CALLER, operator=None, ring_seconds=40)
    assert [r.status for r in earlier] == [201, 200]

    page = sign_in(contact_browser, contact_server)
    page.get_by_role("navigation").get_by_role("link", name=t("Call centre"), exact=True).first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("contact:workspace")) + "$"))
    incoming = page.locator("#incoming")
    expect(incoming).to_contain_text(t("No calls are waiting."))
    assert_accessible(page, "the operator's workspace")

    # The exchange announces a call; the panel shows it ringing without a reload.
    call_id = uuid.uuid4().hex
    assert pbx.offer(call_id, caller_number="050 222 33 44", seconds_ago=2).status == 201
    expect(incoming).to_contain_text(CALLER, timeout=20_000)
    # The operator picks up at the phone: the exchange reports the answer at their extension.
    assert pbx.answer(call_id, operator=contact_server.extension).status == 200
    card_link = incoming.get_by_role("link", name=re.compile(re.escape(CALLER)))
    expect(card_link).to_be_visible(timeout=20_000)
    card_link.click()
    expect(page).to_have_url(re.compile(r"/contact/centre/calls/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("In conversation"))

    # The history: the caller's earlier call is there.
    history = page.locator("section", has=page.get_by_role("heading", name=t("The caller's history")))
    expect(history.locator("ul li")).to_have_count(1)
    expect(history.locator("ul li")).to_contain_text(t("Missed"))
    expect(history).not_to_contain_text(t("No earlier calls from this number or FIN."))
    assert_accessible(page, "the call card")

    # The caller states a complaint: registered as an appeal from the call.
    page.get_by_role("link", name=t("Register an appeal"), exact=True).click()
    form = page.locator("#action-slot form")
    expect(form).to_be_visible()
    form.get_by_label(t("Kind of appeal"), exact=True).select_option("complaint")
    form.get_by_label(t("The appeal as the caller stated it"), exact=True).fill(
        "Rayon polis şöbəsinin əməkdaşı ərizəmi qəbul etməkdən imtina edib; hərəkətlərindən şikayət edirəm."
    )
    form.get_by_label(optional("Surname"), exact=True).fill("Əliyeva")
    form.get_by_label(optional("Name"), exact=True).fill("Nərmin")
    form.locator("label", has_text=t("The caller was told the call is recorded")).click()
    assert_accessible(page, "the appeal form")
    form.get_by_role("button", name=t("Register the appeal"), exact=True).click()

    expect(page.locator(".usa-alert--success")).to_contain_text("AP-GPO-DOCUMENTS-")
    outcome = page.locator('dl.eprok-facts dt:text-is("' + t("Outcome") + '") + dd')
    expect(outcome).to_contain_text(t("Appeal registered"))
    number = outcome.locator(".eprok-number").inner_text()
    assert number.startswith("AP-GPO-DOCUMENTS-")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Registered"))
