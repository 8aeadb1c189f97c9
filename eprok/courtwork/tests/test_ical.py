"""The hearings calendar feed: a secret address, RFC 5545 text parsed back (fields, folding, CRLF)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.courtwork import ical, services
from eprok.courtwork.models import HearingStatus

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: a CRLF followed by one space or tab continues the previous line."""
    assert "\n" not in text.replace("\r\n", "")  # every line ends with CRLF
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def events(lines: list[str]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return found


def test_folding_keeps_lines_within_75_octets_and_never_splits_a_letter():
    line = "SUMMARY:" + "Məhkəmə iclası: Bakı şəhəri Xətai Rayon Məhkəməsi, " * 4
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 2
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


def test_text_is_escaped():
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_feed_lists_the_prosecutors_hearings_in_utc_with_stable_ids(client, personas, proceeding, frozen):
    scheduled = services.hearing_schedule(
        actor=personas.investigator,
        proceeding=proceeding,
        starts_at=at(dt.date(2026, 2, 20), 10),
        courtroom="Zal 4",
    )
    cancelled = services.hearing_schedule(
        actor=personas.investigator, proceeding=proceeding, starts_at=at(dt.date(2026, 2, 27), 15)
    )
    services.hearing_cancel(actor=personas.investigator, hearing=cancelled, reason="Hakim xəstədir.")
    services.hearing_schedule(  # older than 30 days: not in the feed
        actor=personas.investigator, proceeding=proceeding, starts_at=at(dt.date(2026, 1, 5), 10)
    )
    token = services.calendar_feed_create(actor=personas.investigator)
    client.logout()
    response = client.get(f"/courtwork/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode("utf-8")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    found = events(lines)
    assert [event["UID"] for event in found] == [ical.uid(scheduled), ical.uid(cancelled)]
    first, second = found
    # 10:00 in Baku (UTC+4) is 06:00 UTC.
    assert (first["DTSTART"], first["DTEND"]) == ("20260220T060000Z", "20260220T080000Z")
    assert first["STATUS"] == "CONFIRMED" and second["STATUS"] == "CANCELLED"
    assert proceeding.case.number in first["SUMMARY"] and "Xətai" in first["SUMMARY"]
    assert first["LOCATION"].startswith("Zal 4\\, Bakı şəhəri Xətai")
    assert first["DTSTAMP"].endswith("Z") and len(first["DTSTAMP"]) == 16
    # The same hearing keeps its UID in the next download.
    again = events(unfold(client.get(f"/courtwork/calendar/{token}.ics").content.decode()))
    assert [event["UID"] for event in again] == [event["UID"] for event in found]


def test_an_unknown_or_replaced_token_is_not_found(client, personas, proceeding):
    old = services.calendar_feed_create(actor=personas.investigator)
    services.calendar_feed_create(actor=personas.investigator)
    assert client.get(f"/courtwork/calendar/{old}.ics").status_code == 404
    assert client.get("/courtwork/calendar/nonsense.ics").status_code == 404


def test_the_feed_holds_only_the_hearings_of_proceedings_the_user_prosecutes(
    client, personas, proceeding, frozen
):
    services.hearing_schedule(
        actor=personas.investigator, proceeding=proceeding, starts_at=at(dt.date(2026, 2, 20), 10)
    )
    token = services.calendar_feed_create(actor=personas.superior)
    text = client.get(f"/courtwork/calendar/{token}.ics").content.decode()
    assert "BEGIN:VEVENT" not in text
    assert HearingStatus.SCHEDULED  # the hearing exists, but the superior does not prosecute it
