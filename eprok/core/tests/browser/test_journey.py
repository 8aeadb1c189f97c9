"""The first journey in a real browser: sign in with password and TOTP, read "My work" in
Azerbaijani, switch to English, open the audit log and find the sign-in there; axe finds no
serious or critical accessibility problem on the way."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from eprok.core.testing.browser import fresh_totp_code, my_work_url
from eprok.core.tests.browser.conftest import AXE_JS, E2EServer

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AZERBAIJANI_LETTERS = re.compile(r"[əƏıİğĞşŞçÇöÖüÜ]")


def path_of(page: Any) -> str:
    return urlparse(page.url).path


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


def serious_accessibility_violations(page: Any) -> list[str]:
    """Run axe-core (loaded by the context's init script) and keep serious and critical findings."""
    result = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Any, name: str) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, f"axe on {name}:\n" + "\n".join(violations)


@pytest.fixture
def page(chromium: Any, e2e_server: E2EServer) -> Any:
    # Chromium asks for Azerbaijani, as a browser set up in Azerbaijan would.
    context = chromium.new_context(base_url=e2e_server.url, locale="az-AZ")
    # An init script is not subject to the page's CSP, unlike an injected <script>: axe is loaded
    # that way, and only axe; the pages themselves run under the real policy.
    context.add_init_script(path=str(AXE_JS))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()


def test_an_auditor_signs_in_works_in_two_languages_and_finds_the_sign_in_in_the_audit_log(
    page: Any, e2e_server: E2EServer, tmp_path: Path
) -> None:
    login_path = reverse("accounts:login")
    my_work_path = reverse("core:my_work")
    audit_path = reverse("audit:event_list")

    # Anonymous: the home page sends you to sign in.
    page.goto("/")
    assert path_of(page) == login_path

    # A wrong password is refused with a message, and the password field is not refilled.
    page.fill("#id_username", e2e_server.username)
    page.fill("#id_password", "not-the-password")
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_load_state()
    assert path_of(page) == login_path
    error = page.locator(".usa-alert--error, .usa-error-message").first
    assert error.is_visible()
    assert error.inner_text().strip()
    assert page.input_value("#id_password") == ""

    # The right password leads to the second step, and a code from the authenticator finishes it.
    page.fill("#id_username", e2e_server.username)
    page.fill("#id_password", e2e_server.password)
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('accounts:login_totp')}**")
    page.fill("#id_code", fresh_totp_code(e2e_server.username, e2e_server.totp_secret))
    page.locator("form.usa-form button[type=submit]").click()
    page.wait_for_url(my_work_url())

    # "My work" in Azerbaijani.
    assert page.get_attribute("html", "lang") == "az"
    my_work_az = translated("My work", "az")
    assert my_work_az != "My work", "the Azerbaijani catalogue has no translation of “My work”"
    assert my_work_az in page.title()
    assert AZERBAIJANI_LETTERS.search(page.locator("main").inner_text())
    assert_accessible(page, "My work")

    # The language switcher shows the same page in English.
    with page.expect_navigation():
        page.select_option("#eprok-language", "en")
    page.wait_for_load_state()
    assert path_of(page) == my_work_path
    assert page.get_attribute("html", "lang") == "en"
    assert "My work" in page.title()

    # The audit log, from the navigation, lists this sign-in.
    page.locator(f'nav a[href="{audit_path}"]').first.click()
    page.wait_for_url(f"**{audit_path}**")
    rows = page.locator("main table tbody tr")
    assert rows.count() > 0
    table_text = page.locator("main table").inner_text()
    assert "Signed in" in table_text
    assert_accessible(page, "the audit log")

    assert page.csp_violations == []
    shots = Path(os.environ.get("E2E_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "journey-audit-log.png"), full_page=True)
