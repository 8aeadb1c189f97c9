"""The session side of signing in: the half-signed-in state between password and code, and its end.

Between the password and the second factor nobody is logged in: the session only holds the pending
employee's id, for a few minutes. Django's `login()` runs once the second factor is passed, and it
rotates the session key.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from eprok.accounts import services
from eprok.org.models import Employee

VERIFIED = "eprok_2fa_verified"
LAST_SEEN = "eprok_last_seen"
PENDING_USER = "eprok_pending_user"
PENDING_BACKEND = "eprok_pending_backend"
PENDING_AT = "eprok_pending_at"
NEXT = "eprok_next"
# How long the password step stays valid while the employee finds their phone.
PENDING_SECONDS = 5 * 60


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def start_pending(request: HttpRequest, employee: Employee, *, next_url: str | None) -> None:
    """Remember who passed the password step; they are not signed in yet."""
    request.session.cycle_key()
    request.session[PENDING_USER] = employee.pk
    request.session[PENDING_BACKEND] = getattr(employee, "backend", settings.AUTHENTICATION_BACKENDS[0])
    request.session[PENDING_AT] = int(time.time())
    if next_url:
        request.session[NEXT] = next_url


def clear_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_AT):
        request.session.pop(key, None)


def pending_employee(request: HttpRequest) -> Employee | None:
    """The employee between password and code, if that step was passed recently."""
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT) or 0
    if user_id is None:
        return None
    if time.time() - started > PENDING_SECONDS:
        clear_pending(request)
        return None
    employee = Employee.objects.filter(pk=user_id, is_active=True).first()
    if employee is not None:
        employee.backend = request.session.get(PENDING_BACKEND) or settings.AUTHENTICATION_BACKENDS[0]
    return employee


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(VERIFIED))


def second_factor_candidate(request: HttpRequest) -> Employee | None:
    """Who the second-factor pages are for: a signed-in session still without its code, or a pending one."""
    user: Any = request.user
    if user.is_authenticated:
        return None if is_verified(request) else user
    return pending_employee(request)


def complete_sign_in(request: HttpRequest, employee: Employee, *, second_factor: str) -> str:
    """Log in (new session key), mark the second factor as passed and record it; returns where to go next."""
    next_url = request.session.get(NEXT)
    backend = request.session.get(PENDING_BACKEND) or getattr(employee, "backend", None)
    clear_pending(request)
    request.session.pop(NEXT, None)
    if request.user.is_authenticated and request.user.pk == employee.pk:
        request.session.cycle_key()
    else:
        login(request, employee, backend=backend)
    request.session[VERIFIED] = True
    request.session[LAST_SEEN] = int(time.time())
    services.login_succeeded(employee=employee, second_factor=second_factor)
    return safe_next(request, next_url) or settings.LOGIN_REDIRECT_URL
