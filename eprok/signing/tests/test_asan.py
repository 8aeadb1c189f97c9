"""Signing with ASAN İmza: the whole mobile flow against the simulator process over real HTTP."""

from __future__ import annotations

import pytest

from eprok.core.errors import ValidationFailed
from eprok.documents.models import DocumentStatus
from eprok.documents.selectors import version_read
from eprok.signing import asan, selectors, services
from eprok.signing.models import AsanProfile, AsanSigning, AsanStatus, Signature

from .conftest import PASSPHRASE

PHONE = "+994501234567"
ASAN_ID = "123456"


def test_the_signer_confirms_on_the_phone_and_the_signature_is_embedded(
    asan_sim, document, people, audit_events, pdfsig, tmp_path
):
    asan_sim.enrol(PHONE, ASAN_ID, "Quliyev Rəşad", fin=people.investigator.fin)
    signing = services.asan_start(
        actor=people.investigator,
        document=document,
        role="author",
        phone="050 123 45 67",
        asan_id=ASAN_ID,
        remember=True,
    )
    assert len(signing.verification_code) == 4 and signing.verification_code.isdigit()
    assert AsanProfile.objects.get(employee=people.investigator).phone == PHONE
    # Not confirmed yet: polling changes nothing.
    assert services.asan_poll(actor=people.investigator, signing=signing).status == AsanStatus.PENDING
    assert document.versions.count() == 1

    asan_sim.confirm(signing.transaction_id)
    done = services.asan_poll(actor=people.investigator, signing=signing)
    assert done.status == AsanStatus.SIGNED and done.signature is not None
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED and document.verification_code == signing.document_code
    signature = Signature.objects.get(document=document)
    assert signature.provider == "asan" and "ASAN" in signature.certificate_issuer
    [row] = selectors.document_signature_status(document)
    assert row.ok, row.report
    assert [e.action for e in audit_events() if e.action.startswith("signing.")] == [
        "signing.asan.start",
        "signing.signature.create",
    ]
    # Polling again does not sign twice.
    assert services.asan_poll(actor=people.investigator, signing=done).status == AsanStatus.SIGNED
    assert Signature.objects.count() == 1

    # An approver signs with the built-in key after it: both stay valid, for us and for pdfsig.
    services.certificate_issue(actor=people.superior, passphrase=PASSPHRASE)
    services.document_sign(actor=people.superior, document=document, role="approver", passphrase=PASSPHRASE)
    document.refresh_from_db()
    rows = selectors.document_signature_status(document)
    assert [r.ok for r in rows] == [True, True]
    output = pdfsig(version_read(document.current_version), tmp_path)
    print(output)
    assert output.count("Signature is Valid.") == 2, output


def test_a_cancel_on_the_phone_stores_nothing(asan_sim, document, people):
    asan_sim.enrol_employee(PHONE, ASAN_ID, people.investigator)
    signing = services.asan_start(
        actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
    )
    asan_sim.cancel(signing.transaction_id)
    assert services.asan_poll(actor=people.investigator, signing=signing).status == AsanStatus.CANCELLED
    document.refresh_from_db()
    assert document.versions.count() == 1 and document.status == DocumentStatus.DRAFT
    assert not Signature.objects.exists()


def test_an_unreachable_or_failing_service_is_a_clear_error(asan_sim, document, people, settings):
    asan_sim.faults(fail=1, status=503)
    with pytest.raises(asan.AsanUnavailable):
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    assert not AsanSigning.objects.exists()
    settings.EPROK_ASAN_CLIENT_SECRET = "wrong"
    with pytest.raises(asan.AsanUnavailable):
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    settings.EPROK_ASAN_URL = "http://127.0.0.1:9"
    with pytest.raises(asan.AsanUnavailable):
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    assert not AsanSigning.objects.exists() and document.versions.count() == 1


def test_a_slow_service_times_out_clearly(asan_sim, document, people, settings):
    settings.EPROK_ASAN_TIMEOUT = 1
    asan_sim.faults(delay=3)
    with pytest.raises(asan.AsanUnavailable):
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    asan_sim.faults(delay=0)


def test_a_bad_phone_or_asan_id_is_refused_before_calling_the_service(document, people, ca):
    with pytest.raises(ValidationFailed) as error:
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone="12", asan_id="abc"
        )
    assert set(error.value.details) == {"phone", "asan_id"}


def test_a_signing_left_unconfirmed_expires(asan_sim, document, people, monkeypatch):
    asan_sim.enrol_employee(PHONE, ASAN_ID, people.investigator)
    import datetime as dt

    from eprok.signing import clock

    signing = services.asan_start(
        actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
    )
    later = clock.now() + dt.timedelta(minutes=10)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert services.asan_poll(actor=people.investigator, signing=signing).status == AsanStatus.EXPIRED
    assert document.versions.count() == 1


def test_the_prepared_copy_is_not_kept_after_the_signing_ends(asan_sim, document, people):
    asan_sim.enrol_employee(PHONE, ASAN_ID, people.investigator)
    signing = services.asan_start(
        actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
    )
    assert bytes(AsanSigning.objects.get(pk=signing.pk).prepared_pdf)
    asan_sim.cancel(signing.transaction_id)
    services.asan_poll(actor=people.investigator, signing=signing)
    ended = AsanSigning.objects.get(pk=signing.pk)
    assert ended.status == AsanStatus.CANCELLED
    assert bytes(ended.prepared_pdf) == b"" and bytes(ended.signed_attrs) == b""


def test_someone_elses_asan_card_is_refused_audited_and_nothing_stored(
    asan_sim, document, people, audit_events
):
    from eprok.core.errors import Conflict

    asan_sim.enrol(PHONE, ASAN_ID, "Başqa Şəxs", fin="9ZZZZZ9")
    with pytest.raises(Conflict) as error:
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    from django.utils.translation import override

    with override("en"):
        assert error.value.code == "asan_not_yours" and "FIN is not yours" in str(error.value.message)
    [event] = audit_events("signing.asan.refuse")
    assert "9ZZZZZ9" in event.data
    assert not AsanSigning.objects.exists() and document.versions.count() == 1
    # A card never enrolled gets a stranger's FIN: refused too.
    with pytest.raises(Conflict) as error:
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id="654321"
        )
    assert error.value.code == "asan_not_yours"


def test_a_certificate_from_an_untrusted_issuer_is_refused(
    asan_sim, document, people, signing_dir, audit_events
):
    from eprok.core.errors import Conflict

    asan_sim.enrol_employee(PHONE, ASAN_ID, people.investigator)
    (signing_dir / "trusted" / "asan.pem").unlink()  # ASAN İmza's root no longer trusted
    with pytest.raises(Conflict) as error:
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    assert error.value.code == "asan_untrusted"
    assert len(audit_events("signing.asan.refuse")) == 1 and not AsanSigning.objects.exists()


def test_an_employee_without_a_fin_cannot_sign_with_asan(asan_sim, document, people):
    from eprok.core.errors import Conflict

    type(people.investigator).objects.filter(pk=people.investigator.pk).update(fin=None)
    people.investigator.refresh_from_db()
    with pytest.raises(Conflict) as error:
        services.asan_start(
            actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
        )
    assert error.value.code == "asan_no_fin" and not AsanSigning.objects.exists()


def test_the_signature_records_the_certificate_subject_with_the_fin(asan_sim, document, people, client):
    from django.urls import reverse

    from eprok.core.testing.access_matrix import login_as

    asan_sim.enrol_employee(PHONE, ASAN_ID, people.investigator)
    signing = services.asan_start(
        actor=people.investigator, document=document, role="author", phone=PHONE, asan_id=ASAN_ID
    )
    asan_sim.confirm(signing.transaction_id)
    services.asan_poll(actor=people.investigator, signing=signing)
    signature = Signature.objects.get()
    assert f"serialNumber={people.investigator.fin}" in signature.certificate_subject
    login_as(client, people.investigator)
    page = client.get(reverse("documents:detail", args=[document.public_id])).content.decode()
    assert people.investigator.fin in page
