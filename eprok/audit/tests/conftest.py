"""Audit test helpers: personas holding "read the audit log", and switching the append-only triggers off."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

import pytest
from django.db import connection

from eprok.core.testing.personas import Personas, make_personas
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory

_triggers = importlib.import_module("eprok.audit.migrations.0002_append_only_triggers")


@pytest.fixture
def auditors(db) -> Personas:
    """The shared personas, with READ_AUDIT instead of "investigate": investigator in the district unit,
    outsider in the other district, superior over the city with sub-units, admin over the whole service."""
    personas = make_personas(role=Role.READ_AUDIT)
    RoleAssignmentFactory(
        employee=personas.admin, role=Role.READ_AUDIT, unit=personas.root, include_subunits=True
    )
    return personas


@contextlib.contextmanager
def triggers_disabled() -> Iterator[None]:
    """What an attacker with database rights does; inside the test's transaction, so it is rolled back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in _triggers.SQLITE_DOWN:
                cursor.execute(statement)
        else:
            cursor.execute(f"ALTER TABLE {_triggers.TABLE} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in _triggers.SQLITE_UP:
                    cursor.execute(statement)
            else:
                cursor.execute(f"ALTER TABLE {_triggers.TABLE} ENABLE TRIGGER USER")
