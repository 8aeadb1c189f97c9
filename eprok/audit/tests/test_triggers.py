"""The database itself refuses to change or remove audit events, whatever path the change takes."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from eprok.audit.models import AuditEvent
from eprok.audit.services import audit_record
from eprok.audit.tests.conftest import triggers_disabled

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(actor=None, action="test.thing.done", target_type="test.thing", target_id="1")


def refused():
    # The savepoint keeps the test's transaction usable on PostgreSQL after the error.
    return pytest.raises(DatabaseError, match="append-only")


def test_it_refuses_an_update_through_the_orm(event):
    with refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="covering tracks")
    event.purpose = "covering tracks"
    with refused(), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""


def test_it_refuses_a_delete_through_the_orm(event):
    with refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with refused(), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_it_refuses_an_update_in_raw_sql(event):
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["nothing.happened", event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing.done"


def test_it_refuses_a_delete_in_raw_sql(event):
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE exists on PostgreSQL only")
def test_it_refuses_truncate_on_postgresql(event):
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_triggers_are_back_after_a_test_switched_them_off(event):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="edited")
    with refused(), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="again")
