"""The page frame: navigation by role, the user's tools, language switching, CSP, error pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from eprok.core import context_processors
from eprok.core.views import server_error
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)


def nav_labels(html: str) -> list[str]:
    nav = html.split('class="usa-nav__primary', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<span>([^<]+)</span>", nav)


def test_it_draws_the_shell_for_a_signed_in_investigator(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    client = signed_in(personas.investigator)

    html = client.get("/").content.decode()

    assert 'class="usa-skipnav" href="#main-content"' in html
    assert 'id="main-content"' in html
    assert "Quliyev Rəşad" in html
    assert personas.unit.name_en in html  # the unit's name in the interface language
    assert 'aria-label="Primary navigation"' in html
    labels = nav_labels(html)
    assert labels[0] == "My work"
    assert "Audit log" not in labels
    assert 'aria-current="page"' in html
    assert reverse("notifications:list") in html
    assert reverse("notifications:unread_count") in html
    assert 'hx-trigger="every 30s' in html


def test_it_shows_the_audit_log_only_to_holders_of_read_audit(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    RoleAssignmentFactory(employee=personas.colleague, role=Role.READ_AUDIT, unit=personas.unit)
    client = signed_in(personas.colleague)

    labels = nav_labels(client.get("/").content.decode())

    assert "Audit log" in labels
    assert labels.index("My work") < labels.index("Audit log")


def test_it_builds_navigation_from_roles_and_hides_unrouted_pages(rf, personas, monkeypatch):
    monkeypatch.setattr(
        context_processors,
        "NAVIGATION",
        [
            ("Mine", "core:my_work", None),
            ("Guarded", "notifications:list", frozenset({Role.READ_AUDIT})),
            ("Not yet written", "nowhere:nothing", None),
        ],
    )
    request = rf.get("/")
    request.user = personas.investigator
    assert [item.label for item in context_processors.Shell(request).nav] == ["Mine"]

    RoleAssignmentFactory(employee=personas.colleague, role=Role.READ_AUDIT, unit=personas.unit)
    request.user = personas.colleague
    assert [item.label for item in context_processors.Shell(request).nav] == ["Mine", "Guarded"]


def test_it_offers_sign_out_as_a_post_form_and_security_settings(signed_in, personas):
    html = signed_in(personas.investigator).get("/").content.decode()

    logout = reverse("accounts:logout")
    assert f'<form class="eprok-logout" action="{logout}" method="post">' in html
    assert f'href="{reverse("accounts:security")}"' in html


def test_it_keeps_navigation_off_the_public_frame(rf, personas):
    from django.template.loader import render_to_string

    request = rf.get("/accounts/login/")
    request.user = personas.investigator
    html = render_to_string("core/base_public.html", {}, request=request)

    assert "usa-nav__primary" not in html
    assert "eprok-logout" not in html
    assert 'name="language"' in html


def test_it_draws_the_language_switcher_with_a_visible_button(signed_in, personas):
    html = signed_in(personas.investigator).get("/").content.decode()

    assert f'action="{reverse("set_language")}" method="post"' in html
    for code in ("az", "en", "ru"):
        assert f'<option value="{code}" lang="{code}"' in html
    assert "data-autosubmit" in html
    assert 'class="usa-button usa-button--outline eprok-language__submit"' in html


@pytest.mark.parametrize(
    ("language", "product", "heading"),
    [
        ("az", "Elektron prokurorluq", "Mənə təyin edilənlər"),
        ("en", "Electronic Prosecution", "Assigned to me"),
        ("ru", "Электронная прокуратура", "Назначено мне"),
    ],
)
def test_switching_the_language_changes_the_page_language(signed_in, personas, language, product, heading):
    client = signed_in(personas.investigator)

    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()
    assert f'<html lang="{language}">' in html
    assert product in html
    assert heading in html


def test_azerbaijani_is_the_default_language(signed_in, personas):
    html = signed_in(personas.investigator).get("/").content.decode()

    assert '<html lang="az">' in html
    assert "Elektron prokurorluq" in html
    assert "Mənim işim" in html


@pytest.mark.parametrize("path", ["/", "/notifications/", "/help/shell/", "/no-such-page/"])
def test_every_page_has_a_strict_csp_and_no_inline_script(signed_in, personas, path):
    response = signed_in(personas.investigator).get(path)

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    html = response.content.decode()
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "the shell loads its scripts"
    for attrs, body in scripts:
        assert "src=" in attrs, f"inline script: {attrs!r}"
        assert body.strip() == ""
    assert "<style" not in html.lower()
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handler"


def test_it_puts_the_csrf_token_in_a_meta_tag_for_htmx(signed_in, personas):
    html = signed_in(personas.investigator).get("/").content.decode()

    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert match and len(match.group(1)) >= 32
    assert '"includeIndicatorStyles": false' in html


def test_it_renders_messages_as_usa_alerts(signed_in, personas):
    client = signed_in(personas.investigator)
    from eprok.notifications.services import notification_send

    notification_send(recipient=personas.investigator, title="A", actor=None)
    client.post(reverse("notifications:mark_all_read"))

    html = client.get("/notifications/").content.decode()

    assert 'class="usa-alert usa-alert--slim usa-alert--success"' in html
    assert 'role="status"' in html


def test_healthz_answers_json(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}


def test_it_renders_not_found_in_the_shell(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    response = signed_in(personas.investigator).get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "usa-nav__primary" in html


def test_it_renders_not_found_for_an_anonymous_visitor_without_navigation(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "usa-nav__primary" not in response.content.decode()


@override_settings(DEBUG=False)
def test_it_renders_forbidden_and_bad_request_pages(rf, personas):
    from eprok.core.views import bad_request, permission_denied

    request = rf.get("/")
    request.user = personas.investigator
    assert permission_denied(request).status_code == 403
    assert bad_request(request).status_code == 400


def test_the_server_error_page_needs_neither_the_database_nor_the_user():
    # No `db` fixture: pytest-django makes any query in here an error.
    request = RequestFactory().get("/")  # no user, no session

    response = server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>" in html
    assert "<script" not in html


def test_an_unhandled_exception_gives_the_500_page(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    settings.ROOT_URLCONF = "eprok.core.tests.boom_urls"

    response = client.get("/boom/")

    assert response.status_code == 500
    assert 'id="main-content"' in response.content.decode()
