"""The sign-in journey: password, then a code (or enrolment), lockout, no user enumeration."""

from __future__ import annotations

import time

import pyotp
from django.urls import reverse

from eprok.accounts.models import LoginThrottle, TotpDevice
from eprok.core.testing.personas import PASSWORD

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/two-factor/enrol/"
WRONG = "The login or password is wrong."


def _password(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_the_sign_in_page_renders_with_its_help_link(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert response.context["help_page"] == "sign-in"
    assert b'name="password"' in response.content


def test_it_signs_in_with_password_and_a_code_from_the_authenticator(
    client, personas, with_device, audit_events
):
    codes = with_device(personas.investigator)

    response = _password(client, "investigator", next="/accounts/security/")
    assert response.status_code == 302
    assert response["Location"] == CODE
    # Not signed in yet: the password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/security/").status_code == 302

    response = client.post(CODE, {"code": codes.now()})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/security/"
    assert client.session["eprok_2fa_verified"] is True
    assert client.get("/accounts/security/").status_code == 200
    [event] = audit_events("accounts.login.succeeded")
    assert event.actor_id == personas.investigator.pk
    assert '"second_factor":"totp"' in event.data


def test_it_refuses_a_wrong_code_and_counts_it(client, personas, with_device, audit_events):
    codes = with_device(personas.investigator)
    _password(client, "investigator")
    wrong = "000000" if codes.now() != "000000" else "111111"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert b"The code is wrong or has already been used" in response.content
    assert "_auth_user_id" not in client.session
    assert len(audit_events("accounts.totp.failed")) == 1
    assert LoginThrottle.objects.get(key="user:investigator").failures == 1


def test_it_accepts_a_code_from_the_previous_time_step(client, personas, with_device):
    codes = with_device(personas.investigator)
    _password(client, "investigator")
    previous = codes.generate_otp(codes.timecode(time.time()) - 1)

    response = client.post(CODE, {"code": previous})

    assert response.status_code == 302
    assert client.session["eprok_2fa_verified"] is True


def test_it_refuses_to_accept_the_same_code_twice(client, personas, with_device, audit_events):
    codes = with_device(personas.investigator)
    _password(client, "investigator")
    code = codes.now()
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    _password(client, "investigator")
    response = client.post(CODE, {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert len(audit_events("accounts.totp.failed")) == 1


def test_it_refuses_a_code_from_a_step_before_the_last_used_one(client, personas, with_device):
    codes = with_device(personas.investigator)
    device = TotpDevice.objects.get(employee=personas.investigator)
    now_step = codes.timecode(time.time())
    device.last_used_step = now_step
    device.save()
    _password(client, "investigator")

    response = client.post(CODE, {"code": codes.generate_otp(now_step - 1)})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_makes_a_role_holder_without_an_authenticator_enrol_one(client, personas, audit_events):
    response = _password(client, "investigator")
    assert response["Location"] == ENROL

    page = client.get(ENROL)
    assert page.status_code == 200
    assert b"<svg" in page.content
    device = TotpDevice.objects.get(employee=personas.investigator)
    assert device.confirmed_at is None
    grouped = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    assert grouped.encode() in page.content
    # Reloading the page keeps the same secret, so a code scanned from the first one still works.
    client.get(ENROL)
    assert TotpDevice.objects.get(pk=device.pk).secret == device.secret

    response = client.post(ENROL, {"code": pyotp.TOTP(device.secret).now()})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:my_work")
    device.refresh_from_db()
    assert device.confirmed_at is not None
    assert device.last_used_step is not None
    assert client.session["eprok_2fa_verified"] is True
    [enrolled] = audit_events("accounts.totp.enrolled")
    assert enrolled.target_id == str(personas.investigator.public_id)
    assert len(audit_events("accounts.login.succeeded")) == 1


def test_it_refuses_a_wrong_first_code_at_enrolment(client, personas, audit_events):
    _password(client, "investigator")
    client.get(ENROL)

    response = client.post(ENROL, {"code": "12345"})

    assert response.status_code == 200
    assert TotpDevice.objects.get(employee=personas.investigator).confirmed_at is None
    assert "_auth_user_id" not in client.session
    assert len(audit_events("accounts.totp.failed")) == 1


def test_an_employee_without_roles_signs_in_with_the_password_alone(client, personas, audit_events):
    response = _password(client, "colleague")

    assert response.status_code == 302
    assert response["Location"] == reverse("core:my_work")
    assert client.session["eprok_2fa_verified"] is True
    [event] = audit_events("accounts.login.succeeded")
    assert '"second_factor":"none"' in event.data


def test_the_code_page_sends_a_visitor_without_a_password_step_to_sign_in(client, db):
    response = client.get(CODE)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_it_ignores_a_next_address_on_another_site(client, personas):
    response = _password(client, "colleague", next="https://evil.example/")
    assert response["Location"] == reverse("core:my_work")


def test_it_gives_the_same_answer_for_an_unknown_login_and_a_wrong_password(client, personas, audit_events):
    unknown = _password(client, "nobody-here", "whatever-password")
    wrong = _password(client, "investigator", "not-the-password")

    assert unknown.status_code == wrong.status_code == 200
    assert WRONG.encode() in unknown.content
    assert WRONG.encode() in wrong.content
    reasons = [e.data for e in audit_events("accounts.login.failed")]
    assert '"reason":"unknown_login"' in reasons[0]
    assert '"reason":"wrong_password"' in reasons[1]
    assert all("not-the-password" not in (e.data or "") for e in audit_events())


def test_it_explains_a_wrong_password_in_azerbaijani_by_default(client, personas):
    client.cookies.pop("eprok_language", None)
    response = _password(client, "investigator", "not-the-password")
    assert "Giriş adı və ya şifrə səhvdir.".encode() in response.content


def test_it_locks_a_login_after_repeated_failures(client, personas, lockout_settings, audit_events):
    for _ in range(2):
        assert WRONG.encode() in _password(client, "colleague", "bad-password").content

    third = _password(client, "colleague", "bad-password")
    assert b"Too many failed attempts. Try again after" in third.content
    # Even the right password is refused while the lock lasts.
    right = _password(client, "colleague")
    assert right.status_code == 200
    assert b"Too many failed attempts" in right.content
    assert "_auth_user_id" not in client.session
    assert len(audit_events("accounts.login.locked")) == 1


def test_it_locks_an_unknown_login_the_same_way(client, db, lockout_settings):
    for _ in range(3):
        response = _password(client, "ghost", "bad-password")
    assert b"Too many failed attempts" in response.content


def test_wrong_codes_count_towards_the_lock(client, personas, with_device, lockout_settings, audit_events):
    codes = with_device(personas.investigator)
    wrong = "000000" if codes.now() != "000000" else "111111"
    _password(client, "investigator")
    client.post(CODE, {"code": wrong})
    client.post(CODE, {"code": wrong})

    response = client.post(CODE, {"code": wrong}, follow=True)

    assert response.redirect_chain[-1][0] == LOGIN
    assert b"Too many failed attempts" in response.content
    assert len(audit_events("accounts.login.locked")) == 1
    assert b"Too many failed attempts" in _password(client, "investigator").content


def test_a_successful_sign_in_clears_the_failure_count(client, personas, lockout_settings):
    _password(client, "colleague", "bad-password")
    _password(client, "colleague", "bad-password")
    assert _password(client, "colleague").status_code == 302
    assert not LoginThrottle.objects.filter(key="user:colleague").exists()
    client.post(reverse("accounts:logout"))

    _password(client, "colleague", "bad-password")
    response = _password(client, "colleague", "bad-password")

    assert WRONG.encode() in response.content


def test_logout_is_post_only_and_recorded(client, personas, signed_in, audit_events):
    signed_in(personas.colleague)
    assert client.get(reverse("accounts:logout")).status_code == 405

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(audit_events("accounts.logout")) == 1


def test_an_employee_without_roles_can_turn_the_code_on_from_the_security_page(
    client, personas, signed_in, audit_events
):
    signed_in(personas.colleague)
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert b"style=" not in page.content  # the strict CSP forbids inline style
    device = TotpDevice.objects.get(employee=personas.colleague)

    response = client.post(ENROL, {"code": pyotp.TOTP(device.secret).now()})

    assert response["Location"] == "/accounts/security/"
    assert b"Two-factor sign-in is now on" in client.get("/accounts/security/").content
    assert len(audit_events("accounts.totp.enrolled")) == 1
    assert audit_events("accounts.login.succeeded") == []


def test_after_an_administrator_resets_the_authenticator_the_employee_enrols_again(
    client, personas, with_device
):
    from eprok.accounts import services

    with_device(personas.investigator)
    services.totp_reset(employee=personas.investigator, actor=personas.admin)

    response = _password(client, "investigator")

    assert response["Location"] == ENROL
