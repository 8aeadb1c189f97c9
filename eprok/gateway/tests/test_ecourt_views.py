"""The e-Court pages and API: who sees what, sending from the card, "retry now"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.api import bearer, make_token
from eprok.gateway import ecourt
from eprok.gateway.models import CourtDelivery, DeliveryKind, DeliveryStatus
from eprok.gateway.tests import ecourt_support

# The shared fixtures (assigned, not imported, so a test's parameter does not shadow an import).
ca = ecourt_support.ca
in_court = ecourt_support.in_court
media = ecourt_support.media
people = ecourt_support.people


@pytest.fixture
def queued(in_court, settings):
    """An indictment queued while the e-Court is unreachable (nothing listens on the address)."""
    settings.EPROK_XROAD_MEMBER_URLS = {"AZ/GOV/1900000051/ecourt": "http://127.0.0.1:9"}
    settings.EPROK_XROAD_BACKOFF = 0
    delivery = ecourt.delivery_queue(
        actor=in_court.people.prosecutor,
        kind=DeliveryKind.INDICTMENT,
        case=in_court.case,
        title="İttiham aktı",
    )
    ecourt.delivery_send(delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED and delivery.last_error
    return delivery


MATRIX_VIEW = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,  # on the case's team: sees its deliveries
    "superior": 200,
    "supervisor": 200,
    "prosecutor": 200,
}


def test_the_delivery_page_follows_the_case(client, in_court, queued):
    assert_access_matrix(
        client, in_court.people, reverse("gateway:ecourt:detail", args=[queued.public_id]), MATRIX_VIEW
    )


def test_the_case_panel_follows_the_case(client, in_court, queued):
    url = reverse("gateway:ecourt:panel", args=["cases.case", in_court.case.number])
    assert_access_matrix(client, in_court.people, url, MATRIX_VIEW)
    url = reverse("gateway:ecourt:panel", args=["courtwork.proceeding", in_court.proceeding.public_id])
    assert_access_matrix(client, in_court.people, url, {**MATRIX_VIEW, "investigator": 200})


def test_the_register_is_for_prosecutors_and_supervisors(client, in_court, queued):
    assert_access_matrix(
        client,
        in_court.people,
        reverse("gateway:ecourt:list"),
        {
            "anonymous": 302,
            "outsider": 403,
            "colleague": 403,
            "investigator": 403,
            "superior": 200,
            "supervisor": 200,
            "prosecutor": 200,
        },
    )


def test_the_register_lists_failed_and_queued_first_and_filters_by_status(client, in_court, queued):
    CourtDelivery.objects.filter(pk=queued.pk).update(status=DeliveryStatus.FAILED)
    login_as(client, in_court.people.prosecutor)
    page = client.get(reverse("gateway:ecourt:list")).content.decode()
    assert in_court.case.number in page and "İttiham aktı" in page
    empty = client.get(reverse("gateway:ecourt:list"), {"status": "acknowledged"}).content.decode()
    assert in_court.case.number not in empty


def test_the_panel_shows_the_last_error_and_the_next_attempt(client, in_court, queued):
    login_as(client, in_court.people.prosecutor)
    page = client.get(
        reverse("gateway:ecourt:panel", args=["cases.case", in_court.case.number])
    ).content.decode()
    assert "ecourt-deliveries" in page
    assert str(queued.public_id) in page
    assert 'name="kind"' in page  # the prosecutor may send
    login_as(client, in_court.people.investigator)
    page = client.get(
        reverse("gateway:ecourt:panel", args=["cases.case", in_court.case.number])
    ).content.decode()
    assert str(queued.public_id) in page and 'name="kind"' not in page


def test_only_the_prosecutors_send_from_the_card(client, in_court, settings):
    settings.EPROK_XROAD_MEMBER_URLS = {"AZ/GOV/1900000051/ecourt": "http://127.0.0.1:9"}
    url = reverse("gateway:ecourt:send", args=["cases.case", in_court.case.number])
    data = {"kind": "search", "title": "Axtarış", "text": "Vəsatət", "court": in_court.court.pk}
    assert_access_matrix(
        client,
        in_court.people,
        url,
        {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 403},
        method="post",
        data=data,
    )
    assert not CourtDelivery.objects.exists()
    login_as(client, in_court.people.supervisor)
    response = client.post(url, data)
    assert response.status_code == 302
    delivery = CourtDelivery.objects.get()
    assert delivery.kind == "search" and delivery.sent_by == in_court.people.supervisor
    # A motion without its text is refused on the form.
    response = client.post(url, {**data, "text": ""})
    assert response.status_code == 422
    assert CourtDelivery.objects.count() == 1


def test_retry_now_is_for_the_prosecutors_of_the_case(client, in_court, queued, settings):
    CourtDelivery.objects.filter(pk=queued.pk).update(status=DeliveryStatus.FAILED)
    url = reverse("gateway:ecourt:retry", args=[queued.public_id])
    assert_access_matrix(
        client,
        in_court.people,
        url,
        {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 403},
        method="post",
    )
    login_as(client, in_court.people.prosecutor)
    assert client.post(url).status_code == 302
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.QUEUED and queued.attempts <= 1


def test_the_api_lists_gets_creates_and_retries(client, in_court, queued, settings):
    settings.EPROK_XROAD_MEMBER_URLS = {"AZ/GOV/1900000051/ecourt": "http://127.0.0.1:9"}
    headers = bearer(make_token(in_court.people.prosecutor))
    listed = client.get("/api/v1/ecourt/deliveries", headers=headers)
    assert listed.status_code == 200, listed.content
    assert listed.json()["count"] == 1
    item = listed.json()["items"][0]
    assert item["status"] == "queued" and item["case_number"] == in_court.case.number and item["last_error"]
    one = client.get(f"/api/v1/ecourt/deliveries/{queued.public_id}", headers=headers)
    assert one.status_code == 200 and one.json()["manifest"]["files"]
    created = client.post(
        "/api/v1/ecourt/deliveries",
        data={
            "kind": "extension",
            "case": in_court.case.number,
            "title": "Müddətin uzadılması",
            "text": "Vəsatət",
            "documents": [str(in_court.draft.public_id)],
        },
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "queued" and len(created.json()["manifest"]["files"]) == 1
    CourtDelivery.objects.filter(pk=queued.pk).update(status=DeliveryStatus.FAILED)
    retried = client.post(f"/api/v1/ecourt/deliveries/{queued.public_id}/retry", headers=headers)
    assert retried.status_code == 200 and retried.json()["status"] == "queued"
    outsider = bearer(make_token(in_court.people.outsider))
    assert client.get(f"/api/v1/ecourt/deliveries/{queued.public_id}", headers=outsider).status_code == 404
    assert client.get("/api/v1/ecourt/deliveries", headers=outsider).status_code == 403


def test_a_motion_on_a_case_under_investigation_stays_with_its_team_and_supervisors(
    client, people, ca, media, settings
):
    """ "State prosecution in court" opens a case only once it is sent to court: nor its deliveries before."""
    from eprok.cases.tests.factories import make_case
    from eprok.courtwork.models import Court
    from eprok.documents import access as documents_access

    settings.EPROK_XROAD_MEMBER_URLS = {"AZ/GOV/1900000051/ecourt": "http://127.0.0.1:9"}
    case = make_case(actor=people.investigator, unit=people.unit, supervisor=people.supervisor)
    delivery = ecourt.delivery_queue(
        actor=people.supervisor,
        kind=DeliveryKind.WIRETAP,
        case=case,
        court=Court.objects.get(code="baku-serious-crimes"),
        title="MOTION-UNDER-INVESTIGATION",
        text="Telefon danışıqlarının dinlənilməsi",
    )
    assert delivery.package_id is not None
    for persona, sees in [("prosecutor", False), ("supervisor", True), ("superior", True)]:
        user = getattr(people, persona)
        login_as(client, user)
        page = client.get(reverse("gateway:ecourt:list"))
        assert page.status_code == 200
        assert ("MOTION-UNDER-INVESTIGATION" in page.content.decode()) is sees, persona
        listed = client.get("/api/v1/ecourt/deliveries", headers=bearer(make_token(user))).json()
        assert (listed["count"] == 1) is sees, persona
        documents = documents_access.visible_to(user).filter(pk=delivery.package_id)
        assert documents.exists() is sees, persona
        assert ecourt.delivery_list(user=user).exists() is sees, persona
    # The investigator leads the case's team: no register, but the case's deliveries.
    assert access_sees(people.investigator, delivery)
    assert not access_sees(people.prosecutor, delivery)


def access_sees(user, delivery) -> bool:
    from eprok.gateway import access

    return access.deliveries_visible_to(user).filter(pk=delivery.pk).exists()


def _more(in_court, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        CourtDelivery.objects.create(
            kind=DeliveryKind.SEARCH,
            case=in_court.case,
            proceeding=in_court.proceeding,
            court=in_court.court,
            unit=in_court.people.unit,
            title=f"Axtarış {n} QCEIL-ROW",  # the marker: the kind's label says "Axtarış" too
            xroad_id=f"query-ceiling-{n}",
            sent_by=in_court.people.prosecutor,
        )


def test_the_register_and_its_api_read_a_page_in_a_fixed_number_of_queries(
    client, in_court, queued, django_assert_max_num_queries
):
    from eprok.core.testing.queries import audited

    login_as(client, in_court.people.prosecutor)
    _more(in_court, 3)
    with django_assert_max_num_queries(audited(12)) as few:
        assert client.get(reverse("gateway:ecourt:list")).status_code == 200
    _more(in_court, 10, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("gateway:ecourt:list"))
    assert page.content.decode().count("QCEIL-ROW") == 13
    headers = bearer(make_token(in_court.people.prosecutor))
    with django_assert_max_num_queries(audited(12)):
        assert client.get("/api/v1/ecourt/deliveries", headers=headers).json()["count"] == 14
