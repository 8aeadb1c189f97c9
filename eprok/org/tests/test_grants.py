"""The grants every access.py builds on: roles in units, with sub-units, for a period."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from eprok.org.grants import active_grants, forget_grants, grant_for, has_role, roles_of, unit_scope
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory


def test_a_role_in_a_unit_covers_only_that_unit(personas):
    assert has_role(personas.investigator, "investigate", personas.unit)
    assert not has_role(personas.investigator, "investigate", personas.other_unit)
    assert not has_role(personas.investigator, "investigate", personas.city)


def test_a_role_with_sub_units_covers_the_whole_subtree(personas):
    assert has_role(personas.superior, "investigate", personas.city)
    assert has_role(personas.superior, "investigate", personas.unit)
    assert has_role(personas.superior, "investigate", personas.other_unit)
    assert not has_role(personas.superior, "investigate", personas.root)


def test_an_employee_without_assignments_holds_no_role(personas):
    assert roles_of(personas.colleague) == set()
    assert not has_role(personas.colleague, "investigate")


def test_expired_and_future_assignments_do_not_count(personas):
    today = timezone.localdate()
    RoleAssignmentFactory(
        employee=personas.colleague,
        role="supervise",
        unit=personas.unit,
        valid_from=today - dt.timedelta(days=10),
        valid_to=today - dt.timedelta(days=1),
    )
    RoleAssignmentFactory(
        employee=personas.colleague,
        role="read_audit",
        unit=personas.unit,
        valid_from=today + dt.timedelta(days=1),
    )
    colleague = Employee.objects.get(pk=personas.colleague.pk)
    assert roles_of(colleague) == set()


def test_an_assignment_ending_today_still_counts(personas):
    today = timezone.localdate()
    RoleAssignmentFactory(employee=personas.colleague, role="supervise", unit=personas.unit, valid_to=today)
    forget_grants(personas.colleague)
    assert has_role(personas.colleague, "supervise", personas.unit)


def test_grants_are_loaded_with_one_query_and_cached(personas, django_assert_num_queries):
    user = Employee.objects.get(pk=personas.superior.pk)
    with django_assert_num_queries(1):
        active_grants(user)
        active_grants(user)
        grant_for(user, "investigate", personas.unit)


def test_unit_scope_filters_rows_to_the_units_the_role_covers(personas):
    scoped = set(
        Unit.objects.filter(unit_scope(personas.superior, "investigate", unit_field="parent")).values_list(
            "code", flat=True
        )
    )
    assert scoped == {"baku-xetai", "baku-nesimi"}
    own = Employee.objects.filter(unit_scope(personas.investigator, "investigate"))
    assert set(own.values_list("username", flat=True)) == {"investigator", "colleague"}
    assert not Employee.objects.filter(unit_scope(personas.colleague, "investigate")).exists()


def test_anonymous_and_inactive_users_hold_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert active_grants(AnonymousUser()) == []
    personas.investigator.is_active = False
    forget_grants(personas.investigator)
    assert active_grants(personas.investigator) == []


def test_a_grant_names_its_unit_in_the_active_language(personas):
    personas.unit.name_en, personas.unit.name_ru = "English name", ""
    personas.unit.save(update_fields=["name_en", "name_ru"])
    RoleAssignmentFactory(employee=personas.colleague, role=Role.READ_AUDIT, unit=personas.unit)
    user = Employee.objects.get(pk=personas.colleague.pk)

    with translation.override("en"):
        grant = grant_for(user, Role.READ_AUDIT)
        assert grant is not None
        assert grant.unit_name == "English name"
    forget_grants(user)
    with translation.override("ru"):  # no Russian name: the Azerbaijani one
        grant = grant_for(user, Role.READ_AUDIT)
        assert grant is not None
        assert grant.unit_name == personas.unit.name_az
