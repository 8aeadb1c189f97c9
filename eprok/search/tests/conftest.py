# ruff: noqa: RUF001 - Cyrillic letters are the point of the corpus.
"""A fixed Azerbaijani corpus for the search tests.

Xətai office (personas.unit):  the investigator registers, investigates and answers appeals here
Nəsimi office (other_unit):    the outsider does the same there
colleague                      Xətai office, no role at all
superior                       investigates and supervises over the Baku city office with its sub-units

The corpus: five persons in Azerbaijani spelling, two crime reports (one per office), a criminal case
in the Xətai office with a suspect, an appeal with a phone number, and a document of the case whose
text spells the suspect in Cyrillic. Built through the services, then indexed by `search_reindex`.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from eprok.appeals.classifiers import load_classifiers
from eprok.appeals.models import AppealKind, Channel
from eprok.appeals.services import ApplicantData, appeal_register
from eprok.cases.services import case_add_party, case_open
from eprok.core.testing.personas import make_personas
from eprok.documents.models import Document, DocumentKind
from eprok.materials.models import MaterialSource
from eprok.materials.services import material_add_party, material_register
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.persons.models import PartyRole, PersonKind
from eprok.persons.services import person_add_phone, person_create
from eprok.search import services

ROLES = (Role.REGISTER_MATERIALS, Role.REGISTER_APPEALS, Role.ANSWER_APPEALS)


@pytest.fixture
def people(db):
    personas = make_personas(role=Role.INVESTIGATE)
    for role in ROLES:
        RoleAssignmentFactory(employee=personas.investigator, role=role, unit=personas.unit)
        RoleAssignmentFactory(employee=personas.outsider, role=role, unit=personas.other_unit)
    RoleAssignmentFactory(
        employee=personas.superior, role=Role.SUPERVISE, unit=personas.city, include_subunits=True
    )
    prosecutor = EmployeeFactory(username="prosecutor", unit=personas.unit, last_name="Nəsibova")
    RoleAssignmentFactory(employee=prosecutor, role=Role.SUPERVISE, unit=personas.unit)
    people = SimpleNamespace(**vars(personas))
    people.prosecutor = prosecutor
    people.by_name = lambda name: None if name == "anonymous" else getattr(people, name)
    load_classifiers()
    return people


def _moment(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


@pytest.fixture
def corpus(people):
    inv, out = people.investigator, people.outsider
    c = SimpleNamespace()
    c.mammadov = person_create(
        actor=inv,
        kind=PersonKind.NATURAL,
        last_name="Məmmədov",
        first_name="Elçin",
        patronymic="Vəli oğlu",
        fin="5ZK8P2M",
        birth_date=dt.date(1985, 4, 12),
    )
    person_add_phone(actor=inv, person=c.mammadov, number="+994 50 123 45 67")
    c.aliyev = person_create(actor=inv, kind=PersonKind.NATURAL, last_name="Əliyev", first_name="Rauf")
    c.huseynov = person_create(
        actor=inv, kind=PersonKind.NATURAL, last_name="Hüseynov", first_name="Elşən", patronymic="Kamal oğlu"
    )
    c.shukurov = person_create(actor=inv, kind=PersonKind.NATURAL, last_name="Şükürov", first_name="Fərid")
    c.chalabi = person_create(actor=inv, kind=PersonKind.NATURAL, last_name="Çələbi", first_name="Aynur")
    c.qilinc = person_create(actor=inv, kind=PersonKind.NATURAL, last_name="Qılınc", first_name="İlkin")

    # A report only the Xətai office sees, naming Məmmədov; one only the Nəsimi office sees.
    c.material = material_register(
        actor=inv,
        unit=people.unit,
        source=MaterialSource.APPLICANT_STATEMENT,
        received_at=_moment(10),
        registered_at=_moment(10),
        summary="Mənzildən qızıl zinət əşyalarının oğurlanması barədə ərizə. <script>alert(1)</script>",
        articles="177.2.3",
        assignee=inv,
    )
    material_add_party(actor=inv, material=c.material, person=c.mammadov, role=PartyRole.APPLICANT)
    c.other_material = material_register(
        actor=out,
        unit=people.other_unit,
        source=MaterialSource.APPLICANT_STATEMENT,
        received_at=_moment(5),
        registered_at=_moment(5),
        summary="Əliyev Rauf dələduzluq yolu ilə pul vəsaitini ələ keçirib; qızıl üzük də götürülüb.",
        articles="178.1",
        assignee=out,
    )
    # A case of the Xətai office, Hüseynov the suspect.
    c.case = case_open(
        actor=inv,
        unit=people.unit,
        material=None,
        articles="177.2.3",
        summary="Hüseynov Elşən tərəfindən mənzildən qızıl əşyaların oğurlanması.",
        opening_grounds="Ərizə və hadisə yerinə baxış protokolu.",
        investigator=inv,
        supervisor=people.prosecutor,
        opened_at=_moment(3),
    )
    case_add_party(
        actor=inv,
        case=c.case,
        person=c.huseynov,
        role=PartyRole.SUSPECT,
        since=timezone.localdate(_moment(3)),
    )
    # An appeal of the Xətai office from Şükürov, with a phone number.
    c.appeal = appeal_register(
        actor=inv,
        unit=people.unit,
        channel=Channel.LETTER,
        kind=AppealKind.COMPLAINT,
        text="Qonşum Çələbi Aynur mənim həyətimə zibil atır, polis tədbir görmür.",
        applicant=ApplicantData(
            last_name="Şükürov",
            first_name="Fərid",
            fin="7QW3ZR1",
            address="Bakı şəhəri, Xətai rayonu",
            phone="(050) 987-65-43",
        ),
        received_at=_moment(2),
    )
    # A document of the case: its extracted text spells the suspect in Cyrillic.
    c.document = Document.objects.create(
        owner_type="cases.case",
        owner_id=c.case.pk,
        owner_key=c.case.number,
        unit=people.unit,
        title="Dindirmə protokolu",
        kind=DocumentKind.UPLOADED,
        text="Допрос подозреваемого Гусейнова Эльшана по уголовному делу о краже золота.",
        created_by=inv,
    )
    services.reindex()
    return c


@pytest.fixture(autouse=True)
def _fresh_walk_edge():
    """The walk's date bound lives in the cache for minutes: each test starts without one."""
    from django.core.cache import cache

    from eprok.search.selectors import WALK_EDGE_CACHE_KEY

    cache.delete(WALK_EDGE_CACHE_KEY)
    yield
    cache.delete(WALK_EDGE_CACHE_KEY)
