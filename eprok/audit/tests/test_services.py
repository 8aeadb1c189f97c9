"""Writing events: snapshots, redaction, and attribution of work done outside a request."""

from __future__ import annotations

import json

import pytest
from django_tasks import task

from eprok.audit.context import audited_task
from eprok.audit.services import REDACTED, audit_record, normalise_ip
from eprok.core.context import WorkContext, work_context

pytestmark = pytest.mark.django_db


@task()
@audited_task
def nightly_job(unit_code: str) -> None:
    audit_record(actor=None, action="test.job.ran", data={"unit": unit_code})


def test_it_records_the_actor_snapshot_target_and_redacted_data(personas, audit_events):
    audit_record(
        actor=personas.investigator,
        action="org.employee.updated",
        target=personas.colleague,
        changes={"before": {"phone": "1"}, "after": {"phone": "2"}},
        data={"api_token": "epk_x", "nested": {"Password": "p", "kept": 1}},
        purpose="yoxlama",
    )
    [event] = audit_events()
    assert (event.actor_id, event.actor_name, event.actor_unit, event.actor_unit_id) == (
        personas.investigator.pk,
        "Quliyev Rəşad Əli oğlu",
        "Xətai rayon prokurorluğu",
        personas.unit.pk,
    )
    assert (event.target_type, event.target_id) == ("org.employee", str(personas.colleague.public_id))
    assert json.loads(event.data) == {"api_token": REDACTED, "nested": {"Password": REDACTED, "kept": 1}}
    assert json.loads(event.changes) == {"before": {"phone": "1"}, "after": {"phone": "2"}}
    assert event.source == "system"


def test_a_service_called_from_the_command_line_is_recorded_with_source_cli(personas, audit_events):
    with work_context(WorkContext(source="cli")) as context:
        audit_record(actor=personas.admin, action="org.unit.created", target=personas.unit)
    [event] = audit_events()
    assert event.source == "cli"
    assert event.request_id == context.request_id


def test_a_background_task_is_recorded_with_source_task(db, audit_events):
    nightly_job.enqueue("baku")
    [event] = audit_events("test.job.ran")
    assert event.source == "task"
    assert len(event.request_id) == 32


def test_each_event_links_to_the_one_before(personas, audit_events):
    for number in range(3):
        audit_record(actor=None, action="test.thing.done", data={"n": number})
    first, second, third = audit_events()
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.0.0.1", "10.0.0.1"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::ffff:192.0.2.7", "::ffff:192.0.2.7"),
        ("::192.0.2.7", "::192.0.2.7"),
        ("::1", "::1"),
        ("fe80::1%eth0", None),
        ("not an address", None),
        ("", None),
        (None, None),
    ],
)
def test_it_writes_addresses_as_postgresql_prints_them(given, stored):
    assert normalise_ip(given) == stored
