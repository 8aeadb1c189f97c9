"""The pages: the register, the card with its actions, opening from the case card, the calendar page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from eprok.core.testing.access_matrix import login_as
from eprok.core.testing.queries import audited
from eprok.courtwork import services
from eprok.courtwork.models import DecisionKind, Proceeding, ProceedingStatus
from eprok.courtwork.tests.conftest import send_to_court

pytestmark = pytest.mark.django_db


def test_the_case_card_offers_to_open_the_proceeding_and_then_links_to_it(client, personas, case, court):
    login_as(client, personas.investigator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"/courtwork/open/case/{case.number}/" in page
    response = client.post(
        f"/courtwork/open/case/{case.number}/",
        {
            "court": court.pk,
            "sent_on": "2026-01-12",
            "judge": "Əliyev Rauf",
            "court_number": "1-1/2026",
            "prosecutor": personas.investigator.pk,
        },
    )
    proceeding = Proceeding.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == proceeding.get_absolute_url()
    page = client.get(case.get_absolute_url()).content.decode()
    assert proceeding.get_absolute_url() in page


def test_a_supervisor_sees_that_the_proceeding_is_not_yet_opened(client, personas, case):
    login_as(client, personas.supervisor)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "/courtwork/open/case/" not in page
    assert 'id="court-panel-heading"' in page


def test_an_invalid_form_answers_422_with_the_errors(client, personas, case):
    login_as(client, personas.investigator)
    response = client.post(f"/courtwork/open/case/{case.number}/", {"sent_on": "2026-01-12"})
    assert response.status_code == 422
    assert not Proceeding.objects.exists()


def test_the_prosecutor_schedules_and_records_a_decision_through_the_pages(
    client, personas, proceeding, frozen
):
    login_as(client, personas.investigator)
    base = proceeding.get_absolute_url()
    response = client.post(
        f"{base}hearings/add/",
        {"starts_at": "2026-02-20T10:00", "courtroom": "Zal 4", "version": proceeding.version},
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}decisions/add/",
        {"kind": DecisionKind.CONVICTION, "decided_on": "2026-02-04", "sentence": "3 il", "version": 2},
    )
    assert response.status_code == 302
    proceeding.refresh_from_db()
    assert proceeding.status == ProceedingStatus.DECIDED
    page = client.get(base).content.decode()
    assert "cpc.384.appeal" in page and "Zal 4" in page


def test_a_stale_form_is_refused(client, personas, proceeding):
    login_as(client, personas.investigator)
    response = client.post(
        f"{proceeding.get_absolute_url()}positions/add/", {"kind": "motion", "text": "Vəsatət", "version": 7}
    )
    assert response.status_code == 422
    assert proceeding.positions.count() == 0


def test_a_late_appeal_is_refused_on_the_form(client, personas, proceeding, frozen, english):
    decision = services.decision_record(
        actor=personas.investigator,
        proceeding=proceeding,
        kind=DecisionKind.CONVICTION,
        decided_on=dt.date(2026, 2, 4),
    )
    frozen.set(dt.date(2026, 3, 2))
    login_as(client, personas.investigator)
    response = client.post(
        f"{proceeding.get_absolute_url()}decisions/{decision.pk}/appeal/",
        {"party": "prosecution", "filed_on": "2026-02-25", "grounds": "Cəza yüngüldür."},
    )
    assert response.status_code == 422
    assert "24.02.2026" in response.content.decode()


def test_the_card_reads_in_a_few_queries_and_is_audited(
    client, personas, proceeding, frozen, django_assert_max_num_queries, audit_events
):
    for day in (16, 17, 18):
        services.hearing_schedule(
            actor=personas.investigator,
            proceeding=proceeding,
            starts_at=timezone.make_aware(dt.datetime(2026, 2, day, 10)),
        )
    login_as(client, personas.investigator)
    client.get("/courtwork/")  # warm the session and the shell's caches
    with django_assert_max_num_queries(audited(16)):
        response = client.get(proceeding.get_absolute_url())
    assert response.status_code == 200
    assert audit_events("courtwork.proceeding.viewed")


def test_the_register_stays_within_its_query_ceiling(
    client, personas, proceeding, court, django_assert_max_num_queries
):
    for _ in range(4):
        services.proceeding_open(
            actor=personas.investigator,
            case=send_to_court(personas),
            court=court,
            sent_on=dt.date(2026, 1, 12),
        )
    login_as(client, personas.investigator)
    client.get("/courtwork/calendar/")
    with django_assert_max_num_queries(audited(14)):
        response = client.get("/courtwork/?status=awaiting")
    assert response.status_code == 200
    assert len(re.findall(r'href="/courtwork/[0-9a-f-]{36}/"', response.content.decode())) == 5


def test_the_calendar_page_shows_the_coming_hearings_by_day_and_the_feed_address_once(
    client, personas, proceeding, frozen
):
    services.hearing_schedule(
        actor=personas.investigator,
        proceeding=proceeding,
        starts_at=timezone.make_aware(dt.datetime(2026, 2, 16, 10)),
    )
    login_as(client, personas.investigator)
    page = client.get("/courtwork/calendar/").content.decode()
    assert 'datetime="2026-02-16"' in page and proceeding.case.number in page
    response = client.post("/courtwork/calendar/feed/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    url = re.search(r"http://testserver/courtwork/calendar/[^<\"]+\.ics", response.content.decode())
    assert url is not None
    assert url.group(0) not in client.get("/courtwork/calendar/").content.decode()
    client.logout()
    assert client.get(url.group(0).removeprefix("http://testserver")).status_code == 200


def test_the_overview_counts_by_unit(client, personas, proceeding):
    login_as(client, personas.superior)
    response = client.get("/courtwork/overview/")
    assert response.status_code == 200
    assert personas.unit.name_az in response.content.decode()
