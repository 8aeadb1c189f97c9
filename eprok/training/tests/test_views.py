"""The training pages: who opens what (the access matrix), entering an event through the form (a refusal is
422 and writes nothing), inviting by circle, answering, marking attendance, the organiser's rotating QR code
and the listener's check-in, and query ceilings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.training import checkin, services
from eprok.training.models import Attendance, AttendanceMethod, Invitation, InvitationStatus, TrainingEvent
from eprok.training.tests.conftest import STARTS

pytestmark = pytest.mark.django_db

LIST = reverse("training:list")
MY = reverse("training:my")
NEW = reverse("training:new")


def _url(name: str, event: TrainingEvent) -> str:
    return reverse(f"training:{name}", args=[event.public_id])


def form_data(people: Any, **fields: Any) -> dict[str, Any]:
    local = timezone.localtime(STARTS)
    return {
        "title": "Korrupsiya cinayətlərinin istintaqı",
        "kind": "training",
        "area": people.area.pk,
        "topic": "",
        "organiser": people.centre.pk,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "format": "mixed",
        "venue": "Elm-Tədris Mərkəzi, akt zalı",
        "video_link": "https://meet.example.az/korrupsiya",
        "hours": "3",
        "capacity": "",
        **fields,
    }


# --- the access matrix ----------------------------------------------------------------------------------


def test_the_pages_of_the_base(client, people, event):
    assert_access_matrix(
        client,
        people,
        LIST,
        {"anonymous": 302, "outsider": 404, "listener": 404, "trainer": 200, "admin": 200},
    )
    assert_access_matrix(
        client, people, MY, {"anonymous": 302, "outsider": 200, "listener": 200, "trainer": 200, "admin": 200}
    )
    assert_access_matrix(
        client,
        people,
        NEW,
        {"anonymous": 302, "outsider": 404, "listener": 404, "trainer": 404, "admin": 200},
    )


def test_the_pages_of_an_event(client, people, event):
    assert_access_matrix(
        client,
        people,
        _url("detail", event),
        {"anonymous": 302, "outsider": 404, "listener": 200, "trainer": 200, "admin": 200},
    )
    for name in ("edit", "cancel", "trainer_add", "invite"):
        assert_access_matrix(
            client,
            people,
            _url(name, event),
            {"anonymous": 302, "outsider": 404, "listener": 403, "trainer": 403, "admin": 200},
        )
    for name in ("qr", "qr_code"):
        assert_access_matrix(
            client,
            people,
            _url(name, event),
            {"anonymous": 302, "outsider": 404, "listener": 403, "trainer": 200, "admin": 200},
        )
    for name in ("publish", "held"):
        assert_access_matrix(
            client,
            people,
            _url(name, event),
            {"anonymous": 302, "outsider": 404, "listener": 403, "trainer": 403},
            method="post",
        )
    assert_access_matrix(
        client,
        people,
        _url("attendance", event),
        {"anonymous": 302, "outsider": 404, "listener": 403},
        method="post",
        data={"employee": str(people.listener.public_id), "present": "1"},
    )


def test_a_draft_is_not_found_by_its_invitee(client, people, make_event):
    draft = make_event(publish=False)
    assert_access_matrix(
        client, people, _url("detail", draft), {"listener": 404, "trainer": 200, "admin": 200}
    )
    assert_access_matrix(client, people, _url("checkin", draft), {"listener": 404})


# --- entering an event ----------------------------------------------------------------------------------


def test_an_administrator_enters_an_event_through_the_form(client, people, clock):
    login_as(client, people.admin)
    response = client.post(NEW, form_data(people))
    event = TrainingEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.format == "mixed" and event.video_link == "https://meet.example.az/korrupsiya"
    page = client.get(event.get_absolute_url()).content.decode()
    assert event.number in page and "Korrupsiya cinayətlərinin istintaqı" in page


def test_a_refused_event_is_422_with_the_message_on_the_field(client, people, clock):
    login_as(client, people.admin)
    starts = form_data(people)["starts_at"]
    response = client.post(NEW, form_data(people, ends_at=starts))
    assert response.status_code == 422
    assert "usa-error-message" in response.content.decode()
    response = client.post(NEW, form_data(people, venue=""))
    assert response.status_code == 422
    assert not TrainingEvent.objects.exists()


def test_an_event_is_changed_published_and_cancelled(client, people, make_event):
    event = make_event(publish=False)
    login_as(client, people.admin)
    response = client.post(_url("edit", event), form_data(people, title="Yeni ad"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Yeni ad"
    client.post(_url("publish", event))
    event.refresh_from_db()
    assert event.status == "published"
    client.post(_url("held", event))  # not yet over: refused with a message
    event.refresh_from_db()
    assert event.status == "published"
    assert client.post(_url("cancel", event), {"reason": ""}).status_code == 422
    client.post(_url("cancel", event), {"reason": "Bayram günü."})
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_a_trainer_is_added_and_an_overlap_is_refused_on_the_form(client, people, make_event):
    make_event()
    other = make_event(staffed=False, starts_at=STARTS + dt.timedelta(hours=1))
    login_as(client, people.admin)
    response = client.post(_url("trainer_add", other), {"employee": "trainer", "role": "lead"})
    assert response.status_code == 422
    assert "TT-TRAINING-CENTRE-2026-00001" in response.content.decode()
    response = client.post(
        _url("trainer_add", other), {"employee": "Qasımova Leyla Əli oğlu", "role": "lead"}
    )
    assert response.status_code == 302
    assert other.trainers.get().employee == people.other_trainer


# --- invitations and answers ----------------------------------------------------------------------------


def test_invite_by_circle_through_the_form(client, people, event):
    login_as(client, people.admin)
    response = client.post(_url("invite", event), {"unit": people.baku.pk, "include_subunits": "on"})
    assert response.status_code == 302
    assert Invitation.objects.filter(event=event).count() == 4
    response = client.post(_url("invite", event), {"names": "nobody-at-all"})
    assert response.status_code == 422
    response = client.post(_url("invite", event), {})
    assert response.status_code == 422


def test_the_listener_confirms_on_my_training(client, people, event, clock):
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    login_as(client, people.listener)
    page = client.get(MY).content.decode()
    assert event.title in page
    client.post(reverse("training:respond", args=[invitation.pk]), {"answer": "confirm"})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CONFIRMED
    login_as(client, people.colleague)
    response = client.post(reverse("training:respond", args=[invitation.pk]), {"answer": "decline"})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CONFIRMED


def test_the_trainer_marks_attendance(client, people, event):
    login_as(client, people.trainer)
    response = client.post(
        _url("attendance", event), {"employee": str(people.listener.public_id), "present": "1"}
    )
    assert response.status_code == 302
    assert Attendance.objects.get(event=event, employee=people.listener).method == AttendanceMethod.MANUAL
    client.post(_url("attendance", event), {"employee": str(people.outsider.public_id), "present": "1"})
    assert not Attendance.objects.filter(employee=people.outsider).exists()
    login_as(client, people.listener)
    response = client.post(
        _url("attendance", event), {"employee": str(people.listener.public_id), "present": "0"}
    )
    assert response.status_code == 403
    assert Attendance.objects.get(event=event, employee=people.listener).present


# --- the QR code and the check-in -----------------------------------------------------------------------


def test_the_qr_page_shows_the_current_code_and_polls_every_ten_seconds(client, people, event, clock):
    clock.set(STARTS)
    login_as(client, people.trainer)
    page = client.get(_url("qr", event)).content.decode()
    code = checkin.current_code(event.public_id)
    assert code in page and "<svg" in page and 'hx-trigger="every 10s"' in page
    clock.advance(seconds=30)
    fragment = client.get(_url("qr_code", event)).content.decode()
    assert checkin.current_code(event.public_id) in fragment and code not in fragment


def test_a_listener_checks_in_from_the_scanned_url(client, people, event, clock):
    clock.set(STARTS + dt.timedelta(minutes=2))
    code = checkin.current_code(event.public_id)
    login_as(client, people.listener)
    page = client.get(_url("checkin", event) + f"?code={code}").content.decode()
    assert f'value="{code}"' in page
    assert not Attendance.objects.exists()  # opening the page writes nothing
    response = client.post(_url("checkin", event), {"code": code})
    assert response.status_code == 302
    assert Attendance.objects.get(event=event, employee=people.listener).method == AttendanceMethod.QR


def test_an_old_code_and_an_outsider_are_refused_with_a_message(client, people, event, clock):
    clock.set(STARTS + dt.timedelta(minutes=2))
    code = checkin.current_code(event.public_id)
    clock.advance(minutes=2)
    login_as(client, people.listener)
    response = client.post(_url("checkin", event), {"code": code})
    assert response.status_code == 422
    assert "Bu QR kod əvvəlki dövrəyə aiddir" in response.content.decode()  # in Azerbaijani, the default
    login_as(client, people.outsider)
    response = client.post(_url("checkin", event), {"code": checkin.current_code(event.public_id)})
    assert response.status_code == 403
    assert "dinləyicilər dairəsinə daxil deyilsiniz" in response.content.decode()
    assert not Attendance.objects.exists()


# --- query ceilings -------------------------------------------------------------------------------------


def test_the_list_has_a_query_ceiling(client, people, make_event, django_assert_max_num_queries):
    for day in range(12):
        start = STARTS + dt.timedelta(days=day)
        make_event(staffed=day == 0, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    login_as(client, people.admin)
    client.get("/")
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(set(re.findall(r'href="/training/([0-9a-f-]{36})/"', response.content.decode()))) == 12


def test_the_event_card_and_my_training_have_query_ceilings(
    client, people, event, django_assert_max_num_queries
):
    services.invite(
        actor=people.admin, event=event, circle=services.Circle(unit=people.baku, include_subunits=True)
    )
    login_as(client, people.admin)
    client.get("/")
    with django_assert_max_num_queries(14):
        assert client.get(_url("detail", event)).status_code == 200
    login_as(client, people.listener)
    client.get("/")
    with django_assert_max_num_queries(12):
        assert client.get(MY).status_code == 200


def test_the_list_filters(client, people, make_event):
    make_event(staffed=False, title="Birinci")
    make_event(staffed=False, publish=False, title="İkinci", kind="conference")
    login_as(client, people.admin)
    page = client.get(LIST, {"kind": "conference"}).content.decode()
    assert "İkinci" in page and "Birinci" not in page
    page = client.get(LIST, {"status": "published"}).content.decode()
    assert "Birinci" in page and "İkinci" not in page
    page = client.get(LIST, {"date_from": "2026-06-21"}).content.decode()
    assert "Birinci" not in page


# --- the session materials (the documents panel of the event) -------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EPROK_CLAMAV_SOCKET = ""
    return settings.MEDIA_ROOT


def test_the_event_page_loads_the_materials_panel(client, people, event):
    login_as(client, people.listener)
    page = client.get(_url("detail", event)).content.decode()
    assert reverse("documents:panel", args=["training.trainingevent", str(event.public_id)]) in page


def test_a_trainer_uploads_materials_and_an_invitee_downloads_them(
    client, people, event, media, audit_events
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eprok.documents.models import Document
    from eprok.documents.tests.samples import pdf_with_text

    upload = reverse("documents:upload", args=["training.trainingevent", str(event.public_id)])
    data = pdf_with_text("Təqdimat: sübutların toplanması")
    login_as(client, people.listener)
    response = client.post(upload, {"title": "Təqdimat", "file": SimpleUploadedFile("t.pdf", data)})
    assert response.status_code == 403 and not Document.objects.exists()  # a listener only reads

    login_as(client, people.trainer)
    response = client.post(
        upload, {"title": "Təqdimat", "classification": "", "file": SimpleUploadedFile("təqdimat.pdf", data)}
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    document = Document.objects.get()
    assert document.owner_type == "training.trainingevent" and document.owner_id == event.pk
    download = reverse("documents:download", args=[document.public_id, 1])

    login_as(client, people.listener)
    panel = client.get(reverse("documents:panel", args=["training.trainingevent", str(event.public_id)]))
    assert "Təqdimat" in panel.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    for name in ("outsider", "colleague"):  # not invited
        login_as(client, getattr(people, name))
        assert client.get(download).status_code == 404
        assert client.get(reverse("documents:detail", args=[document.public_id])).status_code == 404


# --- the follow-up course -------------------------------------------------------------------------------


def test_the_event_form_offers_published_courses_and_the_page_links_the_chosen_one(client, people, event):
    from decimal import Decimal

    from eprok.learning.models import Course

    def course(code: str, status: str) -> Course:
        return Course.objects.create(
            code=code,
            title=f"Kurs {code}",
            area=people.area,
            hours=Decimal("2"),
            status=status,
            created_by=people.admin,
        )

    published, draft = course("cpc-after", "published"), course("cpc-draft", "draft")
    login_as(client, people.admin)
    form = client.get(_url("edit", event)).context["form"]
    assert list(form.fields["follow_up_course"].queryset) == [published]
    local = timezone.localtime(event.starts_at)
    data = form_data(
        people,
        starts_at=local.strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
    )
    assert client.post(_url("edit", event), {**data, "follow_up_course": draft.pk}).status_code == 422
    assert client.post(_url("edit", event), {**data, "follow_up_course": published.pk}).status_code == 302
    event.refresh_from_db()
    assert event.follow_up_course == published
    page = client.get(_url("detail", event)).content.decode()
    assert "Kurs cpc-after" in page
    assert reverse("learning:course", args=[published.public_id]) in page


def test_the_video_link_is_hidden_from_a_listener_who_declined_and_on_a_cancelled_event(
    client, people, make_event
):
    link = "https://meet.example.az/muddetler-2026"
    event = make_event(format="mixed", video_link=link)
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    login_as(client, people.listener)
    assert link in client.get(event.get_absolute_url()).content.decode()

    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=False)
    assert link not in client.get(event.get_absolute_url()).content.decode()

    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=True)
    services.event_cancel(actor=people.admin, event=event, reason="Təlimçi xəstələnib.")
    assert link not in client.get(event.get_absolute_url()).content.decode()


def test_the_menu_leads_a_unit_head_to_the_training_analysis(client, people):
    analysis = reverse("training:analysis")
    login_as(client, people.listener)
    assert f'href="{analysis}"' not in client.get(MY).content.decode()

    people.listener.unit.head = people.listener
    people.listener.unit.save()

    assert f'href="{analysis}"' in client.get(MY).content.decode()
