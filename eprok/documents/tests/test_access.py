"""Who sees and changes documents: the owner's rules decide, clearance caps, 404 for the invisible.

Over every page and API operation of a document and of an owner's panel.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.core.testing.api import bearer, make_token
from eprok.documents import access, services
from eprok.documents.tests import samples
from eprok.org.roles import Clearance

pytestmark = pytest.mark.django_db

SEE = {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 200, "superior": 200}
CHANGE = {"anonymous": 302, "outsider": 404, "colleague": 404, "superior": 403}


def _document(people, owner, owner_type="materials.material"):
    return services.document_upload(
        actor=people.investigator,
        owner_type=owner_type,
        owner=owner,
        file=samples.as_upload(samples.pdf_with_text(), "arayış.pdf"),
        title="Arayış",
    )


def test_document_pages_follow_the_owner(client, people, material):
    document = _document(people, material)
    pid = document.public_id
    assert_access_matrix(client, people, reverse("documents:detail", args=[pid]), SEE)
    assert_access_matrix(client, people, reverse("documents:download", args=[pid, 1]), SEE)
    assert_access_matrix(
        client, people, reverse("documents:panel", args=["materials.material", material.number]), SEE
    )
    upload = reverse("documents:upload", args=["materials.material", material.number])
    assert_access_matrix(client, people, upload, CHANGE, method="post", data={})
    for name in ("new_version", "withdraw", "ocr"):
        assert_access_matrix(
            client, people, reverse(f"documents:{name}", args=[pid]), CHANGE, method="post", data={}
        )


def test_case_document_outsider_and_colleague_get_404(client, people, case):
    document = _document(people, case, "cases.case")
    assert_access_matrix(
        client, people, reverse("documents:detail", args=[document.public_id]), {**SEE, "superior": 200}
    )


def test_clearance_below_the_classification_hides_the_document(client, people, material):
    people.investigator.clearance = Clearance.SECRET
    people.investigator.save()
    secret = services.document_upload(
        actor=people.investigator,
        owner_type="materials.material",
        owner=material,
        file=samples.as_upload(samples.pdf_with_text(), "məxfi.pdf"),
        title="Məxfi arayış",
        classification=Clearance.SECRET,
    )
    # The supervisor sees the report but holds only "for official use": the document is not there.
    assert_access_matrix(
        client,
        people,
        reverse("documents:detail", args=[secret.public_id]),
        {"superior": 404, "investigator": 200},
    )
    assert not access.visible_to(people.superior).filter(pk=secret.pk).exists()
    assert access.visible_to(people.investigator).filter(pk=secret.pk).exists()
    client.force_login(people.superior)
    from eprok.core.testing.access_matrix import login_as

    login_as(client, people.superior)
    panel = client.get(reverse("documents:panel", args=["materials.material", material.number]))
    assert "Məxfi arayış" not in panel.content.decode()


def test_unknown_owner_type_and_malformed_ids_are_404(client, people, material):
    from eprok.core.testing.access_matrix import login_as

    login_as(client, people.investigator)
    assert client.get(reverse("documents:panel", args=["auth.user", "1"])).status_code == 404
    assert client.get("/documents/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert (
        client.get(f"/documents/{_document(people, material).public_id}/versions/9/download/").status_code
        == 404
    )


def test_api_operations_follow_the_owner(client, people, material):
    document = _document(people, material)
    pid = document.public_id
    base = "/api/v1/documents"
    for name, want_read, want_write in (
        ("outsider", 404, 404),
        ("colleague", 404, 404),
        ("superior", 200, 403),
        ("investigator", 200, None),
    ):
        headers = bearer(make_token(getattr(people, name)))
        assert client.get(f"{base}/{pid}", headers=headers).status_code == want_read, name
        assert client.get(f"{base}/{pid}/versions/1/download", headers=headers).status_code == want_read, name
        assert client.get(f"{base}/{pid}/ocr", headers=headers).status_code == want_read, name
        assert (
            client.get(f"{base}/of/materials.material/{material.number}", headers=headers).status_code
            == want_read
        )
        if want_write is not None:
            r = client.post(
                f"{base}/{pid}/withdraw", {"reason": "x"}, content_type="application/json", headers=headers
            )
            assert r.status_code == want_write, name
            r = client.post(f"{base}/{pid}/ocr", headers=headers)
            assert r.status_code == want_write, name
            r = client.post(
                f"{base}/of/materials.material/{material.number}",
                {"file": samples.as_upload(b"qeyd", "q.txt")},
                headers=headers,
            )
            assert r.status_code == (404 if want_write == 404 else 403), name
    assert client.get(f"{base}/{pid}").status_code == 401
