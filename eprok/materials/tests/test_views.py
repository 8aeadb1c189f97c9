"""The register's pages: the access matrix over every URL, forms, exports, the receipt, the dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from eprok.audit.models import AuditEvent
from eprok.core.context_processors import safe_reverse
from eprok.core.models import SavedFilter
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.materials import services
from eprok.materials.models import Material, MaterialStatus
from eprok.materials.tests.factories import make_material, make_person

pytestmark = pytest.mark.django_db

GROUNDS = "Hadisədə cinayət tərkibi yoxdur."


def url(material, suffix: str = "") -> str:
    return f"/materials/{material.number}/{suffix}"


# --- the access matrix -------------------------------------------------------------------------------

READERS = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "superior": 200,
    "clerk": 200,
}
WORKERS = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "superior": 403,
    "clerk": 403,
}
ASSIGNERS = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 403,
    "superior": 200,
    "clerk": 200,
}
EXTENDERS = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 403,
    "superior": 200,
    "clerk": 403,
}


def test_the_register_pages_open_to_holders_of_a_register_role(client, people):
    everyone = {"anonymous": 302, "outsider": 200, "colleague": 200, "investigator": 200, "superior": 200}
    for path in ("/materials/", "/materials/export.csv", "/materials/export.xlsx"):
        assert_access_matrix(client, people, path, {**everyone, "clerk": 200, "admin": 403})
    assert_access_matrix(
        client,
        people,
        "/materials/new/",
        {
            "anonymous": 302,
            "outsider": 403,
            "colleague": 403,
            "investigator": 403,
            "superior": 403,
            "clerk": 200,
        },
    )
    assert_access_matrix(
        client,
        people,
        "/materials/dashboard/",
        {
            "anonymous": 302,
            "outsider": 403,
            "colleague": 403,
            "investigator": 403,
            "superior": 200,
            "clerk": 200,
        },
    )


def test_the_card_and_receipt_open_to_the_assignee_the_registrar_and_the_supervisor(client, people, material):
    assert_access_matrix(client, people, url(material), READERS)
    assert_access_matrix(client, people, url(material, "receipt/"), READERS)


def test_the_action_forms_open_only_to_those_who_may_act(client, people, material):
    assert_access_matrix(client, people, url(material, "assign/"), ASSIGNERS)
    assert_access_matrix(client, people, url(material, "extend/"), EXTENDERS)
    for suffix in ("actions/new/", "parties/new/", "refuse/", "transfer/", "join/"):
        assert_access_matrix(client, people, url(material, suffix), WORKERS)


def test_refused_posts_change_nothing(client, people, material, person):
    party = services.material_add_party(
        actor=people.investigator, material=material, person=person, role="victim"
    )
    material.refresh_from_db()
    refused = {k: v for k, v in WORKERS.items() if v != 200}
    for suffix, data in (
        ("start/", {"version": material.version}),
        ("actions/new/", {"kind": "explanation", "performed_on": "2026-01-01", "description": "x"}),
        ("parties/new/", {"person": str(person.public_id), "role": "witness"}),
        (f"parties/{party.pk}/remove/", {}),
        ("refuse/", {"refusal_ground": "39.1.1", "grounds": "x"}),
        ("transfer/", {"to_body": "DİN", "grounds": "x"}),
        ("join/", {"into": material.number, "grounds": "x"}),
    ):
        assert_access_matrix(client, people, url(material, suffix), refused, method="post", data=data)
    assert_access_matrix(
        client,
        people,
        url(material, "assign/"),
        {k: v for k, v in ASSIGNERS.items() if v != 200},
        method="post",
        data={"assignee": people.colleague.pk},
    )
    assert_access_matrix(
        client,
        people,
        url(material, "extend/"),
        {k: v for k, v in EXTENDERS.items() if v != 200},
        method="post",
        data={"step": "207.1.2-10", "reason": "x"},
    )
    material.refresh_from_db()
    assert material.status == MaterialStatus.REGISTERED and material.version == 2
    assert (
        material.parties.count() == 1 and material.actions.count() == 0 and material.extensions.count() == 0
    )


def test_only_a_supervisor_quashes_a_refusal(client, people, material):
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.2", grounds=GROUNDS
    )
    expected = {**EXTENDERS}
    assert_access_matrix(client, people, url(material, "quash/"), expected)
    # Once decided, the assignee's forms are closed too.
    assert_access_matrix(client, people, url(material, "refuse/"), {"investigator": 409, "clerk": 403})


def test_denials_are_audited(client, people, material):
    login_as(client, people.outsider)
    client.get(url(material))
    login_as(client, people.clerk)
    client.get(url(material, "extend/"))
    denied = AuditEvent.objects.filter(action="access.denied").order_by("id")
    assert [(e.actor_id, json.loads(e.data)["outcome"]) for e in denied] == [
        (people.outsider.pk, "not_found"),
        (people.clerk.pk, "forbidden"),
    ]


# --- the list ----------------------------------------------------------------------------------------


@pytest.fixture
def many(people):
    materials = [
        make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator if i % 2 else None)
        for i in range(30)
    ]
    return materials


def test_the_list_has_a_query_ceiling(client, people, many, django_assert_max_num_queries):
    login_as(client, people.clerk)
    client.get("/")  # the first page after sign-in also stamps the session
    with django_assert_max_num_queries(8):
        response = client.get("/materials/", {"sort": "check_due"})
    assert response.status_code == 200
    assert response.content.decode().count('class="usa-link" href="/materials/CM-') == 30
    # The unit filter's code is found among the filter's choices: no query of its own.
    with django_assert_max_num_queries(8):
        response = client.get("/materials/", {"unit": people.unit.code, "status": "registered"})
    assert response.content.decode().count('class="usa-link" href="/materials/CM-') == 30


def test_the_list_filters_and_sorts(client, people, many):
    login_as(client, people.clerk)
    body = client.get("/materials/", {"assignee": "none", "sort": "number"}).content.decode()
    numbers = [
        line.split("/materials/")[1].split("/")[0]
        for line in body.split('href="')
        if line.startswith("/materials/CM-")
    ]
    assert len(numbers) == 15 and numbers == sorted(numbers)
    login_as(client, people.investigator)
    body = client.get("/materials/").content.decode()
    assert body.count('href="/materials/CM-') == 15  # only the assigned ones


def test_the_list_answers_htmx_with_the_results_only(client, people, many):
    login_as(client, people.clerk)
    response = client.get("/materials/", {"q": "qızıl"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "30" in body


def test_the_csv_export_is_capped_audited_and_safe(client, people, many):
    services.material_register(
        actor=people.clerk,
        unit=people.unit,
        source="media",
        received_at=timezone.now(),
        summary='=HYPERLINK("http://evil")',
    )
    login_as(client, people.clerk)
    response = client.get("/materials/export.csv", {"source": "media"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff"))))
    assert len(rows) == 2 and rows[1][-1].startswith("'=")
    event = AuditEvent.objects.get(action="materials.material.exported")
    assert json.loads(event.data)["filters"]["source"] == "media"


def test_the_xlsx_export_opens_in_a_spreadsheet(client, people, many):
    login_as(client, people.investigator)
    response = client.get("/materials/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 16  # header + the 15 reports the investigator can see
    assert AuditEvent.objects.filter(action="materials.material.exported").count() == 1


def test_a_filter_is_saved_used_and_deleted_by_its_owner(client, people, many):
    login_as(client, people.clerk)
    response = client.post(
        "/saved-filters/",
        {"list_name": "materials:list", "name": "Təyin edilməyənlər", "query": "assignee=none"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?assignee=none")
    saved = SavedFilter.objects.get(owner=people.clerk)
    assert "Təyin edilməyənlər" in client.get("/materials/").content.decode()
    login_as(client, people.investigator)
    assert client.post(f"/saved-filters/{saved.pk}/delete/").status_code == 404
    login_as(client, people.clerk)
    assert client.post(f"/saved-filters/{saved.pk}/delete/").status_code == 302
    assert not SavedFilter.objects.exists()


# --- registration ------------------------------------------------------------------------------------


def register_data(people, **fields):
    return {
        "unit": people.unit.pk,
        "source": "applicant_statement",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "summary": "Ərizəçi avtomobilinin yandırıldığını bildirir.",
        "articles": "186.1",
        **fields,
    }


def test_a_clerk_registers_a_report_and_is_sent_to_its_card(client, people):
    login_as(client, people.clerk)
    assert client.get("/materials/new/").status_code == 200
    response = client.post("/materials/new/", register_data(people, assignee=people.investigator.pk))
    material = Material.objects.get()
    assert response.status_code == 302 and response["Location"] == material.get_absolute_url()
    assert material.assignee == people.investigator and material.registered_by == people.clerk


def test_an_invalid_registration_is_answered_with_422_and_field_messages(client, people):
    login_as(client, people.clerk)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post("/materials/new/", register_data(people, incident_date=tomorrow, articles="9999"))
    assert response.status_code == 422
    body = response.content.decode()
    assert body.count("usa-error-message") >= 2
    assert not Material.objects.exists()


def test_a_transferred_report_can_be_registered_in_the_receiving_unit(client, people, material):
    from eprok.org.roles import Role
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    registrar = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=registrar, role=Role.REGISTER_MATERIALS, unit=people.other_unit)
    services.material_transfer(
        actor=people.investigator, material=material, grounds="x", to_unit=people.other_unit
    )
    login_as(client, registrar)
    card = client.get(url(material)).content.decode()
    assert f"/materials/new/?from={material.number}" in card
    form = client.get("/materials/new/", {"from": material.number}).content.decode()
    assert material.number in form and material.summary in form


# --- the card and its forms --------------------------------------------------------------------------


def test_the_card_shows_the_term_with_its_explanation_and_is_audited(client, people, material):
    login_as(client, people.investigator)
    body = client.get(url(material)).content.decode()
    assert 'class="eprok-deadline"' in body and "202" in body
    open_case = safe_reverse("cases:open")
    if open_case:
        assert f'href="{open_case}?material={material.number}"' in body
    (event,) = AuditEvent.objects.filter(action="materials.material.viewed")
    assert event.actor_id == people.investigator.pk and event.target_id == str(material.public_id)


def test_the_card_has_a_query_ceiling(client, people, material, person, django_assert_max_num_queries):
    for i in range(5):
        services.material_add_action(
            actor=people.investigator,
            material=material,
            kind="explanation",
            performed_on=timezone.localdate(),
            description=f"İzahat {i}",
        )
    services.material_add_party(actor=people.investigator, material=material, person=person, role="victim")
    login_as(client, people.investigator)
    client.get("/")
    with django_assert_max_num_queries(17):
        assert client.get(url(material)).status_code == 200


def test_the_assignee_records_a_step_through_the_form(client, people, material):
    login_as(client, people.investigator)
    fragment = client.get(url(material, "actions/new/"), headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and 'name="version"' in fragment.content.decode()
    response = client.post(
        url(material, "actions/new/"),
        {
            "kind": "scene_examination",
            "performed_on": timezone.localdate().isoformat(),
            "description": "Baxış",
            "version": 1,
        },
    )
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == MaterialStatus.IN_CHECK


def test_a_stale_form_is_refused_with_409_and_a_message(client, people, material):
    services.material_assign(actor=people.clerk, material=material, assignee=people.investigator)
    services.material_start_check(actor=people.investigator, material=material)
    login_as(client, people.investigator)
    response = client.post(
        url(material, "refuse/"), {"refusal_ground": "39.1.1", "grounds": GROUNDS, "version": 1}
    )
    assert response.status_code == 409
    assert "reload" in response.content.decode() or "yenidən" in response.content.decode()
    material.refresh_from_db()
    assert material.status == MaterialStatus.IN_CHECK


def test_an_extension_beyond_the_maximum_is_refused_on_the_form(client, people, material):
    login_as(client, people.superior)
    for step, status in (("207.1.2-10", 302), ("207.1.2-30", 302), ("207.1.2-10", 422)):
        response = client.post(url(material, "extend/"), {"step": step, "reason": "Ekspertiza"})
        assert response.status_code == status
    material.refresh_from_db()
    assert material.extensions.count() == 2


def test_a_party_is_added_from_the_person_registry(client, people, material):
    person = make_person(last_name="Hüseynova", first_name="Aygün")
    login_as(client, people.investigator)
    page = client.get(url(material, "parties/new/"), {"person": str(person.public_id)}).content.decode()
    assert "Hüseynova" in page and "checked" in page
    response = client.post(
        url(material, "parties/new/"), {"person": str(person.public_id), "role": "applicant"}
    )
    assert response.status_code == 302
    assert material.parties.get().person == person
    unknown = client.post(url(material, "parties/new/"), {"person": "not-an-id", "role": "witness"})
    assert unknown.status_code == 422


def test_the_party_form_uses_the_person_registrys_picker(client, people, material):
    pick, create = safe_reverse("persons:pick"), safe_reverse("persons:create")
    if not (pick and create):
        pytest.skip("the person registry's picker is not installed")
    from eprok.persons.services import person_create

    person_create(actor=people.clerk, kind="natural", last_name="Hüseynova", first_name="Aygün")
    login_as(client, people.investigator)
    page = client.get(url(material, "parties/new/")).content.decode()
    assert f'hx-get="{pick}?next=' in page and f'href="{create}?next=' in page
    results = client.get(pick, {"q": "Hüseynova"}, headers={"HX-Request": "true"}).content.decode()
    assert 'type="radio" name="person"' in results


def test_the_decision_forms_close_the_check(client, people, material):
    other = make_material(actor=people.clerk, unit=people.unit, assignee=people.investigator)
    login_as(client, people.investigator)
    response = client.post(url(material, "join/"), {"into": other.number, "grounds": "Eyni hadisə"})
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.status == MaterialStatus.JOINED and material.joined_to == other
    response = client.post(url(other, "transfer/"), {"to_unit": people.other_unit.pk, "grounds": "Aidiyyət"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == MaterialStatus.TRANSFERRED
    body = client.get(url(other)).content.decode()
    assert "Transferred" in body or "Aidiyyət" in body


def test_the_card_lists_the_history_of_changes(client, people, material):
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-10", reason="x")
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.1", grounds=GROUNDS
    )
    login_as(client, people.superior)
    client.cookies["eprok_language"] = "en"
    body = client.get(url(material)).content.decode()
    history = body[body.index('id="history-heading"') :]
    for label in ("Registered", "Check term extended", "Opening of a case refused"):
        assert label in history
    assert "Quash the refusal" in body


# --- the receipt and the dashboard -------------------------------------------------------------------


def test_the_receipt_is_a_print_page_without_inline_styles_or_scripts(client, people, material):
    login_as(client, people.clerk)
    body = client.get(url(material, "receipt/")).content.decode()
    assert material.number in body and "materials/print.css" in body
    assert "style=" not in body and "<style" not in body
    assert "<script>" not in body and "onclick" not in body
    assert AuditEvent.objects.filter(action="materials.material.viewed", purpose="receipt").count() == 1


def test_the_dashboard_counts_open_near_and_overdue_checks(client, people, material):
    old = make_material(
        actor=people.clerk,
        unit=people.unit,
        assignee=people.investigator,
        registered_at=timezone.now() - dt.timedelta(days=40),
    )
    decided = make_material(actor=people.clerk, unit=people.unit, assignee=people.colleague)
    services.material_refuse(
        actor=people.colleague, material=decided, refusal_ground="39.1.1", grounds=GROUNDS
    )
    login_as(client, people.superior)
    response = client.get("/materials/dashboard/")
    board = response.context["board"]
    assert board.total_open == 2 and board.total_overdue == 1
    (row,) = board.by_assignee
    assert (row.open, row.overdue) == (2, 1) and row.assignee_id == people.investigator.public_id
    counts = {code: count for code, _label, count in board.by_status}
    assert counts["refused"] == 1
    assert old.number not in response.content.decode()  # the dashboard lists counts, not reports


def test_the_dashboard_has_a_query_ceiling(client, people, many, django_assert_max_num_queries):
    login_as(client, people.superior)
    client.get("/")
    with django_assert_max_num_queries(9):
        assert client.get("/materials/dashboard/").status_code == 200
