"""Factories for the register's tests: reports are made through the registration service, so they get
real numbers and check terms; persons are plain rows of the person registry."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone

from eprok.materials import services
from eprok.materials.models import Material, MaterialSource
from eprok.persons.models import Person


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = "Məmmədov"
    first_name = factory.Sequence(lambda n: f"Elçin{n}")
    patronymic = "Vəli oğlu"
    birth_date = dt.date(1985, 4, 12)


def make_person(**fields: Any) -> Person:
    return cast(Person, PersonFactory(**fields))


def make_material(*, actor: Any, unit: Any, **fields: Any) -> Material:
    """A report registered by `actor` in `unit`; any field of material_register can be given."""
    now = timezone.now()
    values: dict[str, Any] = {
        "source": MaterialSource.APPLICANT_STATEMENT,
        "received_at": fields.get("registered_at", now) - dt.timedelta(minutes=30),
        "summary": "Ərizəçi mənzilindən qızıl zinət əşyalarının oğurlandığını bildirir.",
    }
    values.update(fields)
    return services.material_register(actor=actor, unit=unit, **values)
