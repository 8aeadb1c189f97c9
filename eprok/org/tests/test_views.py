"""The organisation pages: tree, directory search, management forms, htmx fragments and "why?"."""

from __future__ import annotations

import json

import pytest

from eprok.audit.models import AuditEvent
from eprok.org.models import Employee, RoleAssignment, Unit
from eprok.org.roles import ROLE_HELP, Role
from eprok.org.tests.factories import EmployeeFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_the_tree_sorts_sibling_units_in_azerbaijani_order(client, signed_in, personas):
    client.cookies["eprok_language"] = "az"
    for code, name in (
        ("c1", "Çəmənli"),
        ("c2", "Cəlilabad"),
        ("c3", "Zəngilan"),
        ("c4", "İmişli"),
        ("c5", "Işıqlı"),
    ):
        UnitFactory(code=code, parent=personas.root, name_az=name)
    body = signed_in(personas.outsider).get("/org/units/").content.decode()
    positions = [
        body.index(name) for name in ("Bakı", "Cəlilabad", "Çəmənli", "Işıqlı", "İmişli", "Zəngilan")
    ]
    assert positions == sorted(positions)
    assert "<details" in body


def test_the_organisation_root_opens_the_unit_tree(client, signed_in, personas):
    assert client.get("/org/")["Location"].startswith("/accounts/login/")
    response = signed_in(personas.outsider).get("/org/", follow=True)
    assert response.redirect_chain == [("/org/units/", 302)]
    assert response.status_code == 200


def test_the_tree_keeps_links_out_of_the_expand_buttons(signed_in, personas):
    body = signed_in(personas.outsider).get("/org/units/").content.decode()
    summaries = [part.split("</summary>")[0] for part in body.split("<summary")[1:]]
    assert summaries
    assert not any("<a " in summary for summary in summaries)


def test_the_tree_page_has_a_query_ceiling(signed_in, personas, django_assert_max_num_queries):
    for _ in range(30):
        UnitFactory(parent=personas.city)
    client = signed_in(personas.colleague)
    client.get("/")  # the first page after sign-in also stamps the session; measure the pages after it
    with django_assert_max_num_queries(8):
        assert client.get("/org/units/").status_code == 200


def test_the_directory_finds_a_name_in_any_letter_case(signed_in, personas):
    EmployeeFactory(last_name="İsmayılzadə", first_name="Şahin", unit=personas.other_unit)
    client = signed_in(personas.outsider)
    for query in ("İSMAYILZADƏ", "ismayılzadə", "ISMAYILZADƏ şahin", "zadə"):
        body = client.get("/org/employees/", {"q": query}).content.decode()
        assert "İsmayılzadə" in body, query
    assert "İsmayılzadə" not in client.get("/org/employees/", {"q": "quliyev"}).content.decode()


def test_the_directory_filters_by_unit_and_hides_personal_fields(signed_in, personas):
    body = signed_in(personas.outsider).get("/org/employees/", {"unit": "baku-xetai"}).content.decode()
    results = body[body.index('id="employee-results"') :]
    assert "Quliyev" in results and "Həsənova" in results and "Əliyev" not in results
    assert personas.colleague.fin not in body and personas.colleague.email not in body


def test_the_directory_pages_with_a_query_ceiling(signed_in, personas, django_assert_max_num_queries):
    for _ in range(70):
        EmployeeFactory(unit=personas.unit, position=None)
    client = signed_in(personas.colleague)
    client.get("/")  # the first page after sign-in also stamps the session; measure the pages after it
    with django_assert_max_num_queries(8):
        first = client.get("/org/employees/")
    assert first.status_code == 200
    assert "?page=2" in first.content.decode()
    with django_assert_max_num_queries(8):
        assert (
            client.get(
                "/org/employees/", {"page": 2, "unit": "baku"}, headers={"HX-Request": "true"}
            ).status_code
            == 200
        )


def test_the_directory_answers_htmx_with_the_results_only(signed_in, personas):
    response = signed_in(personas.colleague).get(
        "/org/employees/", {"q": "quliyev"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Quliyev" in body and "<html" not in body


def test_the_unit_page_lists_employees_sub_units_and_roles(
    signed_in, personas, django_assert_max_num_queries
):
    client = signed_in(personas.outsider)
    client.get("/")
    with django_assert_max_num_queries(12):
        body = client.get("/org/units/baku/").content.decode()
    assert "Xətai rayon prokurorluğu" in body and "Nəsimi rayon prokurorluğu" in body
    assert "Cəfərov" in body  # the superior's assignment with sub-units is given in the city office
    assert "Edit or move" not in body and "Redaktə" not in body


def test_the_employee_page_explains_what_each_role_opens(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    body = (
        signed_in(personas.colleague)
        .get(f"/org/employees/{personas.investigator.public_id}/")
        .content.decode()
    )
    assert str(ROLE_HELP[Role.INVESTIGATE])[:40].replace("'", "&#x27;") in body


def test_the_roles_page_lists_every_role_with_its_help(signed_in, personas):
    body = signed_in(personas.outsider).get("/org/roles/").content.decode()
    for role in Role:
        assert f'id="role-{role.value}"' in body


def test_an_administrator_creates_an_employee_and_sees_the_fin_error_on_the_field(
    client, signed_in, personas
):
    client.cookies["eprok_language"] = "az"
    client = signed_in(personas.admin)
    data = {
        "username": "yeni",
        "last_name": "Novruzov",
        "first_name": "Elnur",
        "fin": "ioioioi",
        "unit": personas.unit.pk,
    }
    response = client.post("/org/employees/new/", data)
    assert response.status_code == 422
    assert "usa-error-message" in response.content.decode()
    assert not Employee.objects.filter(username="yeni").exists()
    data["fin"] = "5zx9k2p"
    response = client.post("/org/employees/new/", data)
    employee = Employee.objects.get(username="yeni")
    assert response.status_code == 302 and employee.fin == "5ZX9K2P"
    assert AuditEvent.objects.filter(
        action="org.employee.created", target_id=str(employee.public_id)
    ).exists()


def test_an_administrator_edits_an_employee_and_changes_clearance(signed_in, personas):
    client = signed_in(personas.admin)
    url = f"/org/employees/{personas.colleague.public_id}/"
    response = client.post(
        url + "edit/",
        {
            "last_name": "Həsənli",
            "first_name": "Günay",
            "unit": personas.unit.pk,
            "fin": "",
            "email": "",
            "phone": "+994501234567",
        },
    )
    assert response.status_code == 302
    assert Employee.objects.get(pk=personas.colleague.pk).last_name == "Həsənli"
    assert client.post(url + "clearance/", {"clearance": 0}).status_code == 302
    assert AuditEvent.objects.filter(action="org.employee.clearance_changed").exists()


def test_roles_are_given_and_ended_with_htmx_fragments(signed_in, personas):
    client = signed_in(personas.admin)
    url = f"/org/employees/{personas.colleague.public_id}/roles/"
    form = client.get(url + "add/", headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in form.content.decode()
    response = client.post(
        url + "add/",
        {"role": "supervise", "unit": personas.unit.pk, "include_subunits": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assignment = RoleAssignment.objects.get(employee=personas.colleague)
    assert assignment.include_subunits and "<html" not in response.content.decode()
    duplicate = client.post(
        url + "add/",
        {"role": "supervise", "unit": personas.unit.pk, "include_subunits": "on"},
        headers={"HX-Request": "true"},
    )
    assert duplicate.status_code == 422
    ended = client.post(url + f"{assignment.pk}/end/", headers={"HX-Request": "true"})
    assert ended.status_code == 200
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_an_administrator_creates_moves_and_closes_a_unit(signed_in, personas):
    client = signed_in(personas.admin)
    response = client.post(
        "/org/units/new/",
        {
            "code": "baku-sabuncu",
            "kind": "district_office",
            "name_az": "Sabunçu rayon prokurorluğu",
            "parent": personas.city.pk,
            "sort_order": 3,
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="baku-sabuncu")
    response = client.post(
        "/org/units/baku-sabuncu/edit/",
        {"kind": "district_office", "name_az": unit.name_az, "parent": personas.root.pk, "sort_order": 3},
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).parent == personas.root
    assert client.post("/org/units/baku-sabuncu/deactivate/").status_code == 302
    assert not Unit.objects.get(pk=unit.pk).is_active


def test_the_move_form_does_not_offer_the_units_own_subtree(signed_in, personas):
    client = signed_in(personas.admin)
    response = client.post(
        "/org/units/baku/edit/", {"kind": "city_office", "name_az": "Bakı", "parent": personas.unit.pk}
    )
    assert response.status_code == 422
    assert Unit.objects.get(pk=personas.city.pk).parent == personas.root


def test_the_why_page_explains_and_is_audited(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    client = signed_in(personas.admin)
    body = client.get(
        "/org/why/",
        {"login": "outsider", "object_type": "org.employee", "key": "colleague"},
    ).content.decode()
    assert "Visible." in body
    assert "No active “Administer users” role covers" in body
    event = AuditEvent.objects.filter(action="access.explained").latest("id")
    assert event.actor_id == personas.admin.pk and event.target_id == str(personas.outsider.public_id)
    assert json.loads(event.data)["object_type"] == "org.employee"


def test_the_why_page_names_the_grant_that_opens_management(client, signed_in, personas):
    client.cookies["eprok_language"] = "en"
    body = (
        signed_in(personas.admin)
        .get(
            "/org/why/",
            {"login": "admin", "object_type": "org.unit", "key": "baku-xetai"},
        )
        .content.decode()
    )
    assert "The role “Administer users” in General Prosecutor&#x27;s Office, with its sub-units" in body


def test_the_why_page_refuses_unknown_logins_and_records(signed_in, personas):
    client = signed_in(personas.admin)
    body = client.get(
        "/org/why/", {"login": "nobody", "object_type": "org.unit", "key": "baku"}
    ).content.decode()
    assert "usa-error-message" in body
    body = client.get(
        "/org/why/", {"login": "outsider", "object_type": "org.unit", "key": "nowhere"}
    ).content.decode()
    assert "usa-error-message" in body
