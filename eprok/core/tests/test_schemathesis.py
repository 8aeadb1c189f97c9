"""Property-based tests of the whole API from its own OpenAPI description (Schemathesis).

Every operation in /api/v1/openapi.json, including ones added later, is called with generated
valid and invalid inputs, as an employee holding every role over the whole tree with a token
carrying every scope. Each response must not be a server error, must use a documented status
code, content type and body schema, and secured operations must refuse a missing or bad token.

Invalid inputs are generated too, but Schemathesis' `negative_data_rejection` check is left out:
Pydantic's lax mode accepts some values the JSON Schema calls invalid (`?date_to=0` is 1970-01-01),
which is harmless and would only add noise. Invalid input must still never cause a 5xx.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from eprok.core.testing.api import bearer, make_token
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    ignored_auth,
]


@pytest.fixture
def db_connection_kept_open():
    """Keep the test's database connection across requests made through the real WSGI handler.

    Django's handler closes "old" connections at the start and end of each request; inside the
    test transaction that would close PostgreSQL's connection and lose the transaction. Django's
    own test client disconnects the same signal handler for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def broad_token(personas) -> str:
    """A token with every scope, owned by an employee holding every role over the whole tree."""
    held = set(personas.admin.role_assignments.values_list("role", flat=True))
    for role in Role.values:
        if role not in held:
            RoleAssignmentFactory(
                employee=personas.admin, role=role, unit=personas.root, include_subunits=True
            )
    return make_token(personas.admin)


def load_schema() -> schemathesis.BaseSchema:
    """The description the running application serves, fetched through WSGI at collection time.

    Serving the description reads no database. Each operation becomes its own test
    (`...[GET /api/v1/org/units]`), so one added later is tested without touching this file.
    """
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def operations() -> list[Any]:
    # Parametrized here rather than with `schema.parametrize()`, whose test ids pytest 9 drops.
    params = []
    for result in load_schema().get_all_operations():
        if isinstance(result, Ok):
            params.append(pytest.param(result.ok(), id=result.ok().label))
        else:
            error = result.err()
            params.append(pytest.param(error, id=f"invalid {error.method or ''} {error.path or ''}".strip()))
    return params


@pytest.mark.parametrize("operation", operations())
def test_every_operation_keeps_its_contract(operation, broad_token, db_connection_kept_open):
    if isinstance(operation, Exception):
        raise operation
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @given(case=strategy)
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=bearer(broad_token), checks=CHECKS)

    call()
