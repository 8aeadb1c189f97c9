"""The signing app's clock: one place tests move to check expiry (no sleeping, no global freezing)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()
