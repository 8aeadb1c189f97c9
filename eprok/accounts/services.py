"""Every write of sign-in and accounts: password and second-factor checks, lockout, passwords, API tokens.

Each function records its audit event. Failed attempts are committed in their own transaction before the
error is raised, so a refusal can never roll back the count that leads to a lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from eprok.accounts import totp
from eprok.accounts.models import ApiToken, LoginThrottle, TotpDevice
from eprok.accounts.scopes import Scope
from eprok.accounts.tokens import hash_secret, new_token_material
from eprok.audit.services import audit_record
from eprok.core.errors import ApplicationError, Conflict, ValidationFailed
from eprok.org.models import Employee

# A shared office address (NAT) must not lock everyone out, so the per-address limit is much looser.
IP_FAILURE_FACTOR = 10
# A token for an integration still has to be renewed now and then.
MAX_TOKEN_LIFETIME = dt.timedelta(days=5 * 365)


class LoginFailed(ApplicationError):
    """Wrong login or password; the same words whether or not the login exists (no user enumeration)."""

    code = "login_failed"
    status = 400
    default_message = _("The login or password is wrong.")


class AccountLocked(ApplicationError):
    code = "login_locked"
    status = 429

    def __init__(self, until: dt.datetime) -> None:
        self.until = until
        hhmm = timezone.localtime(until).strftime("%H:%M")
        super().__init__(
            _("Too many failed attempts. Try again after %(time)s.") % {"time": hhmm},
            details={"locked_until": until.isoformat()},
        )


class TotpInvalid(ApplicationError):
    code = "totp_invalid"
    status = 400
    default_message = _("The code is wrong or has already been used. Enter the current code from your app.")


# --- Lockout ----------------------------------------------------------------------------------


def _user_key(username: str) -> str:
    return "user:" + (username or "").strip().lower()[:190]


def _ip_key(ip: str | None) -> str | None:
    return f"ip:{ip}" if ip else None


def _keys(username: str, ip: str | None) -> list[str]:
    return [k for k in (_user_key(username), _ip_key(ip)) if k]


def locked_until(*, username: str, ip: str | None) -> dt.datetime | None:
    """When the lock on this login (or this client address) ends, or None if neither is locked."""
    until: dt.datetime | None = LoginThrottle.objects.filter(
        key__in=_keys(username, ip), locked_until__gt=timezone.now()
    ).aggregate(until=Max("locked_until"))["until"]
    return until


def _count_failure(key: str, *, limit: int, now: dt.datetime) -> dt.datetime | None:
    """Add one failure to `key`; returns the lock end when this failure locks it."""
    window = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
    if row.locked_until is not None and row.locked_until <= now:
        row.failures, row.locked_until = 0, None
    if row.last_failure_at is not None and now - row.last_failure_at > window:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    newly_locked = None
    if row.failures >= limit and row.locked_until is None:
        row.locked_until = newly_locked = now + window
    row.save()
    return newly_locked


def _record_failure(
    *, username: str, ip: str | None, action: str, reason: str, employee: Employee | None
) -> dt.datetime | None:
    """Count a failed attempt and audit it (own transaction); returns the lock end if this one locked."""
    now = timezone.now()
    target: dict[str, Any] = (
        {"target": employee}
        if employee is not None
        else {"target_type": "org.employee", "target_repr": (username or "")[:100]}
    )
    with transaction.atomic():
        user_lock = _count_failure(_user_key(username), limit=settings.LOGIN_MAX_FAILURES, now=now)
        ip_key = _ip_key(ip)
        ip_lock = (
            _count_failure(ip_key, limit=settings.LOGIN_MAX_FAILURES * IP_FAILURE_FACTOR, now=now)
            if ip_key
            else None
        )
        audit_record(actor=None, action=action, data={"reason": reason}, **target)
        lock = user_lock or ip_lock
        if lock is not None:
            audit_record(
                actor=None,
                action="accounts.login.locked",
                data={"scope": "login" if user_lock else "address", "until": lock.isoformat()},
                **target,
            )
    return lock


def _refuse_if_locked(*, username: str, ip: str | None, employee: Employee | None) -> None:
    until = locked_until(username=username, ip=ip)
    if until is None:
        return
    target: dict[str, Any] = (
        {"target": employee}
        if employee is not None
        else {"target_type": "org.employee", "target_repr": (username or "")[:100]}
    )
    audit_record(actor=None, action="accounts.login.failed", data={"reason": "locked"}, **target)
    raise AccountLocked(until)


# --- Sign-in ----------------------------------------------------------------------------------


def login_check_password(
    *, username: str, password: str, ip: str | None, request: HttpRequest | None
) -> Employee:
    """The employee whose login and password these are, or LoginFailed / AccountLocked.

    This is only the first step: the caller decides whether a second factor is needed.
    """
    username = (username or "").strip()
    _refuse_if_locked(username=username, ip=ip, employee=None)
    user = authenticate(request, username=username, password=password)
    if user is None:
        known = Employee.objects.filter(username=username).first()
        reason = (
            "unknown_login" if known is None else ("inactive" if not known.is_active else "wrong_password")
        )
        lock = _record_failure(
            username=username, ip=ip, action="accounts.login.failed", reason=reason, employee=known
        )
        if lock is not None:
            raise AccountLocked(lock)
        raise LoginFailed()
    assert isinstance(user, Employee)
    return user


def login_succeeded(*, employee: Employee, second_factor: str) -> None:
    """Clear the failure count of this login and record the sign-in."""
    with transaction.atomic():
        LoginThrottle.objects.filter(key=_user_key(employee.username)).delete()
        audit_record(
            actor=employee,
            action="accounts.login.succeeded",
            target=employee,
            data={"second_factor": second_factor},
        )


def totp_verify(*, employee: Employee, code: str, ip: str | None) -> TotpDevice:
    """Accept a code from the employee's confirmed authenticator, once; else TotpInvalid or AccountLocked."""
    _refuse_if_locked(username=employee.username, ip=ip, employee=employee)
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(employee=employee, confirmed_at__isnull=False)
        step = totp.matching_step(device.secret, code, last_used_step=device.last_used_step)
        if step is not None:
            device.last_used_step = step
            device.save(update_fields=["last_used_step", "updated_at"])
            return device
    lock = _record_failure(
        username=employee.username,
        ip=ip,
        action="accounts.totp.failed",
        reason="wrong_code",
        employee=employee,
    )
    if lock is not None:
        raise AccountLocked(lock)
    raise TotpInvalid()


def totp_enrolment_start(*, employee: Employee) -> TotpDevice:
    """The employee's unconfirmed authenticator, created with a fresh secret on first call.

    Nothing is audited yet: the device means nothing until `totp_enrolment_confirm` accepts a code from it.
    """
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(employee=employee).first()
        if device is None:
            device = TotpDevice.objects.create(employee=employee, secret=totp.new_secret())
        elif device.confirmed_at is not None:
            raise Conflict(_("An authenticator is already set up for this account."))
    return device


def totp_enrolment_confirm(*, device: TotpDevice, code: str, actor: Employee, ip: str | None) -> TotpDevice:
    """Confirm the authenticator with a first code from it."""
    employee = device.employee
    _refuse_if_locked(username=employee.username, ip=ip, employee=employee)
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().get(pk=device.pk)
        if device.confirmed_at is not None:
            raise Conflict(_("An authenticator is already set up for this account."))
        step = totp.matching_step(device.secret, code, last_used_step=device.last_used_step)
        if step is not None:
            device.confirmed_at = timezone.now()
            device.last_used_step = step
            device.save(update_fields=["confirmed_at", "last_used_step", "updated_at"])
            audit_record(actor=actor, action="accounts.totp.enrolled", target=employee)
            return device
    lock = _record_failure(
        username=employee.username,
        ip=ip,
        action="accounts.totp.failed",
        reason="enrolment_code",
        employee=employee,
    )
    if lock is not None:
        raise AccountLocked(lock)
    raise TotpInvalid()


def totp_provision_demo(*, employee: Employee, secret: str, actor: Employee | None) -> bool:
    """Give a demo employee a confirmed authenticator with a known secret; False when it already had it.

    Only the demo seed uses this (production refuses), so testers can add printed secrets to their phones.
    """
    if settings.PRODUCTION:
        raise Conflict(_("Demo authenticators cannot be provisioned in production."))
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(employee=employee).first()
        if device is not None and device.secret == secret and device.confirmed_at is not None:
            return False
        device = device or TotpDevice(employee=employee)
        device.secret = secret
        device.confirmed_at = timezone.now()
        device.last_used_step = None
        device.save()
        audit_record(actor=actor, action="accounts.totp.enrolled", target=employee, data={"demo": True})
    return True


def totp_reset(*, employee: Employee, actor: Employee) -> None:
    """Remove the employee's authenticator (lost phone); they enrol a new one at the next sign-in."""
    with transaction.atomic():
        deleted, _rows = TotpDevice.objects.filter(employee=employee).delete()
        audit_record(
            actor=actor, action="accounts.totp.reset", target=employee, data={"had_device": bool(deleted)}
        )


def logout_recorded(*, employee: Employee) -> None:
    audit_record(actor=employee, action="accounts.logout", target=employee)


def session_expired(*, employee: Employee, idle_seconds: int) -> None:
    audit_record(
        actor=employee,
        action="accounts.session.expired",
        target=employee,
        data={"idle_seconds": idle_seconds},
    )


# --- Passwords --------------------------------------------------------------------------------


def password_change(
    *, employee: Employee, new_password: str, actor: Employee | None, via: str = "change"
) -> Employee:
    """Set a new password (already checked against the validators by the form)."""
    with transaction.atomic():
        employee.set_password(new_password)
        employee.save(update_fields=["password"])
        audit_record(actor=actor, action="accounts.password.changed", target=employee, data={"via": via})
    return employee


def password_reset_request(*, email: str, base_url: str) -> int:
    """E-mail a reset link to every active employee with this address; the caller says "sent" either way.

    Returns how many were sent, for the audit and tests only: never shown to the requester.
    """
    email = (email or "").strip()
    recipients = [
        e
        for e in Employee.objects.filter(email__iexact=email, is_active=True)
        if e.has_usable_password() and email
    ]
    with transaction.atomic():
        for employee in recipients:
            audit_record(
                actor=None, action="accounts.password.reset_requested", target=employee, data={"sent": True}
            )
            transaction.on_commit(lambda employee=employee: _send_reset_mail(employee, base_url))  # type: ignore[misc]
        if not recipients:
            audit_record(
                actor=None,
                action="accounts.password.reset_requested",
                target_type="org.employee",
                data={"sent": False},
            )
    return len(recipients)


def _send_reset_mail(employee: Employee, base_url: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(employee.pk))
    token = default_token_generator.make_token(employee)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    language = employee.preferred_language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"employee": employee, "link": base_url.rstrip("/") + path, "title": settings.EPROK_TITLE}
        subject = "".join(render_to_string("accounts/email/password_reset_subject.txt", context).splitlines())
        body = render_to_string("accounts/email/password_reset_body.txt", context)
    send_mail(subject, body, None, [employee.email])


# --- API tokens -------------------------------------------------------------------------------


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in Scope.values]
    if unknown or not chosen:
        raise ValidationFailed(_("Choose at least one known scope."), details={"scopes": unknown})
    return chosen


def api_token_create(
    *, owner: Employee, name: str, scopes: Iterable[str], expires_at: dt.datetime | None, actor: Employee
) -> tuple[ApiToken, str]:
    """A new personal token and its full text, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100 or any(not ch.isprintable() for ch in name):
        raise ValidationFailed(_("Give the token a name of at most 100 characters."))
    chosen = _clean_scopes(scopes)
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed(_("The expiry date must be in the future."))
    if expires_at is not None and expires_at > now + MAX_TOKEN_LIFETIME:
        raise ValidationFailed(_("The expiry date can be at most five years ahead."))
    prefix, secret, raw = new_token_material()
    with transaction.atomic():
        token = ApiToken.objects.create(
            owner=owner,
            name=name,
            prefix=prefix,
            key_hash=hash_secret(secret),
            scopes=chosen,
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action="accounts.token.created",
            target=token,
            related=owner,
            data={
                "name": name,
                "scopes": chosen,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
    return token, raw


def api_token_revoke(*, token: ApiToken, actor: Employee) -> ApiToken:
    """Stop the token from working; revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit_record(actor=actor, action="accounts.token.revoked", target=token, related=token.owner)
    return token
