"""The signing API: issue, sign, list, ASAN start/poll, verify, public verification; its access matrix."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.documents.selectors import version_read
from eprok.signing.models import Signature

from .conftest import PASSPHRASE

API = "/api/v1/signing"


def test_issue_sign_list_and_verify_through_the_api(client, ca, document, people, audit_events):
    token = bearer(make_token(people.investigator))
    issued = client.post(
        f"{API}/certificates", {"passphrase": PASSPHRASE}, content_type="application/json", headers=token
    )
    assert issued.status_code == 201 and issued.json()["status"] == "active"
    assert "BEGIN CERTIFICATE" in issued.json()["certificate_pem"]
    short = client.post(
        f"{API}/certificates", {"passphrase": "x"}, content_type="application/json", headers=token
    )
    assert short.status_code == 422 and "passphrase" in short.json()["details"]

    wrong = client.post(
        f"{API}/documents/{document.public_id}/sign",
        {"role": "author", "passphrase": "not the passphrase", "version": 1},
        content_type="application/json",
        headers=token,
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "wrong_passphrase"
    signed = client.post(
        f"{API}/documents/{document.public_id}/sign",
        {"role": "author", "passphrase": PASSPHRASE, "version": 1},
        content_type="application/json",
        headers={**token, "Idempotency-Key": "sign-once-1"},
    )
    assert signed.status_code == 201, signed.content
    again = client.post(
        f"{API}/documents/{document.public_id}/sign",
        {"role": "author", "passphrase": PASSPHRASE, "version": 1},
        content_type="application/json",
        headers={**token, "Idempotency-Key": "sign-once-1"},
    )
    assert again.status_code == 200 and Signature.objects.count() == 1
    stale = client.post(
        f"{API}/documents/{document.public_id}/sign",
        {"role": "author", "passphrase": PASSPHRASE, "version": 1},
        content_type="application/json",
        headers=token,
    )
    assert stale.status_code == 409

    listed = client.get(f"{API}/documents/{document.public_id}/signatures", headers=token).json()
    assert [(s["role"], s["intact"], s["trusted"]) for s in listed] == [("author", True, True)]
    assert len(audit_events("signing.signature.read")) == 1

    document.refresh_from_db()
    content = version_read(document.current_version)
    verified = client.post(
        f"{API}/verify", {"file": SimpleUploadedFile("x.pdf", content)}, headers=token
    ).json()
    assert verified["all_ok"] and verified["registered"] and verified["document"] == str(document.public_id)
    assert verified["signatures"][0]["registered"]
    garbage = client.post(f"{API}/verify", {"file": SimpleUploadedFile("x.pdf", b"GIF89a")}, headers=token)
    assert garbage.status_code == 422

    public = client.get(f"{API}/public/verify/{document.verification_code}")
    body = public.json()
    assert public.status_code == 200 and body["valid"] and body["sha256"] == document.current_version.sha256
    assert "title" not in body and document.title not in public.content.decode()
    missing = client.get(f"{API}/public/verify/ZZZZZZZZZZ")
    assert missing.status_code == 404 and missing.json()["code"] == "no_such_document"


def test_asan_through_the_api(client, asan_sim, document, people):
    asan_sim.enrol_employee("+994501112233", "654321", people.investigator)
    token = bearer(make_token(people.investigator))
    started = client.post(
        f"{API}/documents/{document.public_id}/asan",
        {"role": "author", "phone": "+994501112233", "asan_id": "654321"},
        content_type="application/json",
        headers=token,
    )
    assert started.status_code == 201, started.content
    signing = started.json()
    assert signing["status"] == "pending" and len(signing["verification_code"]) == 4
    assert client.get(f"{API}/asan/{signing['public_id']}", headers=token).json()["status"] == "pending"
    from eprok.signing.models import AsanSigning

    asan_sim.confirm(AsanSigning.objects.get().transaction_id)
    done = client.get(f"{API}/asan/{signing['public_id']}", headers=token).json()
    assert done["status"] == "signed" and done["signature"]["provider"] == "asan"
    other = bearer(make_token(people.superior))
    assert client.get(f"{API}/asan/{signing['public_id']}", headers=other).status_code == 404


def test_asan_unavailable_is_a_503_with_a_clear_message(client, document, people, settings, ca):
    settings.EPROK_ASAN_URL = "http://127.0.0.1:9"
    token = bearer(make_token(people.investigator))
    response = client.post(
        f"{API}/documents/{document.public_id}/asan",
        {"role": "author", "phone": "+994501112233", "asan_id": "654321"},
        content_type="application/json",
        headers=token,
    )
    assert response.status_code == 503 and response.json()["code"] == "asan_unavailable"


def test_the_public_verification_api_is_rate_limited(client, settings, db):
    settings.EPROK_PORTAL_RATE_VERIFY = "2/h"
    codes = [client.get(f"{API}/public/verify/AAAAAAAAA{n}").status_code for n in range(3)]
    assert codes == [404, 404, 429]


def test_the_access_matrix_of_the_api(client, document, people):
    everyone = {"anonymous": 401, "outsider": 404, "colleague": 404, "investigator": 200, "superior": 200}
    assert_access_matrix(client, people, f"{API}/documents/{document.public_id}/signatures", everyone)
    assert_access_matrix(
        client,
        people,
        f"{API}/documents/{document.public_id}/sign",
        {"anonymous": 401, "outsider": 404, "colleague": 404, "superior": 403},
        method="post",
        data={"role": "author", "passphrase": "whatever whatever"},
        content_type="application/json",
    )
    assert_access_matrix(
        client,
        people,
        f"{API}/certificates/mine",
        {"anonymous": 401, "outsider": 200, "colleague": 200, "investigator": 200, "superior": 200},
    )


def test_pem_never_leaks_the_key(client, ca, people):
    token = bearer(make_token(people.investigator))
    body = client.post(
        f"{API}/certificates", {"passphrase": PASSPHRASE}, content_type="application/json", headers=token
    ).json()
    assert "PRIVATE KEY" not in str(body)
    assert base64  # the module is used by other tests of the API


def test_the_passphrase_in_an_api_body_never_shows_in_a_representation():
    import pydantic

    from eprok.signing.schemas import IssueIn, SignIn

    body = SignIn.model_validate({"role": "author", "passphrase": "the secret signing passphrase"})
    assert "the secret signing passphrase" not in repr(body) and "secret" not in str(body)
    assert body.passphrase.get_secret_value() == "the secret signing passphrase"
    with pytest.raises(pydantic.ValidationError):
        IssueIn.model_validate({"passphrase": "x" * 201})
