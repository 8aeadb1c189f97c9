"""Every template of the library generated for a record of every owner type it applies to.

The PDFs and DOCX files are rendered once per test session by the first test that asks (its database
transaction is rolled back like any test's); the other parametrised tests read the bytes kept in memory.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from eprok.drafting.azdate import long_date
from eprok.drafting.library import manifest
from eprok.drafting.tests.conftest import build_world

PAIRS = [(item["code"], label) for item in manifest() for label in item["owner_types"]]

# Fields each template must show, beyond the letterhead, number, date and signatory every one shows.
CASE_ACCUSED = "Öztürk Əli Ğafar oğlu"
CASE_VICTIM = "Çingizoğlu Şəhla Ağa qızı"
CASE_SUSPECT = "Güləliyev Ülvi İlqar oğlu"
EXPECTED: dict[tuple[str, str], list[str]] = {
    ("case_open", "materials.material"): ["177.2.3-cü maddəsi", "Oğurluq", "Məmmədova Gülşən Əli qızı"],
    ("case_open", "cases.case"): ["177.2.3-cü maddəsi", "Oğurluq"],
    ("case_open_refusal", "materials.material"): ["Məmmədova Gülşən Əli qızı", "39.1"],
    ("victim_recognition", "cases.case"): [CASE_VICTIM, "87-ci maddəsini"],
    ("suspect_notice", "cases.case"): [CASE_SUSPECT, "90-cı maddəsinə"],
    ("charge_decision", "cases.case"): [CASE_ACCUSED, "177.2.3-cü (Oğurluq)"],
    ("arrest_motion", "cases.case"): [CASE_ACCUSED, "Nəsibova"],
    ("arrest_extension_motion", "cases.case"): [CASE_ACCUSED],
    ("investigation_extension_motion", "cases.case"): ["218.6"],
    ("case_termination", "cases.case"): [CASE_ACCUSED, CASE_VICTIM],
    ("indictment", "cases.case"): [CASE_ACCUSED, CASE_VICTIM, "İTTİHAM AKTI"],
    ("prosecutor_instruction", "cases.case"): ["Quliyev", "84-cü maddəsini"],
    ("summons", "cases.case"): [CASE_VICTIM, "ÇAĞIRIŞ VƏRƏQƏSİ"],
    ("summons", "materials.material"): ["Məmmədova Gülşən Əli qızı"],
    ("appeal_answer", "appeals.appeal"): ["Məmmədov Vüqar Nazim oğlu", "Babək prospekti 12"],
    ("appeal_forwarding", "appeals.appeal"): ["Məmmədov Vüqar Nazim oğlu", "7.10"],
    ("appeal_forwarding", "contact.call"): ["Şirinov İsmayıl"],
    ("forwarding_notice", "appeals.appeal"): ["Məmmədov Vüqar Nazim oğlu"],
    ("forwarding_notice", "contact.call"): ["Şirinov İsmayıl"],
    ("applicant_receipt", "materials.material"): ["Məmmədova Gülşən Əli qızı", "5ZJ7K2P"],
    ("applicant_receipt", "appeals.appeal"): ["Məmmədov Vüqar Nazim oğlu"],
    ("applicant_receipt", "contact.call"): ["Şirinov İsmayıl"],
    ("information_request", "cases.case"): ["SORĞU", "85-ci maddəsini"],
    ("information_request", "documents.correspondence"): ["daxil olan məktub"],
    ("applicant_receipt", "documents.correspondence"): ["Xətai Rayon İcra Hakimiyyəti"],
    ("decision_notice", "materials.material"): ["Məmmədova Gülşən Əli qızı", "449-cu maddəsinə"],
    ("decision_notice", "cases.case"): [CASE_VICTIM],
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def _shows(expected: str, text: str) -> bool:
    """`expected` in `text`; pdftotext drops a hyphen where a line broke after it ("177.2.3-" / "cü")."""
    return expected in text or expected.replace("-", "") in text.replace("-", "")


def _pdftotext(data: bytes) -> str:
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    result = subprocess.run(command, input=data, capture_output=True, check=True)  # noqa: S603
    return _flat(result.stdout.decode("utf-8"))


def _pdffonts(data: bytes, tmp: Any) -> str:
    path = tmp / "doc.pdf"
    path.write_bytes(data)
    command = ["pdffonts", str(path)]
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout  # noqa: S603


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _flat(" ".join(parts))


_CACHE: dict[Any, Any] = {}


@pytest.fixture
def generated(db, tmp_path_factory) -> dict[str, Any]:
    if not _CACHE:
        _CACHE.update(_generate_all(tmp_path_factory))
    return _CACHE


def _generate_all(tmp_path_factory: Any) -> dict[Any, Any]:
    from eprok.documents.owners import owner_type
    from eprok.documents.selectors import version_read
    from eprok.drafting import services
    from eprok.drafting.models import Generation, Template

    media = tmp_path_factory.mktemp("drafting-media")
    results: dict[Any, Any] = {}
    with override_settings(MEDIA_ROOT=media, EPROK_CLAMAV_SOCKET=""), transaction.atomic():
        world = build_world()
        results["world"] = {
            "office": "XƏTAİ RAYON PROKURORLUĞU",
            "signatory": "R. Quliyev",
            "today": long_date(timezone.localdate()),
            "numbers": {label: owner_type(label).key_of(rec) for label, rec in world.records.items()},
        }
        for template in Template.objects.all():
            for label in template.owner_type_list:
                kind = owner_type(label)
                owner = world.records[label]
                row: dict[str, Any] = {}
                for fmt in ("pdf", "docx"):
                    document = services.document_generate(
                        actor=world.investigator,
                        template=template,
                        kind=kind,
                        owner=owner,
                        output_format=fmt,
                    )
                    version = document.current_version
                    generation = Generation.objects.select_related("version").get(document=document)
                    row[fmt] = {
                        "bytes": version_read(version),
                        "category": document.category,
                        "kind": document.kind,
                        "status": document.status,
                        "reason": version.reason,
                        "source": version.source,
                        "generation_version": generation.version.number,
                        "generation_format": generation.output_format,
                        "title": document.title,
                    }
                results[(template.code, label)] = row
        transaction.set_rollback(True)
    return results


def test_the_library_has_at_least_twenty_templates_in_every_owner_type():
    codes = {code for code, _label in PAIRS}
    assert len(codes) >= 20
    assert {label for _code, label in PAIRS} == {
        "cases.case",
        "materials.material",
        "appeals.appeal",
        "contact.call",
        "documents.correspondence",
    }


@pytest.mark.parametrize(("code", "label"), PAIRS)
def test_pdf_shows_the_record_fields_with_azerbaijani_letters(generated, code, label, tmp_path):
    world = generated["world"]
    row = generated[(code, label)]["pdf"]
    assert row["bytes"].startswith(b"%PDF-")
    text = _pdftotext(row["bytes"])
    assert world["office"] in text
    assert f"№ {world['numbers'][label] if label != 'contact.call' else ''}" in text
    assert world["today"] in text  # "29 noyabr 2026-cı il"
    assert world["signatory"] in text
    for expected in EXPECTED.get((code, label), []):
        assert _shows(expected, text), f"{code} for {label}: {expected!r} missing"
    assert not re.search(r"\[[a-z_]+\.[a-z_]+\]", text)  # no specimen placeholder leaked
    fonts = _pdffonts(row["bytes"], tmp_path)
    font_rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and all("Eprok-Document" in line for line in font_rows), fonts
    assert all(re.search(r"\s+yes\s+yes\s+yes\s+\d+\s+\d+$", line) for line in font_rows), fonts


@pytest.mark.parametrize(("code", "label"), PAIRS)
def test_generation_records_the_template_version(generated, code, label):
    for fmt in ("pdf", "docx"):
        row = generated[(code, label)][fmt]
        assert row["category"] == code
        assert row["kind"] == "generated"
        assert row["status"] == "draft"
        assert row["source"] == "generated"
        assert row["reason"] == f"{code} v1"
        assert row["generation_version"] == 1
        assert row["generation_format"] == fmt


@pytest.mark.parametrize(("code", "label"), PAIRS)
def test_docx_opens_and_shows_the_fields(generated, code, label):
    world = generated["world"]
    row = generated[(code, label)]["docx"]
    text = _docx_text(row["bytes"])
    assert world["office"] in text
    assert world["today"] in text
    assert world["signatory"] in text
    for expected in EXPECTED.get((code, label), []):
        assert expected in text, f"{code} for {label}: {expected!r} missing from the DOCX"


def test_the_case_pdf_cites_the_article_title_and_the_dates(generated):
    text = _pdftotext(generated[("case_open", "cases.case")]["pdf"]["bytes"])
    assert _shows("Azərbaycan Respublikası Cinayət Məcəlləsinin 177.2.3-cü maddəsi («Oğurluq»)", text)
    assert re.search(
        r"\d{1,2} (yanvar|fevral|mart|aprel|may|iyun|iyul|avqust|sentyabr|oktyabr|noyabr|dekabr) "
        r"\d{4}-c[iıuü] il",
        text,
    )


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils missing")
def test_pdf_is_a4(generated, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(generated[("indictment", "cases.case")]["pdf"]["bytes"])
    command = ["pdfinfo", str(path)]
    info = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert "595.276 x 841.89" in info or "(A4)" in info
