"""The supervision API (/api/v1/supervision): the register limited to what the caller may see, entry, the
audited read, every action (with the version check), statistics and the bodies; every operation for every
persona without leaks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.supervision import services
from eprok.supervision.models import ActKind, SupervisedCase, SupervisedStatus, ViolationKind
from eprok.supervision.tests.conftest import NAMES

pytestmark = pytest.mark.django_db

BASE = "/api/v1/supervision"
TODAY = timezone.localdate


def post(client: Any, user: Any, path: str, data: Any, method: str = "post", **headers: str) -> Any:
    return getattr(client, method)(
        path,
        data=json.dumps(data),
        content_type="application/json",
        headers={**bearer(make_token(user)), **headers},
    )


def get(client: Any, user: Any, path: str, **params: Any) -> Any:
    return client.get(path, params, headers=bearer(make_token(user)))


def body(**fields: Any) -> dict[str, Any]:
    return {
        "unit": "baku-xetai",
        "body": "police-baku-xetai",
        "number": "261155555",
        "investigator_name": "Polis kapitanı Əliyev Vüsal",
        "opened_on": (TODAY() - dt.timedelta(days=4)).isoformat(),
        "summary": "Dələduzluq.",
        "articles": "178.2.4",
        **fields,
    }


READS = {
    "anonymous": 401,
    "colleague": 404,
    "outsider": 404,
    "court": 404,
    "deputy": 200,
    "prosecutor": 200,
    "superior": 200,
}
REGISTER = {**READS, "outsider": 200, "court": 200}


def test_the_reads_open_for_those_who_may_see(client, people, case):
    assert_access_matrix(client, people, BASE, REGISTER)
    assert_access_matrix(client, people, f"{BASE}/bodies", REGISTER)
    assert_access_matrix(client, people, f"{BASE}/statistics", {**REGISTER, "court": 404})
    assert_access_matrix(client, people, f"{BASE}/{case.public_id}", READS)


def _write_matrix(
    client, people, path: str, data: Any, expected: dict[str, int], method: str = "post"
) -> None:
    failures = []
    for name in NAMES:
        user = people.by_name(name)
        if user is None:
            response = getattr(client, method)(path, data=json.dumps(data), content_type="application/json")
        else:
            response = post(client, user, path, data, method=method)
        if response.status_code != expected[name]:
            failures.append(
                f"{name}: {response.status_code} != {expected[name]} ({response.content[:200]!r})"
            )
    assert not failures, f"{method.upper()} {path}\n" + "\n".join(failures)


# A stale version: whoever may act gets 409 and nothing changes; the others learn nothing.
STALE = {**READS, "deputy": 409, "prosecutor": 409, "superior": 409}


def test_every_write_refuses_those_who_may_not_act_and_leaks_nothing(client, people, case):
    stale = {"version": 99, "reason": "r"}
    base = f"{BASE}/{case.public_id}"
    _write_matrix(client, people, f"{base}/suspend", stale, STALE)
    _write_matrix(client, people, f"{base}/terminate", stale, STALE)
    _write_matrix(client, people, f"{base}/extend", {**stale, "due": "2099-01-01"}, STALE)
    _write_matrix(client, people, f"{base}/indictment", {"version": 99}, STALE)
    _write_matrix(
        client,
        people,
        f"{base}/supervisor",
        {"version": 99, "supervisor": str(people.deputy.public_id)},
        STALE,
    )
    details = {k: v for k, v in body(number=case.number).items() if k not in ("unit", "body")}
    _write_matrix(client, people, base, {**details, "version": 99}, STALE, method="put")
    # Acts and violations take no version: a bad due date is refused (422) for whoever may act.
    refused = {**READS, "deputy": 422, "prosecutor": 422, "superior": 422}
    _write_matrix(
        client, people, f"{base}/acts", {"kind": "demand", "text": "t", "due_date": "2000-01-01"}, refused
    )
    _write_matrix(
        client,
        people,
        f"{base}/violations",
        {"kind": "rights", "description": "d", "found_on": "2000-01-01"},
        refused,
    )
    act = services.act_issue(
        actor=people.prosecutor, case=case, kind=ActKind.DEMAND, text="t", due_date=TODAY()
    )
    future = (timezone.now() + dt.timedelta(days=3)).isoformat()
    _write_matrix(
        client,
        people,
        f"{base}/acts/{act.pk}/answer",
        {"answer": "a", "accepted": True, "answered_at": future},
        refused,
    )
    violation = services.violation_record(
        actor=people.prosecutor, case=case, kind=ViolationKind.RIGHTS, description="d"
    )
    _write_matrix(
        client, people, f"{base}/violations/{violation.pk}/remedy", {"remedied_on": "2000-01-01"}, refused
    )
    assert SupervisedCase.objects.get(pk=case.pk).version == case.version


def test_the_decisions_are_the_named_supervisors_and_the_superiors(client, people, case):
    services.indictment_receive(actor=people.prosecutor, case=case)
    base = f"{BASE}/{case.public_id}/indictment"
    decide = {**STALE, "deputy": 403}
    _write_matrix(client, people, f"{base}/approve", {"version": 99}, decide)
    _write_matrix(client, people, f"{base}/return", {"version": 99, "reason": "r"}, decide)


def test_a_case_is_entered_read_and_worked_through_the_api(client, people, audit_events):
    created = post(client, people.prosecutor, BASE, body(supervisor=str(people.prosecutor.public_id)))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["main_article"] == "178.2.4" and data["status"] == "investigation" and data["version"] == 1
    assert data["supervisor"] == str(people.prosecutor.public_id)
    path = f"{BASE}/{data['public_id']}"
    read = get(client, people.superior, path)
    assert read.status_code == 200 and read.json()["number"] == "261155555"
    assert any(event.purpose == "api" for event in audit_events("supervision.case.viewed"))
    issued = post(
        client,
        people.deputy,
        f"{path}/acts",
        {
            "kind": "instruction",
            "text": "Şahidlər dindirilsin.",
            "due_date": (TODAY() + dt.timedelta(days=3)).isoformat(),
        },
    )
    assert issued.status_code == 201
    act = issued.json()["acts"][0]
    assert act["kind"] == "instruction" and act["answered_at"] is None and not act["overdue"]
    answered = post(
        client, people.deputy, f"{path}/acts/{act['id']}/answer", {"answer": "Dindirilib.", "accepted": False}
    )
    assert answered.status_code == 200 and answered.json()["acts"][0]["answer_accepted"] is False
    again = post(client, people.deputy, f"{path}/acts/{act['id']}/answer", {"answer": "x", "accepted": True})
    assert again.status_code == 409
    flagged = post(
        client, people.deputy, f"{path}/violations", {"kind": "detention", "description": "Qanunsuz saxlama."}
    )
    assert flagged.status_code == 201
    violation = flagged.json()["violations"][0]
    remedied = post(client, people.deputy, f"{path}/violations/{violation['id']}/remedy", {})
    assert remedied.json()["violations"][0]["remedied_on"] == TODAY().isoformat()
    received = post(client, people.prosecutor, f"{path}/indictment", {"version": 1})
    assert received.status_code == 200 and received.json()["status"] == "indictment"
    approved = post(client, people.prosecutor, f"{path}/indictment/approve", {}, **{"If-Match": '"2"'})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == SupervisedStatus.SENT_TO_COURT
    assert get(client, people.court, path).status_code == 200


def test_entry_refuses_bad_input(client, people):
    assert post(client, people.prosecutor, BASE, body(articles="99999")).status_code == 422
    assert post(client, people.prosecutor, BASE, body(body="nope")).status_code == 422
    assert post(client, people.prosecutor, BASE, body(unit="nope")).status_code == 422
    assert post(client, people.prosecutor, BASE, body(unit="baku-nesimi")).status_code == 403
    assert post(client, people.court, BASE, body()).status_code == 403
    assert SupervisedCase.objects.count() == 0


def test_a_read_only_token_cannot_write(client, people, case):
    token = make_token(people.prosecutor, scopes=["read"])
    response = client.post(
        f"{BASE}/{case.public_id}/suspend",
        data=json.dumps({"reason": "r"}),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"


def test_the_register_lists_only_what_the_caller_may_see_and_filters(client, people, case, make_case):
    theirs = make_case(
        unit=people.nesimi, actor=people.outsider, supervisor=people.outsider, body=people.other_police
    )
    mine = get(client, people.prosecutor, BASE).json()
    assert mine["count"] == 1 and mine["items"][0]["number"] == case.number
    everything = get(client, people.superior, BASE).json()
    assert {item["number"] for item in everything["items"]} == {case.number, theirs.number}
    by_body = get(client, people.superior, BASE, body="police-baku-nesimi").json()
    assert [item["number"] for item in by_body["items"]] == [theirs.number]
    assert get(client, people.superior, BASE, body="nope").status_code == 422
    assert get(client, people.superior, BASE, unit="baku-xetai").json()["count"] == 1
    assert get(client, people.superior, BASE, supervisor=str(people.outsider.public_id)).json()["count"] == 1
    assert get(client, people.court, BASE).json()["count"] == 0


def test_the_statistics_and_the_bodies(client, people, case):
    services.violation_record(actor=people.prosecutor, case=case, kind=ViolationKind.RIGHTS, description="d")
    stats = get(client, people.prosecutor, f"{BASE}/statistics").json()
    (row,) = stats["bodies"]
    assert row["body"] == "police-baku-xetai" and row["received"] == 1 and row["violations"] == {"rights": 1}
    bad = get(client, people.prosecutor, f"{BASE}/statistics", date_from="2026-05-01", date_to="2026-04-01")
    assert bad.status_code == 422
    bodies = get(client, people.prosecutor, f"{BASE}/bodies").json()
    codes = {item["code"] for item in bodies}
    assert {"police-baku-xetai", "police-sumqayit", "mia-investigation", "border-investigation"} <= codes
    xetai = next(item for item in bodies if item["code"] == "police-baku-xetai")
    assert xetai["district"] == "baku-xetai" and xetai["xroad_member"] == "AZ/GOV/1600000011/police-xetai"


def test_the_list_has_a_query_ceiling(client, people, make_case, django_assert_max_num_queries):
    from eprok.core.testing.queries import audited

    for _ in range(12):
        make_case()
    token = make_token(people.superior)
    with django_assert_max_num_queries(audited(10)):
        response = client.get(BASE, headers=bearer(token))
    assert response.json()["count"] == 12
