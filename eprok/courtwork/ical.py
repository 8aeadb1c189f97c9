"""The hearings calendar as iCalendar (RFC 5545), written by hand: one VEVENT per hearing, UTC times, text
escaped (3.3.11), lines folded at 75 octets without splitting a UTF-8 character (3.1), CRLF line ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Hearing, HearingStatus, Instance

LINE_OCTETS = 75
HEARING_LENGTH = dt.timedelta(hours=2)  # the court gives no end; a session is shown as two hours
PRODID = "-//eprok//State prosecution in court//AZ"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets; continuation lines begin with a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = b""
    limit = LINE_OCTETS
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = LINE_OCTETS - 1  # the leading space counts
        current += octets
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def uid(hearing: Hearing) -> str:
    return f"eprok-hearing-{hearing.pk}@courtwork.eprok"


def _event(hearing: Hearing, *, stamp: dt.datetime, url_of: Callable[[Any], str]) -> list[str]:
    proceeding = hearing.proceeding
    number = proceeding.owner_number
    court = proceeding.court.name
    summary = _("Hearing: case %(number)s, %(court)s") % {"number": number, "court": court}
    location = ", ".join(part for part in (hearing.courtroom, court) if part)
    details = [
        _("Instance: %(instance)s") % {"instance": Instance(hearing.instance).label},
        _("Number in the court: %(number)s") % {"number": proceeding.court_number or "—"},
        _("Judge: %(judge)s") % {"judge": hearing.judge or proceeding.judge or "—"},
    ]
    if hearing.outcome:
        details.append(hearing.outcome)
    cancelled = hearing.status in (HearingStatus.CANCELLED, HearingStatus.POSTPONED)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(hearing)}",
        f"DTSTAMP:{utc(stamp)}",
        f"LAST-MODIFIED:{utc(hearing.updated_at)}",
        f"DTSTART:{utc(hearing.starts_at)}",
        f"DTEND:{utc(hearing.starts_at + HEARING_LENGTH)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(chr(10).join(details))}",
        f"URL:{url_of(proceeding)}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def calendar(
    hearings: Iterable[Hearing], *, name: str, url_of: Callable[[Any], str], now: dt.datetime | None = None
) -> str:
    """The whole VCALENDAR as text with CRLF line ends."""
    stamp = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for hearing in hearings:
        lines.extend(_event(hearing, stamp=stamp, url_of=url_of))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
