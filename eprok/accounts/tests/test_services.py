"""Service-level checks, each with its audit event."""

from __future__ import annotations

import pyotp
import pytest

from eprok.accounts import services
from eprok.accounts.models import LoginThrottle, TotpDevice
from eprok.core.testing.personas import PASSWORD


def test_login_check_password_returns_the_employee(personas, audit_events):
    employee = services.login_check_password(
        username="colleague", password=PASSWORD, ip="10.0.0.1", request=None
    )
    assert employee == personas.colleague
    assert audit_events("accounts.login.failed") == []


def test_login_check_password_refuses_an_inactive_employee_with_the_generic_error(personas, audit_events):
    personas.colleague.is_active = False
    personas.colleague.save()

    with pytest.raises(services.LoginFailed):
        services.login_check_password(username="colleague", password=PASSWORD, ip=None, request=None)

    [event] = audit_events("accounts.login.failed")
    assert '"reason":"inactive"' in event.data


def test_it_locks_a_client_address_after_many_failures_across_logins(db, settings, audit_events):
    settings.LOGIN_MAX_FAILURES = 2
    limit = 2 * services.IP_FAILURE_FACTOR
    for n in range(limit - 1):
        with pytest.raises(services.LoginFailed):
            services.login_check_password(username=f"ghost{n}", password="x", ip="10.9.9.9", request=None)

    with pytest.raises(services.AccountLocked):
        services.login_check_password(username="someone-else", password="x", ip="10.9.9.9", request=None)

    assert LoginThrottle.objects.get(key="ip:10.9.9.9").locked_until is not None
    [event] = audit_events("accounts.login.locked")
    assert '"scope":"address"' in event.data


def test_login_succeeded_clears_the_count_and_is_recorded(personas, audit_events):
    LoginThrottle.objects.create(key="user:colleague", failures=2)

    services.login_succeeded(employee=personas.colleague, second_factor="none")

    assert not LoginThrottle.objects.exists()
    assert len(audit_events("accounts.login.succeeded")) == 1


def test_totp_enrolment_start_refuses_a_second_authenticator(personas, with_device):
    with_device(personas.investigator)
    with pytest.raises(services.Conflict):
        services.totp_enrolment_start(employee=personas.investigator)


def test_totp_reset_removes_the_authenticator(personas, with_device, audit_events):
    with_device(personas.investigator)

    services.totp_reset(employee=personas.investigator, actor=personas.admin)

    assert not TotpDevice.objects.exists()
    [event] = audit_events("accounts.totp.reset")
    assert event.actor_id == personas.admin.pk
    assert event.target_id == str(personas.investigator.public_id)


def test_totp_verify_moves_the_last_used_step(personas, with_device):
    codes: pyotp.TOTP = with_device(personas.investigator)

    device = services.totp_verify(employee=personas.investigator, code=codes.now(), ip=None)

    assert device.last_used_step is not None
    with pytest.raises(services.TotpInvalid):
        services.totp_verify(employee=personas.investigator, code=codes.now(), ip=None)


def test_password_change_is_recorded_without_the_password(personas, audit_events):
    services.password_change(
        employee=personas.colleague, new_password="brand-new-secret-9", actor=personas.colleague
    )

    personas.colleague.refresh_from_db()
    assert personas.colleague.check_password("brand-new-secret-9")
    [event] = audit_events("accounts.password.changed")
    assert "brand-new-secret-9" not in (event.data or "")


def test_logout_and_session_expiry_are_recorded(personas, audit_events):
    services.logout_recorded(employee=personas.colleague)
    services.session_expired(employee=personas.colleague, idle_seconds=4000)
    assert [e.action for e in audit_events()] == ["accounts.logout", "accounts.session.expired"]


def test_api_token_create_and_revoke(personas, audit_events):
    token, raw = services.api_token_create(
        owner=personas.colleague, name="n", scopes=["read"], expires_at=None, actor=personas.colleague
    )
    services.api_token_revoke(token=token, actor=personas.colleague)
    services.api_token_revoke(token=token, actor=personas.colleague)  # twice changes nothing

    assert [e.action for e in audit_events()] == ["accounts.token.created", "accounts.token.revoked"]
    assert raw not in (audit_events()[0].data or "")


def test_demo_authenticators_are_provisioned_once_and_audited(personas, audit_events):
    from eprok.accounts.services import totp_provision_demo

    assert totp_provision_demo(employee=personas.investigator, secret="JBSWY3DPEHPK3PXP", actor=None) is True
    assert totp_provision_demo(employee=personas.investigator, secret="JBSWY3DPEHPK3PXP", actor=None) is False
    device = TotpDevice.objects.get(employee=personas.investigator)
    assert device.confirmed_at is not None
    [event] = audit_events("accounts.totp.enrolled")
    assert event.data == '{"demo":true}'


def test_demo_authenticators_are_refused_in_production(personas, settings):
    from eprok.accounts.services import totp_provision_demo
    from eprok.core.errors import Conflict

    settings.PRODUCTION = True
    with pytest.raises(Conflict):
        totp_provision_demo(employee=personas.investigator, secret="JBSWY3DPEHPK3PXP", actor=None)
