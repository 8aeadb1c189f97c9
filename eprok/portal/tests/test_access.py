"""The portal is public and self-contained: no sign-in, no staff menu, no way from it into staff pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from eprok.portal.tests.conftest import CLIENT_IP, REPORT

pytestmark = pytest.mark.django_db

PAGES = [
    "portal:portal_home",
    "portal:portal_help",
    "portal:portal_appeal_submit",
    "portal:portal_appeal_status",
    "portal:portal_report_submit",
    "portal:portal_conversation_open",
]
# Where a portal page may send a visitor: the portal, its static files, the language switch, and the public
# open-data pages (no account either).
ALLOWED_TARGETS = re.compile(r"^(/portal/|/static/|/i18n/setlang/|/open-data/|#)")


@pytest.mark.parametrize("name", PAGES)
def test_every_portal_page_opens_without_an_account(client: Any, world: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("name", PAGES)
def test_no_portal_page_links_to_a_staff_page_or_runs_inline_code(client: Any, world: Any, name: str) -> None:
    html = client.get(reverse(name)).content.decode()
    targets = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    assert targets
    outside = [t for t in targets if not ALLOWED_TARGETS.match(t)]
    assert outside == [], f"{name} points outside the portal: {outside}"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html and "javascript:" not in html


def test_a_signed_in_employee_sees_the_portal_as_everyone_does(signed_in: Any, world: Any) -> None:
    client = signed_in(world.drafter)
    html = client.get(reverse("portal:portal_home")).content.decode()
    assert world.drafter.get_full_name() not in html
    assert reverse("accounts:logout") not in html


def test_an_open_conversation_gives_no_access_to_staff_pages(visitor: Any, world: Any) -> None:
    response = visitor.submit(reverse("portal:portal_report_submit"), REPORT)
    code = re.search(r'data-testid="receipt-code">([^<]+)<', response.content.decode()).group(1)  # type: ignore[union-attr]
    visitor.submit(reverse("portal:portal_conversation_open"), {"code": code})
    assert visitor.get(reverse("portal:portal_conversation")).status_code == 200
    from eprok.contact.models import HotlineReport

    number = HotlineReport.objects.get().number
    for path in ("/contact/hotline/", f"/contact/hotline/{number}/", "/appeals/", "/"):
        staff = visitor.get(path)
        assert staff.status_code == 302 and staff["Location"].startswith("/accounts/login/"), path


def test_the_language_switch_works_without_an_account(client: Any, world: Any, settings: Any) -> None:
    home = reverse("portal:portal_home")
    assert 'lang="az"' in client.get(home).content.decode()
    switched = client.post(reverse("set_language"), {"language": "en", "next": home}, REMOTE_ADDR=CLIENT_IP)
    assert switched.status_code == 302 and switched["Location"] == home
    page = client.get(home).content.decode()
    assert 'lang="en"' in page and "Submit an appeal" in page
    client.post(reverse("set_language"), {"language": "ru", "next": home})
    assert 'lang="ru"' in client.get(home).content.decode()


def test_the_portal_guide_is_readable_without_an_account(client: Any, world: Any) -> None:
    response = client.get(reverse("portal:portal_help"))
    assert response.status_code == 200
    assert "<h1" in response.content.decode()


def test_forms_are_labelled_and_say_what_is_optional(client: Any, world: Any) -> None:
    html = client.get(reverse("portal:portal_appeal_submit")).content.decode()
    inputs = re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_[a-z_]+)"', html)
    assert inputs
    for field_id in inputs:
        assert f'for="{field_id}"' in html, f"{field_id} has no label"
    assert 'aria-describedby="id_fin-hint"' in html
