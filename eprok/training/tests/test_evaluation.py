"""After the event: the listeners' evaluation (once, by those present, after the end), the averages shown to
trainers and administrators, and the protocol with its PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from eprok.audit.models import AuditEvent
from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.training import protocol, selectors, services
from eprok.training.models import Evaluation, EventStatus, TrainerRole
from eprok.training.tests.conftest import STARTS

pytestmark = pytest.mark.django_db

GOOD = services.Marks(
    content_score=5, trainer_score=4, organisation_score=3, usefulness_score=4, comment="Çox faydalı idi."
)


def _english(message) -> str:
    with translation.override("en"):
        return str(message)


@pytest.fixture
def held(people, clock, event):
    """The seminar, `listener` and `colleague` invited, the listener present and the colleague absent,
    held."""
    services.invite(actor=people.admin, event=event, circle=services.Circle(employees=(people.colleague,)))
    services.attendance_mark(actor=people.trainer, event=event, employee=people.listener, present=True)
    services.attendance_mark(actor=people.trainer, event=event, employee=people.colleague, present=False)
    clock.set(STARTS + dt.timedelta(hours=5))
    services.event_mark_held(actor=people.admin, event=event)
    event.refresh_from_db()
    return event


# --- the evaluation -------------------------------------------------------------------------------------


def test_a_listener_present_evaluates_a_held_event_once(people, held, audit_events):
    evaluation = services.evaluation_submit(actor=people.listener, event=held, marks=GOOD)
    assert evaluation.average == 4
    [audit] = audit_events("training.evaluation.submitted")
    assert audit.target_id == str(held.public_id)
    assert "faydalı" not in (audit.data or "")  # the comment stays out of the audit trail
    with pytest.raises(Conflict) as refused:
        services.evaluation_submit(actor=people.listener, event=held, marks=GOOD)
    assert "once" in _english(refused.value.message)
    assert Evaluation.objects.count() == 1


def test_an_ended_but_not_yet_held_event_may_be_evaluated(people, clock, event):
    services.attendance_mark(actor=people.trainer, event=event, employee=people.listener, present=True)
    clock.set(STARTS + dt.timedelta(hours=5))
    assert event.status == EventStatus.PUBLISHED
    services.evaluation_submit(actor=people.listener, event=event, marks=GOOD)
    assert Evaluation.objects.filter(event=event, employee=people.listener).exists()


def test_an_event_not_yet_over_is_not_evaluated(people, clock, event):
    services.attendance_mark(actor=people.trainer, event=event, employee=people.listener, present=True)
    with pytest.raises(Conflict) as refused:
        services.evaluation_submit(actor=people.listener, event=event, marks=GOOD)
    assert "ended" in _english(refused.value.message)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "trainer"])
def test_only_a_listener_recorded_present_evaluates(people, held, who):
    with pytest.raises(Conflict) as refused:
        services.evaluation_submit(actor=getattr(people, who), event=held, marks=GOOD)
    assert "present" in _english(refused.value.message)
    assert not Evaluation.objects.exists()


def test_a_cancelled_event_is_not_evaluated(people, clock, event):
    services.attendance_mark(actor=people.trainer, event=event, employee=people.listener, present=True)
    services.event_cancel(actor=people.admin, event=event, reason="Təxirə salındı.")
    clock.set(STARTS + dt.timedelta(hours=5))
    with pytest.raises(Conflict):
        services.evaluation_submit(actor=people.listener, event=event, marks=GOOD)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("score", [0, 6, None, "beş"])
def test_a_mark_outside_1_to_5_is_refused(people, held, score):
    marks = services.Marks(content_score=score, trainer_score=4, organisation_score=4, usefulness_score=4)
    with pytest.raises(ValidationFailed) as refused:
        services.evaluation_submit(actor=people.listener, event=held, marks=marks)
    assert refused.value.details == {"content_score": str(refused.value.message)}
    assert not Evaluation.objects.exists()


def test_the_summary_averages_the_marks(people, held):
    services.attendance_mark(actor=people.admin, event=held, employee=people.colleague, present=True)
    services.evaluation_submit(actor=people.listener, event=held, marks=GOOD)
    services.evaluation_submit(
        actor=people.colleague,
        event=held,
        marks=services.Marks(content_score=3, trainer_score=4, organisation_score=5, usefulness_score=2),
    )
    summary = selectors.evaluation_summary(event=held)
    assert summary.count == 2
    assert summary.averages["content_score"] == 4.0 and summary.averages["usefulness_score"] == 3.0
    assert summary.averages["overall"] == 3.75
    assert summary.comments == ["Çox faydalı idi."]


def test_the_event_page_shows_the_form_to_the_listener_and_the_summary_to_trainers(client, people, held):
    evaluate = reverse("training:evaluate", args=[held.public_id])
    login_as(client, people.listener)
    assert evaluate in client.get(held.get_absolute_url()).content.decode()
    form_page = client.get(evaluate)
    assert form_page.status_code == 200 and 'name="content_score"' in form_page.content.decode()
    marks = {"content_score": "5", "trainer_score": "5", "organisation_score": "4", "usefulness_score": "4"}
    response = client.post(evaluate, {**marks, "comment": "Təşəkkürlər, çox faydalı oldu."})
    assert response.status_code == 302
    response = client.get(held.get_absolute_url())
    page = response.content.decode()
    assert evaluate not in page and "Təşəkkürlər" not in page  # the listener sees no summary
    assert response.context["summary"] is None

    login_as(client, people.trainer)
    response = client.get(held.get_absolute_url())
    assert "Təşəkkürlər, çox faydalı oldu." in response.content.decode()
    assert response.context["summary"].averages["overall"] == 4.5
    assert not response.context["is_administrator"]  # the comments without the names beside them
    login_as(client, people.admin)
    response = client.get(held.get_absolute_url())
    assert response.context["is_administrator"]
    assert "Təşəkkürlər, çox faydalı oldu." in response.content.decode()


def test_a_second_evaluation_through_the_page_is_refused_with_a_message(client, people, held):
    services.evaluation_submit(actor=people.listener, event=held, marks=GOOD)
    login_as(client, people.listener)
    data = {"content_score": "1", "trainer_score": "1", "organisation_score": "1", "usefulness_score": "1"}
    response = client.post(reverse("training:evaluate", args=[held.public_id]), data, follow=True)
    assert response.status_code == 200
    assert Evaluation.objects.get().content_score == 5


# --- the protocol ---------------------------------------------------------------------------------------


def test_the_lead_trainer_writes_the_protocol_of_a_held_event(people, held, audit_events):
    services.protocol_write(actor=people.trainer, event=held, text="Seminar keçirildi.\nNəticələr müsbətdir.")
    held.refresh_from_db()
    assert held.protocol.startswith("Seminar keçirildi") and held.protocol_by == people.trainer
    [audit] = audit_events("training.protocol.written")
    assert audit.target_id == str(held.public_id)


def test_the_protocol_is_refused_to_others_and_before_the_event_is_held(people, clock, event, make_event):
    with pytest.raises(Conflict):
        services.protocol_write(actor=people.admin, event=event, text="Erkən.")
    with pytest.raises(Forbidden):
        services.protocol_write(actor=people.listener, event=event, text="Erkən.")
    services.trainer_add(
        actor=people.admin, event=event, employee=people.other_trainer, role=TrainerRole.CO_TRAINER
    )
    with pytest.raises(Forbidden):
        services.protocol_write(actor=people.other_trainer, event=event, text="Həmtəlimçi.")
    event.refresh_from_db()
    assert event.protocol == ""


def test_an_empty_protocol_is_refused(people, held):
    with pytest.raises(ValidationFailed) as refused:
        services.protocol_write(actor=people.admin, event=held, text="   ")
    assert "protocol" in refused.value.details


def test_the_protocol_pdf_has_the_event_its_listeners_and_the_text(client, people, held, audit_events):
    services.evaluation_submit(actor=people.listener, event=held, marks=GOOD)
    services.protocol_write(
        actor=people.admin, event=held, text="Dinləyicilər sübutların toplanmasını öyrəndilər."
    )
    login_as(client, people.trainer)
    response = client.get(reverse("training:protocol_pdf", args=[held.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    [audit] = audit_events("training.protocol.read")
    assert audit.target_id == str(held.public_id)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(  # noqa: S603 - our own PDF into poppler's text extractor
            [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
        ).stdout.decode()
        assert held.number in text
        assert "Quliyev" in text and "Əliyev" in text
        assert "sübutların toplanmasını" in text
    else:  # pragma: no cover - the text check needs poppler
        assert len(content) > 2000


def test_the_protocol_html_names_present_and_absent_listeners(people, held):
    with translation.override("en"):
        html = protocol.protocol_html(held, printed_by=people.admin)
    assert held.number in html
    assert "present" in html and "absent" in html
    assert people.centre.name_en.upper() in html  # the organiser's header
    with translation.override("az"):
        html = protocol.protocol_html(held, printed_by=people.admin)
    assert "ELM-TƏDRİS MƏRKƏZİ" in html and "BAŞ PROKURORLUQ" in html


def test_the_protocol_pages_are_for_administrators_and_trainers(client, people, held):
    assert_access_matrix(
        client,
        people,
        reverse("training:protocol_pdf", args=[held.public_id]),
        {"anonymous": 302, "outsider": 404, "listener": 403, "trainer": 200, "admin": 200},
    )
    assert_access_matrix(
        client,
        people,
        reverse("training:protocol", args=[held.public_id]),
        {"anonymous": 302, "outsider": 404, "listener": 403, "trainer": 200, "admin": 200},
    )
    assert AuditEvent.objects.filter(action="training.protocol.read").count() == 2
