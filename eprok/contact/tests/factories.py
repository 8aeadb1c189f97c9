"""Calls and hotline reports for the tests, made through the services so they are numbered and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from eprok.contact import services
from eprok.contact.models import Call, CallOutcome, Centre, HotlineChannel, HotlineReport

NUMBER = "+994501234567"


def open_call(*, actor: Any, unit: Any, centre: str = Centre.CALL_CENTRE, **fields: Any) -> Call:
    values: dict[str, Any] = {"caller_number": NUMBER if centre == Centre.CALL_CENTRE else ""}
    values.update(fields)
    return services.call_open(actor=actor, unit=unit, centre=centre, **values)


def registered_call(*, actor: Any, unit: Any, offered_at: dt.datetime | None = None, **fields: Any) -> Call:
    call = open_call(
        actor=actor, unit=unit, started_at=offered_at or timezone.now() - dt.timedelta(minutes=5)
    )
    values: dict[str, Any] = {
        "outcome": CallOutcome.INFORMATION,
        "summary": "Müraciətin vəziyyəti izah edildi.",
    }
    values.update(fields)
    return services.call_register(actor=actor, call=call, **values)


def hotline_report(*, actor: Any, unit: Any, **fields: Any) -> HotlineReport:
    values: dict[str, Any] = {
        "channel": HotlineChannel.LETTER,
        "text": "Xəstəxananın həkimi əməliyyat üçün 300 manat pul tələb edib.",
        "sector": "health",
        "corruption_type": "bribery",
    }
    values.update(fields)
    return services.hotline_report_register(actor=actor, unit=unit, **values)
