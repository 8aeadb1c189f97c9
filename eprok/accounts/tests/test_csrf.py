"""A tampered or missing CSRF token gets a translated explanation, not Django's technical page."""

from __future__ import annotations

from django.test import Client

from eprok.core.testing.personas import PASSWORD

MESSAGE = b"Your form has expired or was altered. Reload the page and try again."


def _client(language: str = "en") -> Client:
    client = Client(enforce_csrf_checks=True)
    client.cookies["eprok_language"] = language
    return client


def test_it_explains_a_missing_csrf_token(personas):
    response = _client().post("/accounts/login/", {"username": "colleague", "password": PASSWORD})

    assert response.status_code == 403
    assert MESSAGE in response.content
    assert response.context["help_page"] == "sign-in"


def test_it_explains_a_tampered_csrf_token(personas):
    client = _client()
    client.get("/accounts/login/")
    assert "csrftoken" in client.cookies

    response = client.post(
        "/accounts/login/", {"username": "colleague", "password": PASSWORD, "csrfmiddlewaretoken": "x" * 64}
    )

    assert response.status_code == 403
    assert MESSAGE in response.content
    assert "_auth_user_id" not in client.session


def test_it_explains_it_in_russian_too(personas):
    response = _client("ru").post("/accounts/login/", {})
    assert response.status_code == 403
    assert "Форма устарела или была изменена".encode() in response.content


def test_a_portal_visitor_is_sent_back_to_the_portal_not_to_the_staff_sign_in(db):
    response = _client().post("/portal/appeals/status/", {"number": "AP-1", "code": "x"})

    assert response.status_code == 403
    assert MESSAGE in response.content
    assert b'href="/portal/"' in response.content
    assert b"/accounts/login/" not in response.content.split(b"<main", 1)[-1].split(b"</main>", 1)[0]
