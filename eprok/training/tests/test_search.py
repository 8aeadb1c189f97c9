"""The base of events' filters, one by one: period, thematic area, words of the title or topic in any
Azerbaijani letter case, trainer (employee or external expert), organiser unit with or without its
sub-units, invited listener; and the list exported as filtered."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import login_as
from eprok.training.models import EventStatus, Invitation, ThematicArea, TrainingEvent
from eprok.training.selectors import EventFilters, event_list
from eprok.training.tests.test_analysis import at, make

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(people) -> dict[str, TrainingEvent]:
    p = people
    ethics = ThematicArea.objects.create(code="t-ethics", name_az="Etika")
    march = make(
        p, area=p.area, starts=at(2026, 3, 10), hours="4", trainers=(p.trainer,), present=(p.listener,)
    )
    march.title = "İstintaqda sübutların toplanması"
    march.topic = "Məhkəməyədək icraat"
    march.save()
    april = make(
        p,
        area=ethics,
        starts=at(2026, 4, 5),
        hours="2",
        organiser=p.xetai,
        trainers=("Nigar Əhmədova|ADA Universiteti",),
        present=(p.colleague,),
    )
    april.title = "Peşə etikası"
    april.topic = "ŞİKAYƏTLƏRİN ARAŞDIRILMASI"
    april.save()
    may = make(
        p,
        area=ethics,
        starts=at(2026, 5, 1),
        hours="3",
        organiser=p.baku,
        trainers=(p.other_trainer,),
        status=EventStatus.PUBLISHED,
    )
    may.title = "Çoxtərəfli ÇIXIŞ qaydaları"
    may.save()
    Invitation.objects.create(event=may, employee=p.outsider, invited_by=p.admin)
    return {"march": march, "april": april, "may": may}


def found(people: Any, **fields: Any) -> set[str]:
    return {e.number for e in event_list(user=people.admin, filters=EventFilters(**fields))}


def numbers(events: dict[str, TrainingEvent], *names: str) -> set[str]:
    return {events[name].number for name in names}


def test_it_filters_by_period(people, events):
    assert found(people, date_from=dt.date(2026, 4, 1)) == numbers(events, "april", "may")
    assert found(people, date_to=dt.date(2026, 4, 5)) == numbers(events, "march", "april")
    assert found(people, date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30)) == numbers(
        events, "april"
    )


def test_it_filters_by_thematic_area(people, events):
    assert found(people, area=people.area) == numbers(events, "march")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("istintaq", {"march"}),  # İ in the title, i typed
        ("İSTİNTAQ", {"march"}),
        ("məhkəməyədək", {"march"}),  # in the topic
        ("MƏHKƏMƏYƏDƏK icraat", {"march"}),
        ("şikayətlərin", {"april"}),  # the topic is in capitals
        ("araşdırılması", {"april"}),  # ı typed, I stored
        ("çıxış", {"may"}),
        ("ÇIXIŞ qaydaları", {"may"}),
        ("etika istintaq", set()),  # every word must occur
    ],
)
def test_it_finds_words_of_the_title_or_topic_in_any_letter_case(people, events, text, expected):
    assert found(people, q=text) == numbers(events, *expected)


def test_it_filters_by_trainer_employee_or_external(people, events):
    assert found(people, trainer=people.trainer.last_name.upper()) == numbers(events, "march")
    assert found(people, trainer="əhmədova") == numbers(events, "april")
    assert found(people, trainer="ADA") == set()  # the organisation is not the trainer's name
    assert found(people, trainer="Qasımova Leyla") == numbers(events, "may")


def test_it_filters_by_organiser_unit_with_or_without_sub_units(people, events):
    assert found(people, organiser=people.baku) == numbers(events, "may")
    assert found(people, organiser=people.baku, include_subunits=True) == numbers(events, "april", "may")
    assert found(people, organiser=people.gpo, include_subunits=True) == numbers(
        events, "march", "april", "may"
    )


def test_it_filters_by_invited_listener(people, events):
    assert found(people, listener="quliyev") == numbers(events, "march")
    assert found(people, listener="colleague") == numbers(events, "april")  # by login
    assert found(people, listener="MƏMMƏDOV Orxan") == numbers(events, "may")


def test_the_list_page_applies_the_filters(client, people, events):
    login_as(client, people.admin)
    query = {"q": "İSTİNTAQ", "organiser": people.gpo.pk, "include_subunits": "on", "trainer": "hüseynov"}
    html = client.get(reverse("training:list"), query).content.decode()
    assert events["march"].number in html
    assert events["april"].number not in html and events["may"].number not in html


def test_the_list_is_exported_as_filtered_and_audited(client, people, events, audit_events):
    login_as(client, people.admin)
    response = client.get(reverse("training:export", args=["csv"]), {"area": events["april"].area.pk})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [events["may"].number, events["april"].number]
    assert rows[2][10] == "Nigar Əhmədova (ADA Universiteti)"
    (event,) = audit_events("training.event.exported")
    assert event.actor_id == people.admin.pk


def test_the_list_export_is_404_for_those_who_do_not_use_the_base(client, people, events):
    login_as(client, people.listener)
    assert client.get(reverse("training:export", args=["csv"])).status_code == 404
