"""The special reports' API (/api/v1/special): idempotent submission, validation, the register limited to
what the caller may see, the duty console, acknowledgement (409 the second time), follow-ups and closure."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.special.models import ReportStatus, SpecialReport

pytestmark = pytest.mark.django_db

BASE = "/api/v1/special"


def body(**fields: Any) -> dict[str, Any]:
    return {
        "unit": "baku-xetai",
        "incident_type": "murder",
        "occurred_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "district_code": "baku-xetai",
        "address": "Bakı, Xətai rayonu, Babək prospekti 10",
        "summary": "Yaşayış binasının həyətində kişi meyiti aşkar edilib.",
        "latitude": 40.3851,
        "longitude": 49.9417,
        "dead_count": 1,
        "articles": "120.1",
        **fields,
    }


def post(client: Any, user: Any, path: str, data: Any, **headers: str) -> Any:
    return client.post(
        path,
        data=json.dumps(data),
        content_type="application/json",
        headers={**bearer(make_token(user)), **headers},
    )


def get(client: Any, user: Any, path: str, **params: Any) -> Any:
    return client.get(path, params, headers=bearer(make_token(user)))


def test_submission_with_an_idempotency_key_creates_one_report(
    client, people, django_capture_on_commit_callbacks
):
    headers = {"Idempotency-Key": "xsm-2026-0001"}
    payload = body()
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, people.reporter, BASE, payload, **headers)
    assert first.status_code == 201, first.content
    data = first.json()
    year = timezone.localdate().year
    assert data["number"] == f"XSM-BAKU-XETAI-{year}-00001"
    assert data["status"] == "submitted" and data["incident_type"] == "murder"
    assert data["region_code"] == "AZ-BA" and data["latitude"] == pytest.approx(40.3851)
    with django_capture_on_commit_callbacks(execute=True):
        again = post(client, people.reporter, BASE, payload, **headers)
    assert again.status_code == 200
    assert again.json()["number"] == data["number"]
    assert SpecialReport.objects.count() == 1
    # The delivery ran after the first commit; the replay shows it.
    assert again.json()["delivered_at"] is not None
    assert sorted(again.json()["delivered_to"]) == ["gpo", "gpo-investigation", "gpo-police-supervision"]
    # The same key with another body is a conflict, not a second report.
    changed = post(client, people.reporter, BASE, {**payload, "address": "Bakı, başqa ünvan"}, **headers)
    assert changed.status_code == 409
    assert SpecialReport.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"address": ""}, "address"),
        ({"summary": None}, "summary"),
        ({"occurred_at": "dünən"}, "occurred_at"),
        ({"incident_type": "no-such-type"}, "incident_type"),
        ({"unit": "no-such-unit"}, "unit"),
        ({"district_code": "baku-atlantis"}, "district_code"),
        ({"latitude": 55.7558, "longitude": 37.6173}, "latitude"),
        ({"articles": "9999"}, "articles"),
        ({"classification": 4}, "classification"),
    ],
)
def test_a_submission_missing_facts_is_422_and_writes_nothing(client, people, fields, field):
    response = post(client, people.reporter, BASE, body(**fields))
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["details"])
    assert not SpecialReport.objects.exists()


def test_a_submission_without_the_required_fields_is_422(client, people):
    response = post(client, people.reporter, BASE, {"unit": "baku-xetai"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not SpecialReport.objects.exists()


def test_only_the_units_reporters_submit_for_it(client, people):
    assert post(client, people.sibling, BASE, body()).status_code == 403
    assert post(client, people.duty, BASE, body()).status_code == 403
    assert client.post(BASE, data=json.dumps(body()), content_type="application/json").status_code == 401
    assert not SpecialReport.objects.exists()


def test_reads_follow_the_access_model(client, people, report):
    url = f"{BASE}/{report.number}"
    assert_access_matrix(
        client,
        people,
        url,
        {
            "anonymous": 401,
            "outsider": 404,
            "reporter": 200,
            "sibling": 404,
            "superior": 200,
            "reader": 200,
            "other_reader": 404,
            "duty": 200,
        },
    )


def test_the_register_lists_only_what_the_caller_may_see(client, people, report, make_report):
    make_report(actor=people.sibling, unit=people.nesimi, district_code="baku-nesimi")
    mine = get(client, people.reporter, BASE).json()
    assert mine["count"] == 1 and [item["number"] for item in mine["items"]] == [report.number]
    theirs = get(client, people.sibling, BASE).json()
    assert theirs["count"] == 1 and theirs["items"][0]["reporting_unit"] == "baku-nesimi"
    assert get(client, people.duty, BASE).json()["count"] == 2
    assert get(client, people.superior, BASE).json()["count"] == 2
    assert get(client, people.other_reader, BASE).json()["count"] == 0
    assert get(client, people.outsider, BASE).status_code == 404
    filtered = get(client, people.duty, BASE, district_code="baku-nesimi").json()
    assert [item["reporting_unit"] for item in filtered["items"]] == ["baku-nesimi"]
    assert get(client, people.duty, BASE, incident_type="no-such-type").status_code == 422


def test_the_console_shows_the_waiting_reports_to_the_duty_prosecutor(client, people, report):
    board = get(client, people.duty, f"{BASE}/console")
    assert board.status_code == 200
    data = board.json()
    assert [item["number"] for item in data["unacknowledged"]] == [report.number]
    assert data["recent"] == [] and data["version"] != "0"
    assert (
        get(client, people.reader, f"{BASE}/console").json()["unacknowledged"][0]["number"] == report.number
    )
    assert get(client, people.other_reader, f"{BASE}/console").json()["unacknowledged"] == []
    assert get(client, people.reporter, f"{BASE}/console").status_code == 404
    assert get(client, people.outsider, f"{BASE}/console").status_code == 404


def test_a_report_is_acknowledged_once(client, people, report):
    url = f"{BASE}/{report.number}/acknowledge"
    first = post(client, people.duty, url, {})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "acknowledged" and first.json()["ack_within_target"] is True
    second = post(client, people.duty, url, {})
    assert second.status_code == 409, second.content
    assert second.json()["code"] == "conflict"
    assert post(client, people.reporter, url, {}).status_code == 403
    assert post(client, people.sibling, url, {}).status_code == 404
    board = get(client, people.duty, f"{BASE}/console").json()
    assert board["unacknowledged"] == [] and board["recent"][0]["number"] == report.number


def test_the_reporting_unit_adds_follow_ups(client, people, report):
    url = f"{BASE}/{report.number}/follow-ups"
    response = post(client, people.reporter, url, {"text": "Şübhəli şəxs saxlanılıb."})
    assert response.status_code == 201, response.content
    (follow_up,) = response.json()["follow_ups"]
    assert follow_up["sequence"] == 1 and follow_up["late"] is False
    assert post(client, people.reporter, url, {"text": ""}).status_code == 422
    assert post(client, people.superior, url, {"text": "Əlavə."}).status_code == 403
    assert post(client, people.sibling, url, {"text": "Əlavə."}).status_code == 404


def test_the_duty_prosecutor_closes_and_a_closed_report_takes_no_follow_up(client, people, report):
    url = f"{BASE}/{report.number}/close"
    assert post(client, people.reporter, url, {"reason": "Bağlanır."}).status_code == 403
    assert post(client, people.duty, url, {"reason": ""}).status_code == 422
    response = post(client, people.duty, url, {"reason": "İş məhkəməyə göndərilib."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert response.json()["closure_reason"] == "İş məhkəməyə göndərilib."
    assert post(client, people.duty, url, {"reason": "Yenidən."}).status_code == 409
    late = post(client, people.reporter, f"{BASE}/{report.number}/follow-ups", {"text": "Əlavə."})
    assert late.status_code == 409, late.content
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED and not report.follow_ups.exists()


def test_a_read_of_one_report_is_audited(client, people, report, audit_events):
    assert get(client, people.superior, f"{BASE}/{report.public_id}").status_code == 200
    (event,) = audit_events("special.report.viewed")
    assert event.purpose == "api" and event.actor_id == people.superior.pk


def test_the_incident_types_with_their_routing(client, people):
    response = get(client, people.reporter, f"{BASE}/incident-types")
    assert response.status_code == 200
    murder = next(item for item in response.json() if item["code"] == "murder")
    assert sorted(murder["routed_to"]) == ["gpo-investigation", "gpo-police-supervision"]
    assert get(client, people.outsider, f"{BASE}/incident-types").status_code == 404


def test_a_read_only_token_cannot_submit(client, people):
    token = make_token(people.reporter, scopes=["read"])
    response = client.post(
        BASE, data=json.dumps(body()), content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 403
    assert not SpecialReport.objects.exists()


def test_a_time_without_an_offset_is_read_in_the_services_time_zone(client, people):
    occurred = timezone.localtime(timezone.now() - dt.timedelta(hours=2)).replace(microsecond=0)
    naive = occurred.replace(tzinfo=None).isoformat()
    response = post(client, people.reporter, BASE, body(occurred_at=naive))
    assert response.status_code == 201, response.content
    assert SpecialReport.objects.get().occurred_at == occurred


def test_the_apis_own_refusals_name_the_field_in_the_callers_language(client, people):
    with translation.override("az"):
        unknown_type = gettext("Choose the type of the incident.")
        backwards = gettext("The end of the period is before its start.")
    response = post(client, people.reporter, BASE, body(incident_type="no-such-type"))
    assert response.status_code == 422
    assert response.json()["message"] == response.json()["details"]["incident_type"] == unknown_type
    listed = get(client, people.duty, BASE, date_from="2026-06-02", date_to="2026-06-01")
    assert listed.status_code == 422
    assert listed.json()["message"] == listed.json()["details"]["date_to"] == backwards
    filtered = get(client, people.duty, BASE, incident_type="no-such-type")
    assert filtered.json()["details"]["incident_type"] == unknown_type
