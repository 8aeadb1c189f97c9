"""The signed-document journey in a real browser, in Azerbaijani: the investigator issues a signing key,
generates the decision to open a criminal case from the case's card, signs it with the key, and a citizen
checks it through the public page the QR code leads to: the same checksum and signer, and nothing of the
document's content. The downloaded PDF's signature is valid for poppler's pdfsig as well."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from eprok.core.testing.browser import AXE_JS, E2EServer, _manage, assert_accessible
from eprok.core.testing.browser import sign_in as browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGUAGE = "az"
PASSPHRASE = "qış-gecəsi-ulduzlar-2026"
SUMMARY = "Xətai rayonunda Şəfiqə Əliyevanın mənzilindən zərgərlik əşyaları oğurlanıb."

# Opens a case directly (CPC art. 46) in the casework unit, with the journey's investigator and supervisor.
OPEN_CASE = f"""
from eprok.cases.services import case_open
from eprok.core.context import WorkContext, work_context
from eprok.org.models import Employee, Unit

investigator = Employee.objects.get(username="e2e.investigator")
with work_context(WorkContext(source="cli")):
    case = case_open(
        actor=investigator,
        unit=Unit.objects.get(code="baku-xetai"),
        articles="177.2.3",
        summary={SUMMARY!r},
        opening_grounds="Ərizəçinin ərizəsi və hadisə yerinə baxış protokolu.",
        investigator=investigator,
        supervisor=Employee.objects.get(username="e2e.supervisor"),
    )
print(case.number)
"""


def t(text: str) -> str:
    with translation.override(LANGUAGE):
        return gettext(text)


def sign_in(chromium: Any, server: E2EServer, key: str) -> Any:

    user = server.users[key]
    context = chromium.new_context(base_url=server.url, locale="az-AZ", accept_downloads=True)
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.set_default_timeout(20_000)
    browser_sign_in(page, username=user.username, password=user.password, totp_secret=user.totp_secret)
    return page


@pytest.fixture(scope="module")
def case_number(e2e_server: E2EServer) -> str:
    if "investigator" not in e2e_server.users:
        pytest.skip("the structure seed did not run: the casework employees were not created")
    result = _manage(e2e_server.env, "shell", "-c", OPEN_CASE)
    number = result.stdout.strip().splitlines()[-1]
    assert number.startswith("CI-"), result.stdout + result.stderr
    return number


def test_an_investigator_signs_a_generated_decision_that_a_citizen_verifies_by_its_code(
    chromium: Any, e2e_server: E2EServer, case_number: str
) -> None:
    from playwright.sync_api import expect

    investigator = e2e_server.users["investigator"]
    page = sign_in(chromium, e2e_server, "investigator")

    # --- The investigator issues a signing key once, on "My signature". ---------------------------------
    page.goto(reverse("signing:my"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My signature"))
    page.get_by_label(t("Signing passphrase"), exact=True).fill(PASSPHRASE)
    page.get_by_label(t("Repeat the signing passphrase"), exact=True).fill(PASSPHRASE)
    page.locator("label[for=id_understood]").click()
    page.get_by_role("button", name=t("Issue the key"), exact=True).click()
    expect(page.locator(".usa-alert--success").first).to_be_visible()

    # --- From the case's card, the documents panel offers generation from a template. --------------------
    page.goto(reverse("cases:detail", args=[case_number]))
    panel = page.locator("#documents-panel")
    expect(panel).to_be_visible()
    panel.get_by_role("link", name=t("Generate from a template"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Generate from a template"))
    page.locator("#id_template").select_option("case_open")
    page.get_by_role("button", name=t("Preview"), exact=True).click()
    expect(page.get_by_text(SUMMARY).first).to_be_visible()
    assert_accessible(page, "the generation preview")
    page.get_by_role("button", name=t("Generate the document"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/documents/[0-9a-f-]{36}/$"))
    document_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cinayət işinin başlanması haqqında")

    # --- The investigator signs the decision with the key and the passphrase. -----------------------------
    page.locator("#signatures").get_by_role("link", name=t("Sign"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Sign the document"))
    page.get_by_label(t("Signing passphrase"), exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name=t("Sign"), exact=True).click()
    expect(page).to_have_url(document_url)
    signatures = page.locator("#signatures")
    expect(signatures).to_contain_text(investigator.full_name)
    expect(signatures).to_contain_text(t("Intact"))
    expect(signatures).to_contain_text(t("Valid, trusted certificate"))
    assert_accessible(page, "the signed document's page")
    code_term = t("Verification code")
    code = page.locator(f'dl.eprok-facts dt:text-is("{code_term}") + dd code').inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z-]{8,16}", code), code
    current = page.locator("tr", has=page.locator("span.usa-tag", has_text=t("current")))
    checksum = current.locator("code.eprok-hash").inner_text().strip()

    # The signed file itself: its checksum is the one shown, and pdfsig accepts its signature.
    with page.expect_download() as download_info:
        current.get_by_role("link").first.click()
    path = download_info.value.path()
    content = Path(path).read_bytes()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == checksum
    if shutil.which("pdfsig"):
        report = subprocess.run(["pdfsig", path], capture_output=True, text=True, check=False)  # noqa: S603, S607
        assert "Signature is Valid." in report.stdout, report.stdout + report.stderr
    elif os.environ.get("CI", "").lower() == "true":
        pytest.fail("pdfsig (poppler-utils) must be installed in CI")
    page.context.close()

    # --- A citizen, not signed in, opens the address of the QR code. -------------------------------------
    visitor = chromium.new_context(base_url=e2e_server.url, locale="az-AZ")
    visitor.add_init_script(path=str(AXE_JS))
    public = visitor.new_page()
    public.set_default_timeout(20_000)
    public.goto(reverse("portal:portal_verify_code", args=[code]))
    expect(public.get_by_test_id("verify-status")).to_contain_text(
        t("The document is genuine and its signatures are valid")
    )
    expect(public.locator("code.eprok-hash")).to_have_text(checksum)
    expect(public.locator("table")).to_contain_text(investigator.full_name)
    body = public.locator("main").inner_text()
    assert SUMMARY not in body and "Cinayət işinin başlanması haqqında QƏRAR" not in body
    assert case_number not in body
    assert_accessible(public, "the public verification page")

    # A code that does not exist is a clear "no such document".
    public.goto(reverse("portal:portal_verify"))
    public.locator("#id_code").fill("ZZZZ-ZZZZ-ZZ")
    public.get_by_role("button", name=t("Verify"), exact=True).click()
    expect(public.locator(".usa-error-message, .usa-alert--error").first).to_be_visible()
    visitor.close()
