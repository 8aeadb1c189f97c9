"""Fixtures for sign-in tests: English pages, an employee with an authenticator, a code from it."""

from __future__ import annotations

import pyotp
import pytest
from django.conf import settings
from django.utils import timezone

from eprok.accounts import totp
from eprok.accounts.models import TotpDevice


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so assertions read the source strings (one test checks Azerbaijani)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def with_device():
    """Give an employee a confirmed authenticator; returns a pyotp.TOTP that computes its codes."""

    def make(employee) -> pyotp.TOTP:
        secret = totp.new_secret()
        TotpDevice.objects.create(employee=employee, secret=secret, confirmed_at=timezone.now())
        return pyotp.TOTP(secret)

    return make


@pytest.fixture
def lockout_settings(settings):
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    return settings
