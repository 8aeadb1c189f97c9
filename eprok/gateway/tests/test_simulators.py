"""The X-Road simulators (simulators/xroad.py) over plain HTTP, the registers' dataset from the DB."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid

import pytest

from eprok.gateway.testing import ECOURT_CLIENT, XRoadSim, http, pdf_b64

POPULATION = "AZ/GOV/1600000011/population"
TAX = "AZ/GOV/1400000021/tax"
VEHICLES = "AZ/GOV/1600000011/vehicles"
REAL_ESTATE = "AZ/GOV/1700000031/realestate"
RECORDS = "AZ/GOV/1600000011/records"
BORDER = "AZ/GOV/1800000041/border"
ECOURT = "AZ/GOV/1900000051/ecourt"
EPROK = "AZ/GOV/1500000061/eprok"


def spec_hash(method: str, path_with_query: str, xroad_id: str, body: bytes) -> str:
    """The request hash written out from the spec, independently of the simulator and the fixtures."""
    data = (method + "\n" + path_with_query + "\n" + xroad_id + "\n").encode("utf-8") + body
    return base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


# --- the registers ---------------------------------------------------------------------------------------


def test_person_found_with_the_xroad_headers_and_hash(xroad_registers: XRoadSim) -> None:
    reply = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123")
    assert reply.status == 200
    person = reply.json
    assert person["fin"] == "5ABC123"
    assert (person["last_name"], person["sex"], person["citizenship"]) == ("Məmmədov", "male", "AZ")
    assert person["address"]["district"] == "Bakı şəhəri, Xətai rayonu"
    assert person["family"] == [{"fin": "7KLM456", "relation": "spouse", "name": "Məmmədova Günel Rauf qızı"}]
    assert reply.header("X-Road-Id") == reply.xroad_id
    assert reply.header("X-Road-Client") == "AZ/GOV/1500000061/eprok"
    assert reply.header("X-Road-Service") == f"{POPULATION}/person-v1"
    expected = spec_hash("GET", f"/r1/{POPULATION}/person-v1/persons/5ABC123", reply.xroad_id, b"")
    assert reply.header("X-Road-Request-Hash") == expected
    assert not reply.header("X-Road-Error")


def test_person_unknown_is_a_plain_404_and_a_bad_fin_a_400(xroad_registers: XRoadSim) -> None:
    missing = xroad_registers.call(POPULATION, "person-v1", "/persons/9ZZZ999")
    assert missing.status == 404
    assert "message" in missing.json
    assert not missing.header("X-Road-Error")
    assert missing.header("X-Road-Request-Hash")  # a normal answer: hashed like any other
    for bad in ("5ABC12", "5ABI123", "5abc12O"):
        invalid = xroad_registers.call(POPULATION, "person-v1", f"/persons/{bad}")
        assert invalid.status == 400, bad
        assert invalid.header("X-Road-Error") == "Client.InvalidRequest"
        assert set(invalid.json) == {"type", "message", "detail"}


def test_taxpayer(xroad_registers: XRoadSim) -> None:
    reply = xroad_registers.call(TAX, "taxpayer-v1", "/taxpayers/1400057421")
    assert reply.status == 200
    assert reply.json["director"] == {"fin": "2XYZ9P8", "name": "Hüseynov Tural Vüqar oğlu"}
    assert reply.json["status"] == "active"
    assert xroad_registers.call(TAX, "taxpayer-v1", "/taxpayers/1400000001").status == 404
    invalid = xroad_registers.call(TAX, "taxpayer-v1", "/taxpayers/14000574")
    assert (invalid.status, invalid.header("X-Road-Error")) == (400, "Client.InvalidRequest")


def test_vehicles_by_plate_vin_and_owner(xroad_registers: XRoadSim) -> None:
    by_plate = xroad_registers.call(VEHICLES, "vehicle-v1", "/vehicles", query={"plate": "10-AB-123"})
    assert by_plate.status == 200
    assert [v["vin"] for v in by_plate.json["items"]] == ["JTDBR32E720123456"]
    expected = spec_hash("GET", by_plate.path_with_query, by_plate.xroad_id, b"")
    assert "?plate=10-AB-123" in by_plate.path_with_query
    assert by_plate.header("X-Road-Request-Hash") == expected
    by_vin = xroad_registers.call(VEHICLES, "vehicle-v1", "/vehicles", query={"vin": "KMHDN41BP6U123987"})
    assert [v["plate"] for v in by_vin.json["items"]] == ["90-HK-707"]
    by_company = xroad_registers.call(VEHICLES, "vehicle-v1", "/vehicles", query={"owner": "1400057421"})
    assert [v["plate"] for v in by_company.json["items"]] == ["90-HK-707"]
    nothing = xroad_registers.call(VEHICLES, "vehicle-v1", "/vehicles", query={"owner": "2XYZ9P8"})
    assert (nothing.status, nothing.json) == (200, {"items": []})
    for query in ({}, {"plate": "10AB123"}, {"plate": "10-AB-123", "vin": "JTDBR32E720123456"}):
        invalid = xroad_registers.call(VEHICLES, "vehicle-v1", "/vehicles", query=query)
        assert (invalid.status, invalid.header("X-Road-Error")) == (400, "Client.InvalidRequest"), query


def test_properties_by_owner(xroad_registers: XRoadSim) -> None:
    reply = xroad_registers.call(REAL_ESTATE, "property-v1", "/properties", query={"owner": "7KLM456"})
    assert reply.status == 200
    assert reply.json["items"] == [
        {
            "registry_number": "412-3456790",
            "kind": "flat",
            "address": "Bakı şəhəri, Xətai rayonu, Babək prospekti, ev 12, mənzil 34",
            "area_m2": 84.5,
            "share": "1/2",
            "acquired_on": "2014-11-20",
        }
    ]
    invalid = xroad_registers.call(REAL_ESTATE, "property-v1", "/properties", query={"owner": "nobody"})
    assert invalid.status == 400


def test_records_convictions_and_wanted(xroad_registers: XRoadSim) -> None:
    convicted = xroad_registers.call(RECORDS, "records-v1", "/records/2XYZ9P8").json
    assert convicted["wanted"] is True
    assert convicted["convictions"][0]["articles"] == ["177.2.1"]
    clean = xroad_registers.call(RECORDS, "records-v1", "/records/5ABC123")
    assert clean.status == 200
    assert clean.json == {
        "fin": "5ABC123",
        "convictions": [],
        "wanted": False,
        "wanted_by": None,
        "wanted_since": None,
    }
    assert xroad_registers.call(RECORDS, "records-v1", "/records/9ZZZ999").status == 404


def test_crossings_filtered_by_dates(xroad_registers: XRoadSim) -> None:
    every = xroad_registers.call(BORDER, "crossings-v1", "/crossings/5ABC123").json["items"]
    assert [c["direction"] for c in every] == ["out", "in", "out", "in"]
    some = xroad_registers.call(
        BORDER, "crossings-v1", "/crossings/5ABC123", query={"from": "2026-01-01", "to": "2026-03-22"}
    )
    assert [(c["direction"], c["checkpoint"]) for c in some.json["items"]] == [("out", "Qırmızı Körpü")]
    none = xroad_registers.call(BORDER, "crossings-v1", "/crossings/7KLM456")
    assert (none.status, none.json) == (200, {"items": []})
    assert xroad_registers.call(BORDER, "crossings-v1", "/crossings/9ZZZ999").status == 404
    bad = xroad_registers.call(BORDER, "crossings-v1", "/crossings/5ABC123", query={"from": "01.01.2026"})
    assert (bad.status, bad.header("X-Road-Error")) == (400, "Client.InvalidRequest")


def test_unknown_service_missing_headers_and_wrong_method(xroad_registers: XRoadSim) -> None:
    unknown = xroad_registers.call(POPULATION, "passport-v1", "/passports/5ABC123")
    assert unknown.status == 404
    assert unknown.header("X-Road-Error") == "Server.ServerProxy.UnknownService"
    assert unknown.json["type"] == "Server.ServerProxy.UnknownService"
    assert (
        xroad_registers.call(ECOURT, "indictments-v1", "/indictments", method="POST", json_body={}).status
        == 404
    )
    for kwargs in ({"client": None}, {"xroad_id": ""}):
        missing = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123", **kwargs)
        assert (missing.status, missing.header("X-Road-Error")) == (400, "Client.InvalidRequest"), kwargs
    posted = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123", method="POST", json_body={})
    assert (posted.status, posted.header("X-Road-Error")) == (400, "Client.InvalidRequest")
    status, _headers, body = http("GET", xroad_registers.url + "/health")
    assert (status, json.loads(body)["serves"]) == (200, ["registers"])


def test_faults_fail_then_recover_and_filter_by_service(xroad_registers: XRoadSim) -> None:
    xroad_registers.control(
        fail=2, status=503, xroad_error="Server.ServerProxy.ServiceFailed", service="person-v1"
    )
    other = xroad_registers.call(TAX, "taxpayer-v1", "/taxpayers/1400057421")
    assert other.status == 200  # another service is not affected
    for _attempt in range(2):
        failed = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123")
        assert failed.status == 503
        assert failed.header("X-Road-Error") == "Server.ServerProxy.ServiceFailed"
        assert failed.header("X-Road-Id") == failed.xroad_id
    assert xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123").status == 200
    stats = xroad_registers.stats()
    assert stats["calls"] == {"taxpayer-v1": 1, "person-v1": 3}
    xroad_registers.reset()
    assert xroad_registers.stats()["calls"] == {}


def test_faults_without_xroad_error_garbage_wrong_hash_and_delay(xroad_registers: XRoadSim) -> None:
    xroad_registers.control(fail=1, status=500, xroad_error="")
    plain = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123")
    assert plain.status == 500
    assert not plain.header("X-Road-Error")

    xroad_registers.control(garbage=1)
    garbage = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123")
    assert garbage.status == 200
    with pytest.raises(ValueError):
        json.loads(garbage.body)

    xroad_registers.control(wrong_hash=1)
    wrong = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123")
    right = spec_hash("GET", wrong.path_with_query, wrong.xroad_id, b"")
    assert wrong.status == 200
    assert wrong.header("X-Road-Request-Hash") not in ("", right)
    again = xroad_registers.call(POPULATION, "person-v1", "/persons/5ABC123")
    assert again.header("X-Road-Request-Hash") == spec_hash("GET", again.path_with_query, again.xroad_id, b"")

    xroad_registers.control(delay=0.2)
    assert xroad_registers.call(RECORDS, "records-v1", "/records/5ABC123").status == 200
    bad = http("POST", xroad_registers.url + "/_control", body=b'{"fail": -1}')
    assert bad[0] == 400


def test_settings_point_at_the_simulator(xroad_registers: XRoadSim, settings) -> None:
    assert settings.EPROK_XROAD_MEMBER_URLS[POPULATION] == xroad_registers.url
    assert xroad_registers.url == settings.EPROK_XROAD_URL
    assert settings.EPROK_XROAD_BACKOFF == 0


def test_allow_list_refuses_other_clients(tmp_path) -> None:
    from eprok.gateway.testing import REGISTER_MEMBERS, start_simulator, stop_simulator

    data = tmp_path / "registers.json"
    data.write_text(json.dumps({"persons": {"5ABC123": {"last_name": "Məmmədov"}}}), encoding="utf-8")
    sim = start_simulator(
        ["--serve", "all", "--data", str(data), "--allow-client", "AZ/GOV/1500000061/eprok"],
        tmp_path / "sim.log",
        REGISTER_MEMBERS,
    )
    try:
        assert sim.call(POPULATION, "person-v1", "/persons/5ABC123").status == 200
        refused = sim.call(POPULATION, "person-v1", "/persons/5ABC123", client="AZ/GOV/1200000071/egov")
        assert refused.status == 403
        assert refused.header("X-Road-Error") == "Server.ClientProxy.AccessDenied"
        assert refused.header("X-Road-Client") == "AZ/GOV/1200000071/egov"
        # --serve all: the e-Court is served too
        assert sim.call(ECOURT, "indictments-v1", "/indictments", method="POST", json_body={}).status == 400
    finally:
        stop_simulator(sim)
    log = (tmp_path / "sim.log").read_text()
    assert "person-v1 /persons/5ABC123 200" in log
    assert "Məmmədov" not in log  # one line per request, no personal data beyond the FIN


# --- the e-Court ---------------------------------------------------------------------------------------


def indictment(**changes) -> dict:
    package, sha = pdf_b64()
    body = {
        "case_number": "251000123",
        "court": "baku-xatai-district",
        "title": "İttiham aktı: Məmmədov Elçin Əli oğlu (CM 177.2.1)",
        "manifest": {"documents": [{"title": "İttiham aktı", "pages": 12}]},
        "package_pdf": package,
        "package_sha256": sha,
        "prosecutor": {"fin": "1AB2CD3", "name": "Quliyev Rəşad Kamran oğlu"},
    }
    body.update(changes)
    return body


def submit(ecourt: XRoadSim, body: dict, *, service="indictments-v1", path="/indictments", xroad_id=None):
    return ecourt.call(ECOURT, service, path, method="POST", json_body=body, xroad_id=xroad_id)


def test_indictment_accepted_once_per_message_id(xroad_ecourt: XRoadSim) -> None:
    xroad_id = uuid.uuid4().hex
    first = submit(xroad_ecourt, indictment(), xroad_id=xroad_id)
    assert first.status == 202
    answer = first.json
    assert answer["status"] == "accepted"
    assert re.match(r"^\d-1\(001\)-\d+/\d{4}$", answer["court_reference"])
    assert dt.datetime.fromisoformat(answer["received_at"]).utcoffset() == dt.timedelta(hours=4)
    assert first.header("X-Road-Request-Hash") == spec_hash(
        "POST", first.path_with_query, xroad_id, first.sent
    )
    assert first.header("X-Road-Service") == f"{ECOURT}/indictments-v1"

    repeated = submit(xroad_ecourt, indictment(title="changed"), xroad_id=xroad_id)
    assert (repeated.status, repeated.json) == (202, answer)
    other = submit(xroad_ecourt, indictment())
    assert other.json["court_reference"] != answer["court_reference"]

    received = xroad_ecourt.submissions()
    assert len(received) == 2
    assert received[0]["court_reference"] == answer["court_reference"]
    assert received[0]["pdf_sha256"] == pdf_b64()[1]
    assert received[0]["pdf_size"] > 0
    assert "package_pdf" not in received[0]
    assert received[0]["title"].startswith("İttiham aktı")


@pytest.mark.parametrize(
    "changes",
    [
        {"case_number": ""},
        {"manifest": None},
        {"prosecutor": ""},
        {"package_pdf": "not base64!"},
        {"package_sha256": "0" * 64},
        {"package_sha256": "abc"},
    ],
)
def test_indictment_validation(xroad_ecourt: XRoadSim, changes: dict) -> None:
    reply = submit(xroad_ecourt, indictment(**changes))
    assert reply.status == 400
    assert reply.header("X-Road-Error") == "Client.InvalidRequest"
    assert xroad_ecourt.submissions() == []


def test_motions_and_appeals(xroad_ecourt: XRoadSim) -> None:
    document, sha = pdf_b64(b"%PDF-1.7\n motion \n%%EOF")
    motion = {
        "case_number": "251000123",
        "court": "baku-xatai-district",
        "kind": "custody",
        "title": "Həbs qətimkan tədbiri barədə vəsatət",
        "text": "Şübhəli şəxs barəsində 4 ay müddətinə həbs",
        "document_pdf": document,
        "document_sha256": sha,
    }
    assert submit(xroad_ecourt, motion, service="motions-v1", path="/motions").status == 202
    wrong_kind = submit(xroad_ecourt, {**motion, "kind": "arrest"}, service="motions-v1", path="/motions")
    assert wrong_kind.status == 400
    appeal = {**motion, "kind": "protest", "court_reference_of_decision": "1-1(001)-101/2026"}
    assert submit(xroad_ecourt, appeal, service="appeals-v1", path="/appeals").status == 202
    no_reference = {**appeal, "court_reference_of_decision": ""}
    assert submit(xroad_ecourt, no_reference, service="appeals-v1", path="/appeals").status == 400
    wrong_path = submit(xroad_ecourt, motion, service="motions-v1", path="/appeals")
    assert wrong_path.status == 400
    assert [s["type"] for s in xroad_ecourt.submissions()] == ["motion", "appeal"]


def test_hearing_pushed_to_eprok_with_xroad_headers(xroad_ecourt: XRoadSim, captured_pushes) -> None:
    reference = submit(xroad_ecourt, indictment()).json["court_reference"]
    status, answer = xroad_ecourt.push_hearing(
        court_reference=reference,
        starts_at="2026-12-14T10:00:00+04:00",
        courtroom="3",
        judge="Əliyev Rauf Nadir oğlu",
        id="H-1",
    )
    assert status == 200
    assert (answer["status_code"], answer["body"], answer["hash_ok"], answer["ok"]) == (
        200,
        {"status": "accepted"},
        True,
        True,
    )
    [request] = captured_pushes.requests
    assert request.path == f"/xroad/r1/{EPROK}/court-hearings-v1/hearings"
    assert request.headers["x-road-client"] == ECOURT_CLIENT
    assert request.headers["x-road-id"] == answer["xroad_id"]
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "case_number": "251000123",
        "court_reference": reference,
        "court": "baku-xatai-district",
        "judge": "Əliyev Rauf Nadir oğlu",
        "hearing": {
            "id": "H-1",
            "starts_at": "2026-12-14T10:00:00+04:00",
            "courtroom": "3",
            "status": "scheduled",
        },
    }


def test_decision_pushed_retried_and_hash_checked(xroad_ecourt: XRoadSim, captured_pushes) -> None:
    reference = submit(xroad_ecourt, indictment()).json["court_reference"]
    decision = {
        "court_reference": reference,
        "kind": "conviction",
        "decided_on": "2027-02-01",
        "sentence": "3 il azadlıqdan məhrumetmə",
        "text": "Təqsirli bilinsin.",
    }
    captured_pushes.answer(status=503, xroad_error="Server.ServerProxy.ServiceFailed", times=2)
    status, answer = xroad_ecourt.push_decision(**decision)
    assert status == 200
    assert (answer["status_code"], answer["attempts"], answer["ok"]) == (200, 3, True)
    ids = {r.headers["x-road-id"] for r in captured_pushes.requests}
    assert len(captured_pushes.requests) == 3
    assert ids == {answer["xroad_id"]}  # one message, retried under the same id
    sent = captured_pushes.requests[-1].json
    assert sent["decision"]["instance"] == "first"
    assert (sent["decision"]["kind"], sent["case_number"]) == ("conviction", "251000123")

    captured_pushes.clear()
    captured_pushes.answer(wrong_hash=True, times=4)
    _status, forged = xroad_ecourt.push_decision(**decision)
    assert (forged["hash_ok"], forged["ok"], forged["attempts"]) == (False, False, 4)

    captured_pushes.clear()
    captured_pushes.answer(status=404, xroad_error="Server.ServerProxy.ServiceFailed", body={"message": "?"})
    _status, refused = xroad_ecourt.push_decision(**decision)
    assert (refused["status_code"], refused["attempts"], refused["ok"]) == (404, 1, False)
    assert len(xroad_ecourt.pushes()) == 3


def test_push_controls_validate(xroad_ecourt: XRoadSim, captured_pushes) -> None:
    unknown = xroad_ecourt.push_hearing(
        court_reference="1-1(001)-1/2026", starts_at="2026-12-14T10:00:00+04:00", judge="X"
    )
    assert unknown[0] == 404
    reference = submit(xroad_ecourt, indictment()).json["court_reference"]
    naive = xroad_ecourt.push_hearing(court_reference=reference, starts_at="2026-12-14T10:00:00", judge="X")
    assert naive[0] == 400
    wrong_kind = xroad_ecourt.push_decision(court_reference=reference, kind="guilty", decided_on="2027-02-01")
    assert wrong_kind[0] == 400
    assert captured_pushes.requests == []


def test_auto_hearing_after_an_indictment(tmp_path, captured_pushes) -> None:
    """--auto-hearing-after 0: a hearing pushed on a timer; the test waits for it on the capture server."""
    import threading

    from eprok.gateway.testing import ECOURT_MEMBERS, start_simulator, stop_simulator

    arrived = threading.Event()
    original = captured_pushes.requests

    class Signalling(list):
        def append(self, item) -> None:
            super().append(item)
            arrived.set()

    captured_pushes.requests = Signalling()
    sim = start_simulator(
        [
            "--serve",
            "ecourt",
            "--eprok-url",
            captured_pushes.url,
            "--auto-hearing-after",
            "0",
            "--push-backoff",
            "0",
        ],
        tmp_path / "sim.log",
        ECOURT_MEMBERS,
    )
    try:
        reply = submit(sim, indictment())
        assert reply.status == 202
        assert arrived.wait(timeout=30)
        [request] = captured_pushes.requests
    finally:
        stop_simulator(sim)
        captured_pushes.requests = original
    hearing = request.json
    received = dt.datetime.fromisoformat(reply.json["received_at"])
    starts = dt.datetime.fromisoformat(hearing["hearing"]["starts_at"])
    assert starts.date() == received.date() + dt.timedelta(days=14)
    assert (starts.hour, starts.minute, starts.utcoffset()) == (10, 0, dt.timedelta(hours=4))
    assert hearing["hearing"]["courtroom"] == "3"
    assert hearing["court_reference"] == reply.json["court_reference"]
    assert hearing["judge"]


# --- the dataset from the database -----------------------------------------------------------------------


@pytest.mark.django_db
def test_build_dataset_from_persons(tmp_path) -> None:
    from django.core.management import call_command

    from eprok.gateway.sim_data import build_dataset
    from eprok.org.tests.factories import EmployeeFactory
    from eprok.persons.models import AddressKind, PersonAddress
    from eprok.persons.tests.factories import make_legal_entity, make_person

    father = make_person(
        fin="5ABC123",
        last_name="Məmmədov",
        first_name="Əli",
        patronymic="Vəli oğlu",
        sex="male",
        birth_date=dt.date(1960, 1, 1),
    )
    son = make_person(
        fin="6DEF234",
        last_name="Məmmədov",
        first_name="Elçin",
        patronymic="Əli oğlu",
        sex="male",
        birth_date=dt.date(1988, 5, 5),
    )
    PersonAddress.objects.create(
        person=son,
        kind=AddressKind.REGISTRATION,
        district="Bakı şəhəri, Yasamal rayonu",
        text="Şərifzadə küçəsi, ev 3",
    )
    people = [
        make_person(fin=f"7GH{n:03d}A", birth_date=dt.date(1970 + n, 1, 1), last_name=f"Soyad{n}")
        for n in range(30)
    ]
    employee = EmployeeFactory(fin="8JKL345")
    make_person(fin=employee.fin, last_name="İşçi")  # an employee's FIN: not in the registers
    make_person(fin=None, last_name="Naməlum")  # no FIN: not in the registers
    company = make_legal_entity(voen="1400057421", legal_name='"Xəzər Tikinti" MMC')

    today = dt.date(2026, 11, 30)
    data = build_dataset(today=today)
    assert data == build_dataset(today=today)  # deterministic

    persons = data["persons"]
    assert {"5ABC123", "6DEF234", *(p.fin for p in people)} <= set(persons)
    assert employee.fin not in persons
    record = persons["6DEF234"]
    assert record["address"] == {"district": "Bakı şəhəri, Yasamal rayonu", "text": "Şərifzadə küçəsi, ev 3"}
    assert (record["birth_date"], record["sex"], record["citizenship"]) == ("1988-05-05", "male", "AZ")
    assert {"fin": father.fin, "relation": "father", "name": "Məmmədov Əli Vəli oğlu"} in record["family"]
    assert {"fin": son.fin, "relation": "child", "name": "Məmmədov Elçin Əli oğlu"} in persons[father.fin][
        "family"
    ]
    for fin, person in persons.items():
        assert re.match(r"^[0-9A-HJ-NP-Z]{7}$", fin)
        assert person["address"]["district"] and person["address"]["text"]
        for relative in person["family"]:
            assert relative["fin"] in persons  # relatives are in the register too

    taxpayer = data["taxpayers"][company.voen]
    assert taxpayer["name"] == '"Xəzər Tikinti" MMC'
    assert taxpayer["legal_form"] == "Məhdud Məsuliyyətli Cəmiyyət"
    assert taxpayer["director"]["fin"] in persons
    for vehicle in data["vehicles"]:
        assert re.match(r"^\d{2}-[A-Z]{2}-\d{3}$", vehicle["plate"])
        assert len(vehicle["vin"]) == 17
        assert vehicle["owner"]["id"] in persons or vehicle["owner"]["id"] in data["taxpayers"]
    assert len({v["plate"] for v in data["vehicles"]}) == len(data["vehicles"])
    assert data["records"].keys() == persons.keys()
    assert any(r["convictions"] for r in data["records"].values())
    for items in data["crossings"].values():
        for crossing in items:
            assert today - dt.timedelta(days=731) <= dt.date.fromisoformat(crossing["at"][:10]) <= today

    target = tmp_path / "registers.json"
    call_command("registers_dataset", str(target), "--today", today.isoformat())
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(json.dumps(data))
