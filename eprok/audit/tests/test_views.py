"""The audit viewer: who may open it, what the filters do, paging, export, and that reading is audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from eprok.audit.services import audit_record
from eprok.core.context import WorkContext, work_context
from eprok.core.testing.access_matrix import assert_access_matrix

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")


@pytest.fixture
def unit_event(auditors):
    return audit_record(
        actor=auditors.colleague,
        action="org.employee.updated",
        target=auditors.investigator,
        changes={"before": {"phone": "+994 12 000"}, "after": {"phone": "+994 12 111"}},
        data={"reason": "düzəliş", "token": "secret"},
        purpose="şəxsi işin yenilənməsi",
    )


@pytest.fixture
def system_event(auditors):
    with work_context(WorkContext(source="cli")):
        return audit_record(actor=None, action="audit.chain.verified", data={"checked": 10})


def test_only_holders_of_the_role_open_the_viewer(client, auditors):
    expected = {
        "anonymous": 302,
        "colleague": 404,
        "investigator": 200,
        "outsider": 200,
        "superior": 200,
        "admin": 200,
    }
    assert_access_matrix(client, auditors, LIST, expected)
    assert_access_matrix(client, auditors, EXPORT, expected)


def test_an_event_opens_for_holders_over_its_unit_only(client, auditors, unit_event):
    url = reverse("audit:event_detail", args=[unit_event.pk])
    assert_access_matrix(
        client,
        auditors,
        url,
        {
            "anonymous": 302,
            "colleague": 404,
            "outsider": 404,
            "investigator": 200,
            "superior": 200,
            "admin": 200,
        },
    )


def test_a_system_event_opens_for_holders_over_the_whole_service_only(client, auditors, system_event):
    url = reverse("audit:event_detail", args=[system_event.pk])
    assert_access_matrix(client, auditors, url, {"investigator": 404, "superior": 404, "admin": 200})


def test_the_list_shows_the_events_newest_first_with_labels(signed_in, auditors, unit_event, system_event):
    response = signed_in(auditors.admin).get(LIST)
    body = response.content.decode()
    assert response.context["help_page"] == "audit"
    assert [row["event"].pk for row in response.context["rows"]][:2] == [system_event.pk, unit_event.pk]
    assert "Günay" in body  # the actor's snapshot
    assert "Xətai rayon prokurorluğu" in body
    assert "org.employee.updated" in body
    assert "İşçinin məlumatları dəyişdirildi" in body  # the action's label, in Azerbaijani by default
    assert "Audit jurnalı" in body
    assert "<html" in body


def test_the_filters_narrow_the_list(signed_in, auditors, unit_event, system_event):
    client = signed_in(auditors.admin)

    def shown(**query):
        response = client.get(LIST, query)
        assert response.status_code == 200
        return {row["event"].pk for row in response.context["rows"]}

    assert unit_event.pk in shown(action="org.employee")
    assert system_event.pk not in shown(action="org.employee")
    assert shown(action="org.emp") & {unit_event.pk, system_event.pk} == set()
    assert unit_event.pk in shown(actor="həsənova")
    assert system_event.pk not in shown(actor="Həsənova")
    assert shown(source="cli") & {unit_event.pk, system_event.pk} == {system_event.pk}
    assert shown(target_type="org.employee", target_id=unit_event.target_id) == {unit_event.pk}
    assert shown(request_id=unit_event.request_id) >= {unit_event.pk}
    assert shown(purpose="yenilənməsi") == {unit_event.pk}
    today = unit_event.occurred_at.astimezone().date().isoformat()
    assert unit_event.pk in shown(date_from=today, date_to=today)
    assert unit_event.pk not in shown(date_from="2001-01-01", date_to="2001-01-31")


def test_an_impossible_period_is_explained_not_failed(signed_in, auditors, unit_event):
    response = signed_in(auditors.admin).get(LIST, {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]


def test_htmx_gets_the_results_only_and_pages_by_id(signed_in, auditors):
    events = [audit_record(actor=auditors.colleague, action="test.page.item") for _ in range(53)]
    client = signed_in(auditors.investigator)
    first = client.get(LIST, {"action": "test.page"}, headers={"HX-Request": "true"})
    assert "<html" not in first.content.decode()
    assert len(first.context["rows"]) == 50
    assert first.context["next_before_id"] == events[3].pk
    second = client.get(
        LIST, {"action": "test.page", "before_id": events[3].pk}, headers={"HX-Request": "true"}
    )
    assert [row["event"].pk for row in second.context["rows"]] == [e.pk for e in reversed(events[:3])]
    assert second.context["next_before_id"] is None
    assert f"before_id={events[3].pk}" in first.content.decode()


def test_reading_the_log_is_audited_once_per_request_with_the_filters(
    signed_in, auditors, unit_event, audit_events
):
    signed_in(auditors.superior).get(LIST, {"action": "org.employee", "source": "web"})
    [read] = audit_events("audit.log.read")
    assert read.actor_id == auditors.superior.pk
    assert json.loads(read.data)["filters"] == {"action": "org.employee", "source": "web"}


def test_opening_an_event_is_audited(signed_in, auditors, unit_event, audit_events):
    response = signed_in(auditors.investigator).get(reverse("audit:event_detail", args=[unit_event.pk]))
    body = response.content.decode()
    assert ("phone", "+994 12 000", "+994 12 111") in response.context["diff_rows"]
    assert ("token", "***") in response.context["data_rows"]
    assert unit_event.hash in body and unit_event.prev_hash in body
    [read] = audit_events("audit.event.read")
    assert read.target_id == str(unit_event.pk)


def test_the_list_stays_within_its_query_ceiling(signed_in, auditors, django_assert_max_num_queries):
    for _ in range(60):
        audit_record(actor=auditors.colleague, action="test.page.item")
    client = signed_in(auditors.superior)
    client.get(LIST)  # warm the session
    # The view's own: grants, one page of events, and the audit of the read (the actor's unit for the
    # snapshot, the advisory lock on PostgreSQL, the last hash, the insert). The shell adds the
    # session, the user and, on a full page, the unread notifications count.
    with django_assert_max_num_queries(9):
        client.get(LIST, {"action": "test"})
    with django_assert_max_num_queries(8):
        client.get(LIST, {"action": "test", "before_id": 10**9}, headers={"HX-Request": "true"})


def test_the_export_streams_the_filtered_events_as_csv_and_is_audited(
    signed_in, auditors, unit_event, system_event, audit_events
):
    audit_record(actor=auditors.colleague, action="test.formula", target_repr='=HYPERLINK("x")')
    response = signed_in(auditors.investigator).get(EXPORT, {"actor": "Günay"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["id", "time", "actor", "actor_unit", "action"]
    ids = [row[0] for row in rows[1:]]
    assert str(unit_event.pk) in ids and str(system_event.pk) not in ids
    assert any(row[7] == '\'=HYPERLINK("x")' for row in rows[1:])
    [exported] = audit_events("audit.log.exported")
    assert json.loads(exported.data) == {"filters": {"actor": "Günay"}, "max_rows": 100000}
