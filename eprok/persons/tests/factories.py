"""Factories for person records (with their search key computed as the services compute it)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import factory

from eprok.persons.models import Person, PersonKind
from eprok.persons.services import compute_name_key


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    kind = PersonKind.NATURAL
    last_name = "Məmmədov"
    first_name = factory.Sequence(lambda n: f"Elçin{n}")
    patronymic = "Əli oğlu"
    birth_date = dt.date(1985, 4, 12)
    citizenship = "AZ"

    @classmethod
    def _create(cls, model_class: type[Person], *args: Any, **kwargs: Any) -> Person:
        person = model_class(**kwargs)  # factory_boy passes no positional values for a model
        person.name_key = compute_name_key(person)
        person.save()
        return person


class LegalEntityFactory(PersonFactory):
    kind = PersonKind.LEGAL
    last_name = ""
    first_name: Any = ""
    patronymic = ""
    birth_date: Any = None
    citizenship = ""
    legal_name = factory.Sequence(lambda n: f"“Azərsu {n}” ASC")


def make_person(**fields: Any) -> Person:
    """A natural person (typed, for the tests)."""
    return cast(Person, PersonFactory(**fields))


def make_legal_entity(**fields: Any) -> Person:
    return cast(Person, LegalEntityFactory(**fields))
