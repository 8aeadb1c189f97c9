"""Azerbaijani is the default whatever the browser asks for; the switcher's choice is kept."""

from __future__ import annotations


def test_a_browser_asking_for_english_still_gets_azerbaijani(client, db):
    response = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response["Content-Language"] == "az"
    assert "Şifrə" in response.content.decode()


def test_the_switcher_choice_wins(client, db):
    client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    response = client.get("/accounts/login/", headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "ru"
    assert "Пароль" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_azerbaijani(client, db):
    client.cookies["eprok_language"] = "xx"
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "az"
