"""Session security: idle expiry and no page before the second factor."""

from __future__ import annotations

import time

from django.conf import settings

from eprok.accounts.models import TotpDevice

SECURITY = "/accounts/security/"


def _idle_for(client, seconds: int) -> None:
    session = client.session
    session["eprok_last_seen"] = int(time.time()) - seconds
    session.save()


def test_it_signs_out_a_session_idle_for_too_long(client, personas, signed_in, audit_events):
    signed_in(personas.investigator)
    assert client.get(SECURITY).status_code == 200
    _idle_for(client, settings.SESSION_IDLE_MINUTES * 60 + 5)

    response = client.get(SECURITY)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Faccounts%2Fsecurity%2F"
    assert "_auth_user_id" not in client.session
    [event] = audit_events("accounts.session.expired")
    assert event.actor_id == personas.investigator.pk
    page = client.get(response["Location"])
    assert b"Your session expired after inactivity. Sign in again." in page.content


def test_it_keeps_a_session_that_was_recently_active(client, personas, signed_in):
    signed_in(personas.investigator)
    _idle_for(client, settings.SESSION_IDLE_MINUTES * 60 - 120)

    assert client.get(SECURITY).status_code == 200
    # The visit counts as activity.
    assert int(time.time()) - client.session["eprok_last_seen"] < 5


def test_background_polling_does_not_count_as_activity(client, personas, signed_in):
    signed_in(personas.investigator)
    _idle_for(client, settings.SESSION_IDLE_MINUTES * 60 - 120)
    before = client.session["eprok_last_seen"]

    response = client.get(
        "/notifications/unread-count", headers={"X-Eprok-Background": "1", "HX-Request": "true"}
    )

    assert response.status_code == 200
    assert client.session["eprok_last_seen"] == before


def test_it_answers_an_expired_htmx_request_with_401_and_a_redirect_header(client, personas, signed_in):
    signed_in(personas.investigator)
    client.get(SECURITY)
    _idle_for(client, settings.SESSION_IDLE_MINUTES * 60 + 5)

    response = client.get(
        SECURITY, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/accounts/security/"}
    )

    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Faccounts%2Fsecurity%2F"


def test_an_expired_session_makes_the_api_answer_401(client, personas, signed_in):
    signed_in(personas.investigator)
    client.get(SECURITY)
    _idle_for(client, settings.SESSION_IDLE_MINUTES * 60 + 5)

    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_it_sends_a_role_holder_without_an_authenticator_to_enrolment(client, personas):
    client.force_login(personas.investigator)  # password passed, no second factor yet

    response = client.get(SECURITY)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/enrol/"


def test_it_sends_an_unverified_session_with_an_authenticator_to_the_code_page(client, personas, with_device):
    codes = with_device(personas.investigator)
    client.force_login(personas.investigator)

    response = client.get(SECURITY)
    assert response["Location"] == "/accounts/login/code/"
    response = client.post("/accounts/login/code/", {"code": codes.now()})

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert client.get(SECURITY).status_code == 200


def test_it_answers_htmx_before_the_second_factor_with_401(client, personas, with_device):
    with_device(personas.investigator)
    client.force_login(personas.investigator)

    response = client.get(SECURITY, headers={"HX-Request": "true"})

    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/code/"


def test_it_lets_exempt_addresses_through_before_the_second_factor(client, personas):
    client.force_login(personas.investigator)
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code in (200, 302)


def test_an_employee_without_roles_needs_no_second_factor(client, personas):
    client.force_login(personas.colleague)

    assert client.get(SECURITY).status_code == 200
    assert client.session["eprok_2fa_verified"] is True
    assert not TotpDevice.objects.exists()
