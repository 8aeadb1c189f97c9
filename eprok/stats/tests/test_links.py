"""Related proceedings: links through a shared person, company, phone, address and vehicle; access; the panel
and the API.

The fixed records (all in the Xətai office unless said otherwise), around the crime report M0:

    M0  crime report: victim P, civil defendant C (a company); its summary names the car 10-AA-123
    K1  case: P again                                  → same person (3)
    K2  case: D, a duplicate merged into P             → same person (3)
    M3  crime report: Q, another person with P's phone → same phone (2)
    K4  case: R, whose address is P's written otherwise → same address (1)
    M5  crime report naming "10 AA 123" in its summary → same vehicle (3)
    K6  case: C2, a duplicate merged into C (same VÖEN) → same company (3)
    M7  crime report naming another car, 10-AB-123, and an unrelated person → not linked
    H1  case in the Nəsimi office with P as a party    → linked, but hidden from a reader of Xətai
"""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from eprok.cases.models import Case, CaseParty
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.materials.models import Material, MaterialParty, MaterialSource
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole, PersonAddress, PersonPhone
from eprok.persons.tests.factories import make_legal_entity, make_person
from eprok.search.services import index_objects
from eprok.stats import links

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
PHONE = "+994501234567"


def _material(number, unit, actor, summary, **fields):
    return Material.objects.create(
        number=number,
        unit=unit,
        source=MaterialSource.APPLICANT_STATEMENT,
        received_at=NOW,
        registered_at=NOW,
        registered_by=actor,
        summary=summary,
        **fields,
    )


def _case(number, unit, actor, summary="Mənzil oğurluğu.", **fields):
    return Case.objects.create(
        number=number,
        unit=unit,
        opened_at=NOW,
        opened_by=actor,
        opening_grounds="Ərizə.",
        summary=summary,
        **fields,
    )


def _party(record, person, role=PartyRole.VICTIM):
    if isinstance(record, Material):
        return MaterialParty.objects.create(material=record, person=person, role=role)
    return CaseParty.objects.create(case=record, person=person, role=role, since=NOW.date())


@pytest.fixture
def world(personas):
    unit, other = personas.unit, personas.other_unit
    actor = personas.investigator
    reader = EmployeeFactory(username="reader", unit=unit, last_name="Nəsibova", first_name="Ülviyyə")
    RoleAssignmentFactory(employee=reader, role=Role.SUPERVISE, unit=unit)

    p = make_person(last_name="Həsənov", first_name="Tural", patronymic="Rauf oğlu")
    q = make_person(last_name="Əliyeva", first_name="Səbinə")
    r = make_person(last_name="Kərimov", first_name="Orxan")
    d = make_person(last_name="Hasanov", first_name="Tural", merged_into=p)
    stranger = make_person(last_name="Qasımov", first_name="Vüqar")
    c = make_legal_entity(legal_name="“Azərsu Tikinti” MMC", voen="1234567891")
    c2 = make_legal_entity(legal_name="Azersu Tikinti MMC", voen="1234567891", merged_into=c)
    PersonPhone.objects.create(person=p, number=PHONE)
    PersonPhone.objects.create(person=q, number=PHONE)
    PersonPhone.objects.create(person=stranger, number="+994551112233")
    PersonAddress.objects.create(person=p, kind="residence", text="Bakı, Nizami küçəsi 12, mənzil 5")
    PersonAddress.objects.create(person=r, kind="registration", text="BAKI  nizami KÜÇƏSİ 12 mənzil 5")
    PersonAddress.objects.create(person=stranger, kind="registration", text="Bakı")

    m0 = _material(
        "M0", unit, actor, "Ərizəçinin 10-AA-123 nömrəli avtomobili oğurlanıb.", assignee=personas.colleague
    )
    _party(m0, p)
    _party(m0, c, PartyRole.CIVIL_DEFENDANT)
    k1 = _case("K1", unit, actor)
    _party(k1, p)
    k2 = _case("K2", unit, actor)
    _party(k2, d, PartyRole.WITNESS)
    m3 = _material("M3", unit, actor, "Telefonla hədə.", assignee=personas.colleague)
    _party(m3, q, PartyRole.APPLICANT)
    k4 = _case("K4", unit, actor)
    _party(k4, r, PartyRole.SUSPECT)
    m5 = _material("M5", unit, actor, "Yol hadisəsi: 10 AA 123 markalı maşın yoxa çıxıb.")
    k6 = _case("K6", unit, actor)
    _party(k6, c2, PartyRole.CIVIL_DEFENDANT)
    m7 = _material("M7", unit, actor, "Başqa avtomobil: 10-AB-123, Bakı.")
    _party(m7, stranger)
    h1 = _case("H1", other, personas.outsider)
    _party(h1, p)
    index_objects("materials.material", [m.pk for m in (m0, m3, m5, m7)])
    index_objects("cases.case", [k.pk for k in (k1, k2, k4, k6, h1)])
    index_objects("persons.person", [x.pk for x in (p, q, r, d, stranger, c, c2)])
    return SimpleNamespace(
        reader=reader, m0=m0, k1=k1, k2=k2, m3=m3, k4=k4, m5=m5, k6=k6, m7=m7, h1=h1, p=p, c=c
    )


def _summary(found):
    return {link.key: (link.strength, [(s.kind, s.value) for s in link.shared]) for link in found}


# --- extraction ----------------------------------------------------------------------------------------


def test_it_reads_plates_and_vins_strictly():
    text = "10-AA-123, 90 XX 999, 77AB123; VIN WVWZZZ1JZXW000001; not: 1-AA-123, 10-aa-123, 10-AAA-123, 12345"
    assert links.vehicles_in(text) == ["10AA123", "90XX999", "77AB123", "WVWZZZ1JZXW000001"]
    # A VIN has no I, O or Q, and mixes letters and digits.
    assert links.vehicles_in("WVWZZZ1JZXW00000I ABCDEFGHJKLMNPRST 12345678901234567") == []


def test_it_folds_addresses_and_ignores_very_short_ones():
    assert links.address_key("Bakı, Nizami küçəsi 12") == links.address_key("BAKI  nizami KÜÇƏSİ 12")
    assert links.address_key("Bakı") == ""


def test_it_masks_phone_numbers():
    assert links.mask_phone(PHONE) == "+994•••••••67"


# --- links ---------------------------------------------------------------------------------------------


def test_it_finds_every_kind_of_link_of_a_crime_report(world):
    found = links.related(world.reader, links.MATERIAL, world.m0)

    assert _summary(found) == {
        "K1": (3, [("person", "Həsənov Tural Rauf oğlu")]),
        "K2": (3, [("person", "Həsənov Tural Rauf oğlu")]),
        "K6": (3, [("company", "“Azərsu Tikinti” MMC")]),
        "M5": (3, [("vehicle", "10-AA-123")]),
        "M3": (2, [("phone", PHONE)]),
        "K4": (1, [("address", "Bakı, Nizami küçəsi 12, mənzil 5")]),
    }
    # Strongest first, then cases before crime reports, then by number.
    assert [link.key for link in found] == ["K1", "K2", "K6", "M5", "M3", "K4"]
    assert found[0].url == "/cases/K1/"
    assert found[0].shared[0].person_id == str(world.p.public_id)


def test_a_case_is_linked_back_to_the_crime_report_and_the_other_cases(world):
    found = links.related(world.reader, links.CASE, world.k1)

    assert _summary(found) == {
        "K2": (3, [("person", "Həsənov Tural Rauf oğlu")]),
        "M0": (3, [("person", "Həsənov Tural Rauf oğlu")]),
        "M3": (2, [("phone", PHONE)]),
        "K4": (1, [("address", "Bakı, Nizami küçəsi 12, mənzil 5")]),
    }


def test_a_related_record_the_user_cannot_open_is_neither_listed_nor_counted(world, personas):
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )

    for_reader = links.related(world.reader, links.MATERIAL, world.m0)
    for_superior = links.related(personas.superior, links.MATERIAL, world.m0)

    assert "H1" not in {link.key for link in for_reader}
    assert len(for_reader) == 6
    assert {link.key for link in for_superior} == {"K1", "K2", "K4", "K6", "M3", "M5", "H1"}


def test_without_the_person_registry_only_the_kind_and_a_masked_phone_are_shown(world, personas):
    # The colleague holds no role: they see the two reports assigned to them, not the registry.
    found = links.related(personas.colleague, links.MATERIAL, world.m0)

    assert _summary(found) == {"M3": (2, [("phone", "+994•••••••67")])}
    assert found[0].shared[0].person_id == ""


def test_the_limit_keeps_the_strongest(world):
    found = links.related(world.reader, links.MATERIAL, world.m0, limit=2)
    assert [link.key for link in found] == ["K1", "K2"]


# --- the panel -----------------------------------------------------------------------------------------


def _panel(client, label, key):
    return client.get(f"/stats/links/{label}/{key}/")


def test_the_panel_lists_and_draws_the_links(world, signed_in, audit_events):
    client = signed_in(world.reader)

    response = _panel(client, "materials.material", "M0")

    assert response.status_code == 200
    html = response.content.decode()
    for url in ("/cases/K1/", "/cases/K2/", "/cases/K4/", "/cases/K6/", "/materials/M3/", "/materials/M5/"):
        assert f'href="{url}"' in html
    assert "H1" not in html
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None
    assert svg.group(0).count("<a ") == 6
    assert "style=" not in html
    assert "<script" not in html
    assert "/static/stats/stats.css" in html
    event = audit_events("stats.links.list")[-1]
    assert (event.target_type, event.target_id) == ("materials.material", "M0")
    assert json.loads(event.data) == {"count": 6, "channel": "web"}


def test_the_panel_of_a_case_answers(world, signed_in):
    response = _panel(signed_in(world.reader), "cases.case", "K1")
    assert response.status_code == 200
    assert "M0" in response.content.decode()


def test_the_panel_of_a_record_the_user_cannot_see_is_404(world, personas, signed_in, audit_events):
    client = signed_in(world.reader)

    assert _panel(client, "cases.case", "H1").status_code == 404
    assert _panel(client, "materials.material", "NOPE").status_code == 404
    assert _panel(client, "persons.person", "M0").status_code == 404
    assert _panel(signed_in(personas.outsider), "materials.material", "M0").status_code == 404
    assert not audit_events("stats.links.list")


def test_the_panel_needs_sign_in(world, client):
    response = _panel(client, "materials.material", "M0")
    assert response.status_code == 302


def test_the_panel_reads_a_bounded_number_of_queries(world, signed_in, django_assert_max_num_queries):
    client = signed_in(world.reader)
    _panel(client, "materials.material", "M0")  # warm the session and caches

    with django_assert_max_num_queries(20):
        response = _panel(client, "materials.material", "M0")

    assert response.status_code == 200


def test_the_query_count_does_not_grow_with_the_links(world, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.reader)
    _panel(client, "materials.material", "M0")
    with CaptureQueriesContext(connection) as before:
        _panel(client, "materials.material", "M0")
    for n in range(5):
        extra = _case(f"KX{n}", world.m0.unit, world.reader)
        _party(extra, world.p)
    with CaptureQueriesContext(connection) as after:
        response = _panel(client, "materials.material", "M0")

    assert "KX4" in response.content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)


# --- the API -------------------------------------------------------------------------------------------


def test_the_api_lists_the_links(world, client):
    token = make_token(world.reader, scopes=["read"])

    response = client.get("/api/v1/stats/links/materials.material/M0", headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert [row["number"] for row in body] == ["K1", "K2", "K6", "M5", "M3", "K4"]
    assert body[4] == {
        "type": "materials.material",
        "number": "M3",
        "url": "/materials/M3/",
        "title": "Telefonla hədə.",
        "status": body[4]["status"],
        "unit": body[4]["unit"],
        "strength": 2,
        "shared": [{"kind": "phone", "value": PHONE, "person": ""}],
    }


def test_the_api_answers_404_for_a_hidden_record_and_403_without_the_read_scope(world, client):
    token = make_token(world.reader, scopes=["read"])
    assert client.get("/api/v1/stats/links/cases.case/H1", headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/stats/links/other.thing/M0", headers=bearer(token)).status_code == 404

    audit_only = make_token(world.reader, scopes=["audit:read"])
    response = client.get("/api/v1/stats/links/materials.material/M0", headers=bearer(audit_only))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_the_strength_counts_each_shared_thing_once_even_when_the_values_are_hidden(world, personas):
    z = make_person(last_name="Zeynalov", first_name="Murad")
    _party(world.m0, z, PartyRole.WITNESS)
    k9 = _case("K9", world.m0.unit, world.reader, supervisor=personas.colleague)
    _party(k9, world.p)
    _party(k9, z, PartyRole.WITNESS)

    for_reader = {link.key: link for link in links.related(world.reader, links.MATERIAL, world.m0)}
    for_colleague = {link.key: link for link in links.related(personas.colleague, links.MATERIAL, world.m0)}

    assert for_reader["K9"].strength == 6
    assert [(s.kind, s.value) for s in for_reader["K9"].shared] == [
        ("person", "Həsənov Tural Rauf oğlu"),
        ("person", "Zeynalov Murad Əli oğlu"),
    ]
    assert for_colleague["K9"].strength == 6
    assert [(s.kind, s.value) for s in for_colleague["K9"].shared] == [("person", "")]


def test_the_panel_and_the_api_follow_the_crime_reports_access(world, client, personas):
    # M0 is assigned to the colleague; nobody else of the shared personas reads the Xətai register.
    expected = {"outsider": 404, "colleague": 200, "investigator": 404, "superior": 404}
    assert_access_matrix(
        client, personas, "/stats/links/materials.material/M0/", {"anonymous": 302, **expected}
    )
    assert_access_matrix(
        client, personas, "/api/v1/stats/links/materials.material/M0", {"anonymous": 401, **expected}
    )
