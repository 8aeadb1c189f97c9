"""Factories for organisation objects, shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from eprok.org.models import Employee, RoleAssignment, Unit, UnitKind


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = UnitKind.DISTRICT_OFFICE
    name_az = factory.Sequence(lambda n: f"Rayon prokurorluğu {n}")
    name_en = factory.Sequence(lambda n: f"District office {n}")
    name_ru = factory.Sequence(lambda n: f"Районная прокуратура {n}")

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        unit = super()._create(model_class, *args, **kwargs)
        parent = unit.parent
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = (parent.depth + 1) if parent else 0
        Unit.objects.filter(pk=unit.pk).update(path=unit.path, depth=unit.depth)
        return unit


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"employee{n}")
    fin = factory.Sequence(lambda n: f"{n:07d}"[-7:])
    last_name = "Məmmədov"
    first_name = factory.Sequence(lambda n: f"Rəşad{n}")
    patronymic = "Əli oğlu"
    email = factory.LazyAttribute(lambda o: f"{o.username}@prokurorluq.test")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password("correct-horse-battery")


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    employee = factory.SubFactory(EmployeeFactory)
    role = "investigate"
    unit = factory.LazyAttribute(lambda o: o.employee.unit)
    include_subunits = False
    valid_from = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
