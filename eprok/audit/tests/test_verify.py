"""`eprok audit verify` finds any single edited or deleted event and names the first one."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from eprok.audit.chain import GENESIS_HASH
from eprok.audit.models import AuditEvent
from eprok.audit.services import audit_record
from eprok.audit.tests.conftest import triggers_disabled
from eprok.audit.verify import CHAIN_BREAK, HASH_MISMATCH, reference_hash, verify_chain
from eprok.core.context import WorkContext, work_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(personas) -> list[AuditEvent]:
    """Five events with every kind of field filled in: actors and none, changes, data, IPv4 and IPv6."""
    events = []
    for number, ip in enumerate(["10.1.2.3", None, "2001:0DB8:0000::0001", "::ffff:192.0.2.7", "::1"]):
        context = WorkContext(source="web", ip=ip, user_agent="Mozilla/5.0 (X11) „test“")
        with work_context(context):
            events.append(
                audit_record(
                    actor=personas.investigator if number % 2 == 0 else None,
                    action="org.employee.updated",
                    target=personas.colleague,
                    related=personas.unit,
                    changes={"before": {"phone": "+994 12 000"}, "after": {"phone": "+994 12 111"}},
                    data={"şəhər": "Bakı", "n": number, "password": "never stored"},
                    purpose="yoxlama",
                )
            )
    return events


def test_an_intact_chain_verifies(chain):
    result = verify_chain(batch_size=2)
    assert result.ok
    assert result.checked == AuditEvent.objects.count()
    assert result.last_id == chain[-1].pk
    assert result.head_hash == chain[-1].hash


def test_an_empty_chain_verifies(db):
    result = verify_chain()
    assert result.ok and result.checked == AuditEvent.objects.count()


def test_every_stored_event_hashes_to_its_hash_by_the_reference_implementation(chain):
    # What the database stores (after its own normalising, e.g. of IPv6 on PostgreSQL) is what was hashed.
    for event in AuditEvent.objects.filter(pk__in=[e.pk for e in chain]):
        assert reference_hash(event) == event.hash
    assert chain[0].prev_hash == (
        AuditEvent.objects.filter(pk__lt=chain[0].pk).order_by("-id").values_list("hash", flat=True).first()
        or GENESIS_HASH
    )


def test_it_names_an_event_edited_with_the_triggers_switched_off(chain):
    victim = chain[2]
    with triggers_disabled():
        AuditEvent.objects.filter(pk=victim.pk).update(purpose="nothing to see")
    result = verify_chain(batch_size=2)
    assert not result.ok
    assert result.broken is not None
    assert (result.broken.id, result.broken.problem, result.broken.action) == (
        victim.pk,
        HASH_MISMATCH,
        "org.employee.updated",
    )
    assert result.broken.occurred_at == victim.occurred_at
    assert result.last_id == chain[1].pk
    assert result.head_hash == chain[1].hash


def test_it_finds_an_edited_time(chain):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=chain[1].pk).update(occurred_at=chain[0].occurred_at)
    result = verify_chain()
    assert result.broken is not None and result.broken.id == chain[1].pk


def test_it_names_the_event_after_a_deleted_one_as_a_chain_break(chain):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=chain[2].pk).delete()
    result = verify_chain()
    assert result.broken is not None
    assert (result.broken.id, result.broken.problem) == (chain[3].pk, CHAIN_BREAK)
    assert result.broken.problem_text == "chain break (row deleted or inserted)"


def test_it_finds_an_edit_whose_hash_was_recomputed_at_the_next_event(chain):
    victim = chain[1]
    victim.purpose = "forged"
    forged_hash = reference_hash(victim)
    with triggers_disabled():
        AuditEvent.objects.filter(pk=victim.pk).update(purpose="forged", hash=forged_hash)
    result = verify_chain()
    assert result.broken is not None
    assert (result.broken.id, result.broken.problem) == (chain[2].pk, CHAIN_BREAK)


def test_it_stops_at_the_first_of_two_broken_events(chain):
    with triggers_disabled():
        AuditEvent.objects.filter(pk__in=[chain[1].pk, chain[3].pk]).update(purpose="x")
    result = verify_chain()
    assert result.broken is not None and result.broken.id == chain[1].pk


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite stores times as text")
def test_a_time_stored_in_another_text_form_is_still_judged_by_the_reference_implementation(chain):
    # Rows written by other tools may carry "+00:00"; the fast path doubts them, the reference clears them.
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET occurred_at = occurred_at || '+00:00' WHERE id = %s", [chain[0].pk]
        )
    assert verify_chain().ok


def test_the_command_reports_an_intact_chain_and_audits_the_run(chain, audit_events):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    text = out.getvalue()
    assert f"checked {AuditEvent.objects.count() - 1:,} events" in text
    assert "events/s" in text
    assert "chain intact" in text
    [run] = audit_events("audit.chain.verified")
    assert run.source == "cli"
    assert run.actor_id is None
    assert '"result":"intact"' in run.data


def test_the_command_names_the_first_broken_event_and_exits_with_1(chain, audit_events):
    with triggers_disabled():
        AuditEvent.objects.filter(pk=chain[3].pk).update(target_repr="someone else")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", stdout=out, stderr=err)
    assert exit_info.value.code == 1
    message = err.getvalue()
    assert f"id {chain[3].pk}" in message
    assert "org.employee.updated" in message
    assert "hash mismatch (row edited)" in message
    [run] = audit_events("audit.chain.verified")
    assert '"result":"broken"' in run.data and f'"broken_id":{chain[3].pk}' in run.data
