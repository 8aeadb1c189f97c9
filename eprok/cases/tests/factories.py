"""Factories for the cases register's tests: cases are opened through the service, so they get real
numbers, qualification, team and tracked terms; persons are plain rows of the person registry."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone

from eprok.cases import services
from eprok.cases.models import Case, CaseParty
from eprok.materials.models import Material, MaterialSource
from eprok.persons.models import PartyRole, Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = "Hüseynov"
    first_name = factory.Sequence(lambda n: f"Elşən{n}")
    patronymic = "Kamal oğlu"
    birth_date = dt.date(1990, 6, 1)


def make_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def aware(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def make_case(
    *,
    actor: Any,
    unit: Any,
    investigator: Any = None,
    supervisor: Any,
    articles: Any = "177.2.3",
    opened_at: dt.datetime | None = None,
    material: Material | None = None,
    **fields: Any,
) -> Case:
    """A case opened by `actor` in `unit`; the investigator defaults to the actor."""
    return services.case_open(
        actor=actor,
        unit=unit,
        material=material,
        articles=articles,
        summary=fields.pop("summary", "Mənzildən qızıl zinət əşyalarının oğurlanması."),
        opening_grounds=fields.pop("opening_grounds", "Ərizə və hadisə yerinə baxış protokolu."),
        investigator=investigator or actor,
        supervisor=supervisor,
        opened_at=opened_at,
        **fields,
    )


def make_party(
    case: Case, *, actor: Any, role: str = PartyRole.SUSPECT, since: dt.date | None = None, **person: Any
) -> CaseParty:
    return services.case_add_party(
        actor=actor,
        case=case,
        person=make_person(**person),
        role=role,
        since=since or timezone.localtime(case.opened_at).date(),
    )


def make_material(*, actor: Any, unit: Any, **fields: Any) -> Material:
    """A crime report registered in `unit` and assigned to `actor` (who may then open a case on it)."""
    from eprok.materials.services import material_register

    now = timezone.now()
    values: dict[str, Any] = {
        "source": MaterialSource.APPLICANT_STATEMENT,
        "received_at": now - dt.timedelta(hours=2),
        "registered_at": now - dt.timedelta(hours=1),
        "summary": "Ərizəçi mənzilindən qızıl zinət əşyalarının oğurlandığını bildirir.",
        "assignee": actor,
    }
    values.update(fields)
    return material_register(actor=actor, unit=unit, **values)
