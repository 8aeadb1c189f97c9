"""The register browser's pages against the registers' simulator: the form, the answers side by side, the
failures with "try again", copying into a person record, the history, and who may open what."""

from __future__ import annotations

import json
import re
from typing import Any, cast

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited
from eprok.gateway.lookups import lookup_run
from eprok.gateway.models import Lookup, LookupStatus, RegisterCopy
from eprok.persons.models import Person
from eprok.persons.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def make_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


PURPOSE = "Checking the identity of the suspect in the report"
BROWSER = "/gateway/registers/"


def post_lookup(client, query="5ABC123", kind="fin", registers=None, **extra):
    data = {
        "query_kind": kind,
        "query": query,
        "purpose": PURPOSE,
        "registers": registers or ["population", "vehicles", "real_estate", "records", "border"],
        **extra,
    }
    return client.post(BROWSER, data)


def lookup_of(user, register="population", query="5ABC123", kind="fin"):
    return lookup_run(actor=user, register=register, query_kind=kind, query=query, purpose=PURPOSE)


def results_url(*lookups):
    return reverse(
        "gateway:registers:results", kwargs={"keys": ".".join(lookup.public_id.hex for lookup in lookups)}
    )


# --- who may open what --------------------------------------------------------------------------------------


def test_the_browser_opens_for_holders_of_a_role_a_register_allows(client, personas):
    assert_access_matrix(
        client,
        personas,
        BROWSER,
        {
            "anonymous": 302,
            "colleague": 403,
            "outsider": 200,
            "investigator": 200,
            "superior": 200,
            "admin": 403,
        },
    )


def test_answers_are_read_only_by_the_one_who_asked(client, personas, xroad_registers):
    url = results_url(lookup_of(personas.investigator))
    assert_access_matrix(
        client,
        personas,
        url,
        {"anonymous": 302, "colleague": 404, "outsider": 404, "investigator": 200, "superior": 404},
    )


def test_the_history_is_each_users_own(client, personas, xroad_registers):
    lookup_of(personas.investigator)
    assert_access_matrix(
        client,
        personas,
        "/gateway/registers/history/",
        {"anonymous": 302, "colleague": 200, "investigator": 200},
    )
    login_as(client, personas.outsider)
    assert "5ABC123" not in client.get("/gateway/registers/history/").content.decode()


def test_copy_retry_and_create_are_posts_for_the_owner_only(client, personas, xroad_registers):
    lookup = lookup_of(personas.investigator)
    for name in ("retry", "copy", "create_person"):
        url = reverse(f"gateway:registers:{name}", kwargs={"key": lookup.public_id.hex})
        assert_access_matrix(client, personas, url, {"anonymous": 302, "investigator": 405, "outsider": 405})
        assert_access_matrix(
            client, personas, url, {"anonymous": 302, "outsider": 404, "colleague": 404}, method="post"
        )


# --- the form -----------------------------------------------------------------------------------------------


def test_the_form_offers_only_the_registers_the_roles_allow(client, personas):
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    prosecutor = EmployeeFactory(username="prosecutor", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role="prosecute", unit=personas.unit)
    login_as(client, prosecutor)
    page = client.get(BROWSER).content.decode()
    assert re.findall(r'name="registers" id="[^"]+" value="(\w+)"', page) == ["population", "records"]


def test_the_form_is_prefilled_from_a_person(client, personas):
    person = make_person(fin="5ABC123")
    login_as(client, personas.investigator)
    page = client.get(f"{BROWSER}?subject=person:{person.public_id}&issue=MAT-7").content.decode()
    assert 'value="5ABC123"' in page
    assert f'value="person:{person.public_id}"' in page
    assert 'value="MAT-7"' in page


def test_a_bad_query_gets_a_clear_error(client, personas, xroad_registers):
    login_as(client, personas.investigator)
    response = post_lookup(client, query="5ABO12")
    assert response.status_code == 422
    assert "7 characters" in response.content.decode()
    assert not Lookup.objects.exists()


def test_a_look_up_without_a_purpose_is_refused_and_audited(client, personas, xroad_registers, audit_events):
    login_as(client, personas.investigator)
    response = client.post(
        BROWSER, {"query_kind": "fin", "query": "5ABC123", "purpose": "", "registers": ["population"]}
    )
    assert response.status_code == 422
    assert "purpose" in response.content.decode()
    assert json.loads(audit_events("gateway.lookup.refused")[0].data)["reason"] == "no_purpose"
    assert not Lookup.objects.exists()


def test_a_register_the_roles_do_not_allow_is_refused_and_audited(
    client, personas, xroad_registers, audit_events
):
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    prosecutor = EmployeeFactory(username="prosecutor", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role="prosecute", unit=personas.unit)
    login_as(client, prosecutor)
    response = post_lookup(client, registers=["population", "border"])
    assert response.status_code == 403
    assert json.loads(audit_events("gateway.lookup.refused")[0].data)["register"] == "border"
    assert not Lookup.objects.exists()


# --- the answers --------------------------------------------------------------------------------------------


def test_the_answers_are_shown_side_by_side(client, personas, xroad_registers, audit_events):
    login_as(client, personas.investigator)
    response = post_lookup(client)
    assert response.status_code == 302
    lookups = list(Lookup.objects.order_by("id"))
    assert [lookup.register for lookup in lookups] == [
        "population",
        "vehicles",
        "real_estate",
        "records",
        "border",
    ]
    assert response["Location"] == results_url(*lookups)
    page = client.get(response["Location"]).content.decode()
    assert "Məmmədov" in page and "12.04.1985" in page
    assert "Babək prospekti, ev 12, mənzil 34" in page
    assert "10-AB-123" in page and "412-3456789" in page and "Qırmızı Körpü" in page
    assert "Not on the wanted list." in page
    # The spouse's FIN re-runs the browser with the same purpose.
    assert re.search(
        r'name="query" value="7KLM456">\s*<input type="hidden" name="purpose" value="' + re.escape(PURPOSE),
        page,
    )
    assert len(audit_events("gateway.lookup.viewed")) == 5


def test_a_wanted_person_is_flagged(client, personas, xroad_registers):
    login_as(client, personas.investigator)
    response = post_lookup(client, query="2XYZ9P8", registers=["records"])
    page = client.get(response["Location"]).content.decode()
    assert "WANTED" in page and "Bakı Şəhər Baş Polis İdarəsi" in page and "177.2.1" in page


def test_a_company_is_shown_with_its_director(client, personas, xroad_registers):
    login_as(client, personas.investigator)
    response = post_lookup(
        client, query="1400057421", kind="voen", registers=["tax", "vehicles", "real_estate"]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Xəzər Tikinti" in page and "2XYZ9P8" in page and "90-HK-707" in page
    assert "The register has no record for this query." in page  # no real estate


def test_a_family_link_runs_the_browser_for_the_relative(client, personas, xroad_registers):
    login_as(client, personas.investigator)
    response = post_lookup(client, query="7KLM456", registers=["population"])
    assert response.status_code == 302
    assert Lookup.objects.get().query == "7KLM456"


@pytest.mark.parametrize(
    ("faults", "shown"),
    [
        ({"garbage": 1}, "could not be used"),
        ({"wrong_hash": 1}, "could not be used"),
        ({"fail": 3, "status": 503}, "not available now"),
        ({"fail": 1, "status": 403, "xroad_error": "Server.ClientProxy.AccessDenied"}, "refused the request"),
    ],
)
def test_a_failing_register_gets_a_clear_status_and_a_try_again_button(
    client, personas, xroad_registers, faults, shown
):
    xroad_registers.control(service="person-v1", **faults)
    login_as(client, personas.investigator)
    response = post_lookup(client, registers=["population", "records"])
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert shown in text and "Try again" in text
    failed = Lookup.objects.get(register="population")
    assert failed.status == LookupStatus.FAILED and failed.message is not None
    assert Lookup.objects.get(register="records").status == LookupStatus.FOUND


def test_a_register_that_does_not_answer_in_time_gets_a_clear_status(client, personas, xroad_registers):
    from eprok.gateway.models import RemoteService

    RemoteService.objects.filter(code="population.person").update(timeout=0.2, retries=0)
    xroad_registers.control(delay=1, service="person-v1")
    login_as(client, personas.investigator)
    response = post_lookup(client, registers=["population"])
    assert "did not answer in time" in client.get(response["Location"]).content.decode()


def test_try_again_asks_the_register_again_and_replaces_the_failed_answer(client, personas, xroad_registers):
    xroad_registers.control(garbage=1, service="person-v1")
    login_as(client, personas.investigator)
    response = post_lookup(client, registers=["population", "records"])
    failed = Lookup.objects.get(register="population")
    records = Lookup.objects.get(register="records")
    keys = f"{failed.public_id.hex}.{records.public_id.hex}"
    again = client.post(
        reverse("gateway:registers:retry", kwargs={"key": failed.public_id.hex}), {"batch": keys}
    )
    new = Lookup.objects.filter(register="population").latest("id")
    assert new.status == LookupStatus.FOUND and new.purpose == PURPOSE
    assert again["Location"] == results_url(new, records)
    assert response.status_code == 302


def test_the_results_page_has_a_query_ceiling(
    client, personas, xroad_registers, django_assert_max_num_queries
):
    login_as(client, personas.investigator)
    url = post_lookup(client)["Location"]
    # Five answers, each read recorded in the audit log (two statements per event).
    with django_assert_max_num_queries(audited(19, appends=5)):
        assert client.get(url).status_code == 200


def test_the_history_lists_own_look_ups_newest_first_and_is_audited(
    client, personas, xroad_registers, audit_events
):
    first = lookup_of(personas.investigator, query="5ABC123")
    second = lookup_of(personas.investigator, query="7KLM456")
    login_as(client, personas.investigator)
    page = client.get("/gateway/registers/history/").content.decode()
    assert page.index("7KLM456") < page.index("5ABC123")
    data = json.loads(audit_events("gateway.lookup.listed")[0].data)
    assert data["lookups"] == [str(second.public_id), str(first.public_id)]


# --- copying into a person record ---------------------------------------------------------------------------


def test_the_copy_form_shows_current_and_register_values(client, personas, xroad_registers):
    person = make_person(fin="5ABC123", last_name="Mammadov")
    login_as(client, personas.investigator)
    page = client.get(results_url(lookup_of(personas.investigator))).content.decode()
    assert "Copy into the person record" in page
    assert "Mammadov" in page and f'value="{person.public_id}"' in page
    assert re.search(r'name="chosen" value="last_name"[^>]*checked', page)


def test_copying_from_the_page_changes_the_record_and_shows_it_as_confirmed(
    client, personas, xroad_registers
):
    person = make_person(fin="5ABC123", last_name="Mammadov")
    lookup = lookup_of(personas.investigator)
    login_as(client, personas.investigator)
    response = client.post(
        reverse("gateway:registers:copy", kwargs={"key": lookup.public_id.hex}),
        {"person": str(person.public_id), "version": person.version, "chosen": ["last_name", "address"]},
    )
    assert response["Location"] == reverse("persons:detail", kwargs={"public_id": person.public_id})
    person.refresh_from_db()
    assert person.last_name == "Məmmədov"
    card = client.get(response["Location"]).content.decode()
    assert "Confirmed by registers" in card and "Population register" in card
    assert "Look up in state registers" in card


def test_a_copy_based_on_an_old_version_is_refused_with_a_message(client, personas, xroad_registers):
    person = make_person(fin="5ABC123", last_name="Mammadov")
    lookup = lookup_of(personas.investigator)
    Person.objects.filter(pk=person.pk).update(version=person.version + 1)
    login_as(client, personas.investigator)
    response = client.post(
        reverse("gateway:registers:copy", kwargs={"key": lookup.public_id.hex}),
        {"person": str(person.public_id), "version": person.version, "chosen": ["last_name"]},
        follow=True,
    )
    assert "changed by someone else" in response.content.decode()
    assert not RegisterCopy.objects.exists()


def test_a_person_record_is_created_from_the_page(client, personas, xroad_registers):
    lookup = lookup_of(personas.investigator)
    login_as(client, personas.investigator)
    page = client.get(results_url(lookup)).content.decode()
    assert "Create a person record from the register" in page
    response = client.post(reverse("gateway:registers:create_person", kwargs={"key": lookup.public_id.hex}))
    person = Person.objects.get(fin="5ABC123")
    assert response["Location"] == reverse("persons:detail", kwargs={"public_id": person.public_id})
    assert RegisterCopy.objects.get().person == person


# --- links from the cards -----------------------------------------------------------------------------------


def test_the_case_card_links_to_the_browser_with_its_number(client, personas):
    from eprok.cases.tests.factories import make_case
    from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

    prosecutor = EmployeeFactory(username="supervising", unit=personas.unit)
    RoleAssignmentFactory(employee=prosecutor, role="supervise", unit=personas.unit)
    case = make_case(actor=personas.investigator, unit=personas.unit, supervisor=prosecutor)
    login_as(client, personas.investigator)
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"subject=case%3A{case.number}" in page.replace("&amp;", "&")
    form = client.get(f"{BROWSER}?subject=case:{case.number}").content.decode()
    assert f'value="{case.number}"' in form
