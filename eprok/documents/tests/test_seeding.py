"""The documents demo: letters with resolutions in the Xətai register and real PDFs on records, once."""

from __future__ import annotations

import pytest

from eprok.core.models import TrackedDeadline
from eprok.documents.models import Correspondence, Document, Resolution, ResolutionStatus
from eprok.documents.seeding import seed_documents
from eprok.org.seeding import seed

pytestmark = pytest.mark.django_db


def test_the_demo_register_and_documents_are_seeded_once(media):
    seed(scale=1)
    report = seed_documents()
    assert report.letters == 5 and report.resolutions == 3
    assert Correspondence.objects.filter(direction="in").count() == 3
    assert Resolution.objects.filter(status=ResolutionStatus.DONE).count() == 1
    assert TrackedDeadline.objects.filter(owner_type="documents.resolution", state="open").count() == 2
    letter_scans = Document.objects.filter(owner_type="documents.correspondence")
    assert letter_scans.count() == 5
    assert all(d.current_version and d.current_version.file_kind == "pdf" and d.text for d in letter_scans)
    assert seed_documents().letters == 0
