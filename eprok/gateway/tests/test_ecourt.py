"""The e-Court deliveries, outbound, against the e-Court simulator process (fixture `xroad_ecourt`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.utils import timezone

from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.documents.selectors import version_read
from eprok.gateway import ecourt
from eprok.gateway.models import CourtDelivery, DeliveryKind, DeliveryStatus, Direction, Message
from eprok.gateway.tests import ecourt_support
from eprok.gateway.tests.ecourt_support import attachments, later

# The shared fixtures (assigned, not imported, so a test's parameter does not shadow an import).
ca = ecourt_support.ca
in_court = ecourt_support.in_court
media = ecourt_support.media
people = ecourt_support.people


pytestmark = pytest.mark.django_db(transaction=False)


def package_of(delivery: CourtDelivery) -> bytes:
    assert delivery.package is not None and delivery.package.current_version is not None
    return version_read(delivery.package.current_version)


def send_indictment(in_court, capture, **extra):
    with capture(execute=True):
        return ecourt.delivery_queue(
            actor=in_court.people.prosecutor,
            kind=DeliveryKind.INDICTMENT,
            case=in_court.case,
            title="İttiham aktı ilə cinayət işi",
            **extra,
        )


def test_an_indictment_goes_out_sealed_with_its_manifest_and_the_court_acknowledges_it(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks, audit_events
):
    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()

    assert delivery.status == DeliveryStatus.ACKNOWLEDGED, delivery.last_error
    assert delivery.court_reference.startswith("1-1(001)-")
    assert delivery.acknowledged_at and delivery.delivered_at and delivery.attempts == 1
    # The package: one PDF, its files embedded byte for byte with the manifest's checksums.
    package = package_of(delivery)
    embedded = attachments(package)
    files = delivery.manifest["files"]
    assert [f["role"] for f in files] == ["indictment", "signed"]
    assert {f["document"] for f in files} == {
        str(in_court.indictment.public_id),
        str(in_court.protocol.public_id),
    }
    for item in files:
        assert hashlib.sha256(embedded[item["name"]]).hexdigest() == item["sha256"]
        assert len(embedded[item["name"]]) == item["size"]
        assert item["signers"]  # the documents were signed
    assert embedded[files[0]["name"]] == version_read(in_court.indictment.current_version)
    materials = {m["document"]: m["in_package"] for m in delivery.manifest["materials"]}
    assert materials[str(in_court.draft.public_id)] is False
    # Sealed as a whole with the prosecution's e-seal; the seal verifies against the organisation's CA.
    from eprok.signing import pdf

    reports = pdf.validate_pdf(package, trust=[in_court_ca_certificate()])
    assert len(reports) == 1
    report = reports[0]
    assert report.intact and report.valid and report.trusted and report.covers_whole_document
    assert report.signer == "Prokurorluq e-seal"
    # The court received exactly this package.
    [submission] = xroad_ecourt.submissions()
    assert submission["pdf_sha256"] == hashlib.sha256(package).hexdigest()
    assert submission["case_number"] == in_court.case.number
    assert submission["xroad_id"] == delivery.xroad_id
    # Evidence: the request hash is the logged one; the proceeding took the court's number.
    logged = Message.objects.get(direction=Direction.OUT, xroad_id=delivery.xroad_id)
    assert logged.request_hash == delivery.request_hash and logged.status_code == 202
    in_court.proceeding.refresh_from_db()
    assert in_court.proceeding.court_number == delivery.court_reference
    assert [e.action for e in audit_events() if e.action.startswith("gateway.ecourt.")] == [
        "gateway.ecourt.queued",
        "gateway.ecourt.acknowledged",
    ]


_CA: list = []


def in_court_ca_certificate():
    from eprok.signing import ca as ca_module

    return ca_module.ca_certificate()


def test_the_sealed_package_verifies_with_pdfsig(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks, ca, tmp_path
):
    from eprok.signing.tests.conftest import CERTUTIL, PdfSig, pdfsig_required

    pdfsig_required()
    import subprocess

    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    nssdir = tmp_path / "nss"
    nssdir.mkdir()
    subprocess.run([str(CERTUTIL), "-N", "-d", f"sql:{nssdir}", "--empty-password"], check=True)  # noqa: S603
    ca_file = tmp_path / "org-ca.pem"
    ca_file.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
    subprocess.run(  # noqa: S603
        [str(CERTUTIL), "-A", "-d", f"sql:{nssdir}", "-n", "eprok-ca", "-t", "CT,C,C", "-i", str(ca_file)],
        check=True,
    )
    output = PdfSig(nssdir=nssdir)(package_of(delivery), tmp_path)
    assert "Signature is Valid." in output and "Certificate is Trusted." in output, output
    assert "Prokurorluq e-seal" in output


def test_an_unavailable_court_leaves_it_queued_and_the_sweep_delivers_it_once_back(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks, audit_events
):
    xroad_ecourt.control(
        fail=3, status=503, xroad_error="Server.ServerProxy.ServiceFailed", service="indictments-v1"
    )
    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()

    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.attempts == 1 and delivery.last_error
    assert later(0.5) < delivery.next_attempt_at <= later(1.1)
    assert xroad_ecourt.submissions() == []
    assert ecourt.deliveries_sweep() == {}  # not due yet
    counts = ecourt.deliveries_sweep(now=later(2))
    assert counts == {DeliveryStatus.ACKNOWLEDGED: 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED and delivery.attempts == 2
    [submission] = xroad_ecourt.submissions()
    assert submission["xroad_id"] == delivery.xroad_id  # the same message id on the retry
    assert ecourt.deliveries_sweep(now=later(120)) == {}  # nothing left: the sweep is idempotent
    assert len(xroad_ecourt.submissions()) == 1
    assert "gateway.ecourt.attempt_failed" in [e.action for e in audit_events()]


def test_the_backoff_doubles_up_to_an_hour():
    assert [ecourt.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 9)] == [1, 2, 4, 8, 60, 60, 60]


def test_after_ten_failed_attempts_it_fails_and_retry_now_sends_it_again(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks, audit_events
):
    xroad_ecourt.control(fail=3, status=503, service="indictments-v1")
    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    CourtDelivery.objects.filter(pk=delivery.pk).update(
        attempts=ecourt.MAX_ATTEMPTS - 1, next_attempt_at=later(-1)
    )
    xroad_ecourt.control(fail=3, status=503, service="indictments-v1")
    ecourt.deliveries_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert ecourt.deliveries_sweep(now=later(600)) == {}  # a failed delivery waits for a person

    # Six failed calls opened the service's circuit; the court is back and its cool-down over.
    from eprok.gateway.models import CircuitState

    CircuitState.objects.update(failures=0, opened_until=None)
    with django_capture_on_commit_callbacks(execute=True):
        ecourt.delivery_retry(actor=in_court.people.prosecutor, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    actions = [e.action for e in audit_events()]
    assert "gateway.ecourt.failed" in actions and "gateway.ecourt.requeued" in actions


def test_a_refusal_of_the_court_rejects_it_with_the_error(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks
):
    xroad_ecourt.control(fail=1, status=400, xroad_error="Client.InvalidRequest", service="indictments-v1")
    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REJECTED
    assert "Client.InvalidRequest" in delivery.last_error
    assert delivery.next_attempt_at is None
    assert ecourt.deliveries_sweep(now=later(600)) == {}
    with pytest.raises(Conflict):
        ecourt.delivery_retry(actor=in_court.people.prosecutor, delivery=delivery)


def test_two_workers_never_send_the_same_delivery(in_court, xroad_ecourt, django_capture_on_commit_callbacks):
    xroad_ecourt.control(fail=3, status=503, service="indictments-v1")
    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    CourtDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=later(-1))
    now = timezone.now()
    assert ecourt._claim(delivery.pk, now) is True
    assert ecourt._claim(delivery.pk, now) is False  # the second worker finds it taken
    assert ecourt.delivery_send(delivery, now=now).status == DeliveryStatus.QUEUED
    assert xroad_ecourt.submissions() == []
    # Once the lease has run out (the first worker died) the sweep sends it.
    ecourt.deliveries_sweep(now=timezone.now() + ecourt.SEND_LEASE)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    ecourt.delivery_send(delivery, now=later(600))
    assert len(xroad_ecourt.submissions()) == 1


def queue_motion(in_court, title: str = "Axtarış") -> CourtDelivery:
    """A motion queued without its worker (the on-commit hand-over is not run)."""
    return ecourt.delivery_queue(
        actor=in_court.people.prosecutor,
        kind=DeliveryKind.SEARCH,
        case=in_court.case,
        title=title,
        text="Vəsatət",
    )


def test_retry_now_leaves_a_delivery_being_sent_to_its_worker(in_court):
    delivery = queue_motion(in_court)
    # A worker has taken it and waits for the court's answer.
    assert ecourt._claim(delivery.pk, timezone.now()) is True
    delivery.refresh_from_db()
    leased = delivery.next_attempt_at
    assert not ecourt.retry_possible(delivery)
    with pytest.raises(Conflict) as refused:
        ecourt.delivery_retry(actor=in_court.people.prosecutor, delivery=delivery)
    assert refused.value.code == "being_sent"
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == leased
    assert ecourt._claim(delivery.pk, timezone.now()) is False  # no second worker sends it
    # Waiting for a later attempt (the backoff), it is sent at once.
    CourtDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=later(30))
    delivery.refresh_from_db()
    assert ecourt.retry_possible(delivery)
    ecourt.delivery_retry(actor=in_court.people.prosecutor, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at <= timezone.now()


def test_the_lease_runs_from_the_claim_not_from_the_start_of_the_sweep(in_court):
    delivery = queue_motion(in_court)
    CourtDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=later(-30))
    sweep_started = later(-10)  # a long sweep reaches it ten minutes after it started
    assert ecourt._claim(delivery.pk, sweep_started) is True
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at >= later(ecourt.SEND_LEASE.total_seconds() / 60 - 1)
    assert ecourt._claim(delivery.pk, timezone.now()) is False


def _answer(monkeypatch, data):
    """The court's 202 answer, without the simulator."""
    from types import SimpleNamespace

    from eprok.gateway import client

    def call(*args, **kwargs):
        message: Any = SimpleNamespace(request_hash="sha256:test")
        return client.Reply(status=202, data=data, message=message, xroad_id=kwargs["xroad_id"])

    monkeypatch.setattr(client, "call", call)


@pytest.mark.parametrize(
    "received_at, expected",
    [
        ("2026-02-30T10:00:00+04:00", None),  # no such day: the time of the answer
        ("tomorrow", None),
        (12345, None),
        ("2026-03-01T10:00:00", dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)),  # naive: Baku time
    ],
)
def test_a_bad_time_of_receipt_still_records_the_acknowledgement(
    in_court, monkeypatch, received_at, expected, settings
):
    settings.TIME_ZONE = "Asia/Baku"
    delivery = queue_motion(in_court)
    _answer(monkeypatch, {"court_reference": "1-1(001)-77/2026", "received_at": received_at})
    before = timezone.now()
    delivery = ecourt.delivery_send(delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED
    assert delivery.court_reference == "1-1(001)-77/2026" and delivery.next_attempt_at is None
    if expected is None:
        assert delivery.acknowledged_at is not None
        assert before <= delivery.acknowledged_at <= timezone.now()
    else:
        assert delivery.acknowledged_at == expected


def test_one_delivery_that_raises_does_not_stop_the_sweep(in_court, monkeypatch, caplog):
    broken = queue_motion(in_court, title="Birinci")
    sound = queue_motion(in_court, title="İkinci")
    CourtDelivery.objects.filter(pk=broken.pk).update(next_attempt_at=later(-2))
    CourtDelivery.objects.filter(pk=sound.pk).update(next_attempt_at=later(-1))
    _answer(monkeypatch, {"court_reference": "1-1(001)-78/2026"})
    send = ecourt.delivery_send

    def flaky(delivery, **kwargs):
        if delivery.pk == broken.pk:
            raise RuntimeError("a bug")
        return send(delivery, **kwargs)

    monkeypatch.setattr(ecourt, "delivery_send", flaky)
    with caplog.at_level("ERROR", logger="eprok.gateway.ecourt"):
        counts = ecourt.deliveries_sweep()
    assert counts == {"error": 1, DeliveryStatus.ACKNOWLEDGED: 1}
    sound.refresh_from_db()
    assert sound.status == DeliveryStatus.ACKNOWLEDGED
    assert any(str(broken.pk) in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_motion_goes_with_its_text_and_the_documents_chosen(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = ecourt.delivery_queue(
            actor=in_court.people.supervisor,
            kind=DeliveryKind.CUSTODY,
            case=in_court.case,
            court=in_court.court,
            title="Həbs qətimkan tədbiri",
            text="Təqsirləndirilən şəxs barəsində həbs qətimkan tədbirinin seçilməsi barədə vəsatət.",
            documents=[in_court.draft],
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED, delivery.last_error
    assert [f["document"] for f in delivery.manifest["files"]] == [str(in_court.draft.public_id)]
    [submission] = xroad_ecourt.submissions()
    assert submission["type"] == "motion" and submission["kind"] == "custody"
    assert delivery.package is not None and delivery.package.current_version is not None
    assert submission["pdf_sha256"] == delivery.package.current_version.sha256
    in_court.proceeding.refresh_from_db()
    assert in_court.proceeding.court_number == ""  # a motion's reference is not the case's number in court


def test_a_protest_names_the_decision_it_is_against(
    in_court, xroad_ecourt, django_capture_on_commit_callbacks
):
    from eprok.courtwork.services import decision_from_court

    decision, _created = decision_from_court(
        proceeding=in_court.proceeding,
        external_id="1-1(001)-77/2026",
        instance="first",
        kind="acquittal",
        decided_on=timezone.localdate(),
    )
    with pytest.raises(ValidationFailed):
        ecourt.delivery_queue(
            actor=in_court.people.prosecutor,
            kind=DeliveryKind.PROTEST,
            case=in_court.case,
            title="Protest",
            text="Bəraət hökmündən apellyasiya protesti.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        delivery = ecourt.delivery_queue(
            actor=in_court.people.prosecutor,
            kind=DeliveryKind.PROTEST,
            proceeding=in_court.proceeding,
            title="Apellyasiya protesti",
            text="Bəraət hökmündən apellyasiya protesti.",
            decision=decision,
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED, delivery.last_error
    [submission] = xroad_ecourt.submissions()
    assert submission["kind"] == "protest"
    assert submission["court_reference_of_decision"] == "1-1(001)-77/2026"


def test_a_supervised_case_sends_a_cover_with_the_manifest_only(
    people, ca, media, xroad_ecourt, django_capture_on_commit_callbacks
):
    from eprok.courtwork.models import Court
    from eprok.supervision.models import InvestigatingBody, SupervisedCase

    body = InvestigatingBody.objects.order_by("pk").first()
    assert body is not None
    supervised = SupervisedCase.objects.create(
        number="DİN-2026-00042",
        body=body,
        investigator_name="Polis müstəntiqi",
        unit=people.unit,
        supervisor=people.supervisor,
        opened_on=timezone.localdate(),
        summary="Dələduzluq",
        articles="178.2",
        status="sent_to_court",
    )
    court = Court.objects.get(code="baku-serious-crimes")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = ecourt.delivery_queue(
            actor=people.supervisor,
            kind=DeliveryKind.INDICTMENT,
            supervised=supervised,
            court=court,
            title="İttiham aktı",
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.ACKNOWLEDGED, delivery.last_error
    assert delivery.manifest["files"] == [] and delivery.manifest["case_number"] == "DİN-2026-00042"
    assert attachments(package_of(delivery)) == {}


def test_only_the_state_prosecutor_and_the_supervising_prosecutor_send(in_court, xroad_ecourt, audit_events):
    people = in_court.people
    for actor, error in (
        (people.outsider, NotFound),
        (people.colleague, NotFound),
        (people.investigator, Forbidden),  # on the team: sees the case, does not speak to the court
    ):
        with pytest.raises(error):
            ecourt.delivery_queue(actor=actor, kind=DeliveryKind.INDICTMENT, case=in_court.case, title="X")
    assert not CourtDelivery.objects.exists()
    denied = [e for e in audit_events("access.denied") if "gateway.ecourt.queue" in str(e.data)]
    assert len(denied) == 3


def test_an_indictment_waits_for_the_case_to_be_sent_to_court(people, ca, media):
    from eprok.cases.tests.factories import make_case

    case = make_case(actor=people.investigator, unit=people.unit, supervisor=people.supervisor)
    with pytest.raises(Conflict):
        ecourt.delivery_queue(actor=people.supervisor, kind=DeliveryKind.INDICTMENT, case=case, title="X")
    with pytest.raises(ValidationFailed):  # no proceeding: the court must be chosen
        ecourt.delivery_queue(
            actor=people.supervisor, kind=DeliveryKind.SEARCH, case=case, title="X", text="Y"
        )


def test_the_manifest_is_json_with_the_checksums(in_court, xroad_ecourt, django_capture_on_commit_callbacks):
    delivery = send_indictment(in_court, django_capture_on_commit_callbacks)
    data = json.loads(ecourt.manifest_json(delivery))
    assert all(len(f["sha256"]) == 64 for f in data["files"])


def test_without_a_signed_indictment_the_package_carries_one_made_from_the_template(people, ca, media):
    from eprok.cases.models import Case, CaseStatus
    from eprok.cases.tests.factories import make_case
    from eprok.courtwork.models import Court

    case = make_case(actor=people.investigator, unit=people.unit, supervisor=people.supervisor)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SENT_TO_COURT)
    case.refresh_from_db()
    package = ecourt.package_build(
        actor=people.supervisor,
        case=case,
        kind=DeliveryKind.INDICTMENT,
        title="İttiham aktı",
        court=Court.objects.get(code="baku-serious-crimes"),
    )
    assert [f.role for f in package.files] == ["generated"]
    embedded = attachments(package.content)[package.files[0].name]
    assert embedded.startswith(b"%PDF") and hashlib.sha256(embedded).hexdigest() == package.files[0].sha256
