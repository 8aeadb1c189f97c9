"""Drafting's people and records: one of each owner type in the Xətai office, with Azerbaijani names.

investigator  Investigate, Register and Answer appeals, Operate calls, Keep correspondence (Xətai office):
              the report's assignee, the case's investigator, answers the appeal, takes the call, keeps the
              letter — generates on all five owner types
prosecutor    Supervise over the Xətai office: the case's supervising prosecutor
admin_t       Manage document templates (the template administrator)
outsider      Investigate in the Nəsimi office: sees none of the records (404)
colleague     no role in the Xətai office
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from eprok.core.calendar import workdays
from eprok.core.testing.personas import make_personas
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole


def build_world() -> SimpleNamespace:
    """The people and one record of each owner type (run inside a test database transaction)."""
    from eprok.appeals.tests.factories import make_appeal
    from eprok.cases.tests.factories import make_case, make_party, make_person
    from eprok.contact.tests.factories import open_call
    from eprok.materials.services import material_add_party
    from eprok.materials.tests.factories import make_material

    workdays.invalidate()
    people = make_personas()
    w = SimpleNamespace(**vars(people))
    unit = people.unit
    roles = (
        Role.REGISTER_APPEALS,
        Role.ANSWER_APPEALS,
        Role.OPERATE_CALLS,
        Role.REGISTER_MATERIALS,
        Role.KEEP_CORRESPONDENCE,
    )
    for role in roles:
        RoleAssignmentFactory(employee=people.investigator, role=role, unit=unit)
    prosecutor = EmployeeFactory(username="prosecutor", unit=unit, last_name="Nəsibova", first_name="Ülviyyə")
    RoleAssignmentFactory(employee=prosecutor, role=Role.SUPERVISE, unit=unit)
    admin_t = EmployeeFactory(
        username="templates", unit=people.root, last_name="Şükürova", first_name="İlahə"
    )
    RoleAssignmentFactory(employee=admin_t, role=Role.MANAGE_TEMPLATES, unit=people.root)
    w.prosecutor = prosecutor
    w.admin_t = admin_t

    material = make_material(
        actor=people.investigator,
        unit=unit,
        assignee=people.investigator,
        articles="177.2.3",
        incident_place="Bakı şəhəri, Xətai rayonu, Babək prospekti 12",
        incident_date=dt.date(2026, 11, 20),
        summary="Ərizəçi Gülşən Məmmədova mənzilindən qızıl zinət əşyalarının oğurlandığını bildirir.",
    )
    material_add_party(
        actor=people.investigator,
        material=material,
        person=make_person(last_name="Məmmədova", first_name="Gülşən", patronymic="Əli qızı", fin="5ZJ7K2P"),
        role=PartyRole.APPLICANT,
    )
    w.material = material

    case = make_case(
        actor=people.investigator,
        unit=unit,
        supervisor=prosecutor,
        articles="177.2.3",
        summary=(
            "Təqsirləndirilən şəxs 20 noyabr 2026-cı il tarixdə Ş. Çingizoğlunun mənzilindən "
            "zinət əşyalarını oğurlamışdır."
        ),
    )
    make_party(
        case,
        actor=people.investigator,
        role=PartyRole.VICTIM,
        last_name="Çingizoğlu",
        first_name="Şəhla",
        patronymic="Ağa qızı",
    )
    make_party(
        case,
        actor=people.investigator,
        role=PartyRole.SUSPECT,
        last_name="Güləliyev",
        first_name="Ülvi",
        patronymic="İlqar oğlu",
    )
    make_party(
        case,
        actor=people.investigator,
        role=PartyRole.ACCUSED,
        last_name="Öztürk",
        first_name="Əli",
        patronymic="Ğafar oğlu",
    )
    w.case = case

    w.appeal = make_appeal(actor=people.investigator, unit=unit)
    w.call = open_call(actor=people.investigator, unit=unit)
    w.call.caller_name = "Şirinov İsmayıl"
    w.call.summary = "Zəng edən qonşusunun evində səs-küy olduğunu bildirir."
    w.call.save(update_fields=["caller_name", "summary"])
    from eprok.documents.correspondence.services import correspondence_register

    w.letter = correspondence_register(
        actor=people.investigator,
        unit=unit,
        direction="in",
        correspondent="Xətai Rayon İcra Hakimiyyəti",
        subject="Vətəndaş Ş. Əliyevanın şikayəti barədə",
        channel="post",
    )
    w.records = {
        "materials.material": material,
        "cases.case": case,
        "appeals.appeal": w.appeal,
        "contact.call": w.call,
        "documents.correspondence": w.letter,
    }
    # what each record's document must show
    w.expected = {
        "materials.material": [material.number, "Məmmədova Gülşən Əli qızı"],
        "cases.case": [case.number, "Öztürk Əli Ğafar oğlu", "Çingizoğlu Şəhla Ağa qızı"],
        "appeals.appeal": [w.appeal.number, "Məmmədov Vüqar Nazim oğlu"],
        "contact.call": ["Şirinov İsmayıl"],
        "documents.correspondence": [w.letter.number, "Xətai Rayon İcra Hakimiyyəti"],
    }
    return w


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EPROK_CLAMAV_SOCKET = ""
    yield settings.MEDIA_ROOT


@pytest.fixture
def world(db) -> Any:
    return build_world()
