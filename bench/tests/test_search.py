"""The documents and search-index seeders and the issue-5 scenarios at a tiny scale, in-process (no server,
no timing asserted)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.db.models import F
from pypdf import PdfReader

from bench.scenarios import BenchContext, load
from bench.scenarios.documents import DocumentGenerate, DocumentSign, recall, scanned_pdf
from bench.scenarios.search import SearchInProcess, raw_statements
from bench.seeding import SeedPlan, seed_employees, seed_structure
from bench.seeding_appeals import seed_appeals
from bench.seeding_casework import seed_cases, seed_materials, seed_persons
from bench.seeding_search import (
    RARE_WORD,
    IndexMismatch,
    TermFolder,
    gpo_reader,
    seed_documents,
    seed_search_index,
    verify_index_sample,
)
from bench.selection import seeded_for
from eprok.appeals.models import Appeal
from eprok.cases.models import Case
from eprok.documents.models import Document
from eprok.materials.models import Material
from eprok.persons.models import Person
from eprok.search.models import SearchEntry
from eprok.search.registry import get_source
from eprok.search.services import build_terms

SCALE = 0.002  # 300 persons, 200 crime reports, 60 cases, 400 appeals, 1,120 documents


@pytest.fixture
def casework(db) -> SeedPlan:
    plan = SeedPlan(scale=SCALE, progress=lambda message: None)
    for seeder in (seed_structure, seed_employees, seed_persons, seed_materials, seed_cases):
        seeder(plan)
    return plan


@pytest.fixture
def seeded(casework) -> SeedPlan:
    for seeder in (seed_appeals, seed_documents, seed_search_index):
        seeder(casework)
    return casework


def _context(tmp_path: Path) -> BenchContext:
    return BenchContext(
        scale=SCALE,
        concurrency=1,
        duration=0.05,
        max_requests=10,
        work_dir=tmp_path,
        baseline_dir=tmp_path / "baseline",
        progress=lambda message: None,
    )


def test_every_record_is_indexed_once_and_a_sample_equals_what_the_search_app_writes(seeded):
    expected = {
        "materials.material": Material.objects.count(),
        "cases.case": Case.objects.count(),
        "appeals.appeal": Appeal.objects.count(),
        "persons.person": Person.objects.count(),
        "documents.document": Document.objects.count(),
    }
    assert expected["documents.document"] == round(560_000 * SCALE)
    report = seeded.report["search_index"]
    assert report["per_type"] == expected
    assert SearchEntry.objects.count() == sum(expected.values())
    assert report["verified_sample"] == 5 * 40
    # Documents carry Azerbaijani text with the common heading; a tenth are classified higher; the
    # rare word is rare.
    documents = expected["documents.document"]
    assert Document.objects.filter(text__contains="AZƏRBAYCAN RESPUBLİKASI").count() == documents
    assert Document.objects.filter(classification=2).exists()
    assert Document.objects.filter(text__contains=RARE_WORD).count() <= max(3, documents // 100)
    # The memoised folding gives build_terms exactly (a small cache, so that it is cleared on the way).
    folder = TermFolder(limit=50)
    for label in ("materials.material", "appeals.appeal", "documents.document"):
        source = get_source(label)
        assert source is not None
        for obj in source.queryset().order_by("pk")[:60]:
            doc = source.document(obj)
            assert doc is not None
            assert folder.build_terms(doc) == build_terms(doc)
    # The GPO reader is created once, with three roles over the whole tree.
    user = gpo_reader(create=True)
    assert gpo_reader(create=True) == user
    assert user.role_assignments.filter(include_subunits=True).count() == 3
    # The candidate scope's columns: a document's entry is decided by its owner, in the owner's unit.
    entry = SearchEntry.objects.filter(label="documents.document").order_by("pk").first()
    assert entry is not None
    owned = Document.objects.get(pk=entry.object_id)
    assert (entry.scope_label, entry.scope_id, entry.classification) == (
        owned.owner_type,
        owned.owner_id,
        owned.classification,
    )
    # The sample check fails when a bulk row differs from what the search app writes, the candidate
    # scope's columns included.
    SearchEntry.objects.filter(label="cases.case").update(scope_unit=None)
    with pytest.raises(IndexMismatch, match=r"cases\.case"):
        verify_index_sample()
    SearchEntry.objects.filter(label="cases.case").update(scope_unit=F("unit"))
    SearchEntry.objects.filter(label="documents.document").update(terms="changed")
    with pytest.raises(IndexMismatch, match=r"documents\.document"):
        verify_index_sample()


def test_the_search_scenario_compares_the_selector_with_the_raw_query(seeded, tmp_path, settings):
    # A bound above this small data set's matches, so that the two readers' totals differ.
    settings.SEARCH_CANDIDATE_LIMIT = 2000
    Document.objects.filter(pk=Document.objects.order_by("pk").values("pk")[:1]).update(classification=1)
    ctx = _context(tmp_path)
    scenario = load()["search"]
    assert isinstance(scenario, SearchInProcess)

    scenario.setup(ctx)
    result = scenario.run(ctx)

    terms = {t["kind"]: t for t in result.data["terms"]}
    assert {"common term", "two common terms", "rare term", "surname, passport spelling"} <= set(terms)
    common = terms["common term"]
    assert common["matches"] > result.data["entries"] / 3
    # The GPO reader sees every record: its total is every match (up to the candidate bound); the
    # district investigator sees a part.
    gpo = common["users"]["GPO reader"]
    district = common["users"]["district investigator"]
    assert gpo["total"] == min(common["matches"], 2000)
    assert 0 < district["total"] < gpo["total"]
    assert terms["surname, passport spelling"]["matches"] == terms["surname, Cyrillic"]["matches"] > 0
    # The raw query is the backend's own expression for the same terms.
    newest, _count, params = raw_statements("Mamedov")
    assert ("MATCH" in newest) or ("@@" in newest)
    assert params


def test_generation_and_signing_scenarios_run_on_the_seeded_cases(casework, tmp_path):
    ctx = _context(tmp_path)
    generate, sign = DocumentGenerate(), DocumentSign()
    generate.setup(ctx)
    sign.setup(ctx)

    generated = generate.run(ctx)
    signed = sign.run(ctx)

    assert generated.data["pdf"]["n"] >= 1 and generated.data["service_docx"]["n"] >= 1
    assert signed.data["author"]["n"] >= 1 and signed.data["approver"]["n"] >= 1
    twice = Document.objects.filter(status="signed", signatures__role="approver").distinct()
    assert twice.exists()
    assert (tmp_path / "signing").is_dir() and (tmp_path / "media").is_dir()


def test_the_scanned_pdf_has_its_pages_and_recall_counts_words():
    content, words = scanned_pdf(pages=2)

    assert len(PdfReader(io.BytesIO(content)).pages) == 2
    assert "PROKURORLUĞU" in words
    assert recall(words, words) == 1.0
    assert recall(words, "") == 0.0


def test_a_reused_database_must_hold_the_optional_data_the_scenarios_read(tmp_path):
    from bench.run import _seeded

    marker = tmp_path / "bench.sqlite.seeded.json"
    assert _seeded(marker, 1.0, None) is None  # never seeded
    marker.write_text(json.dumps({"scale": 1.0, "data": seeded_for(["my_work"]), "seed": {}}))
    assert _seeded(marker, 1.0, ["my_work", "case_card"]) is not None
    assert _seeded(marker, 1.0, ["search"]) is None  # the search index was not loaded
    assert _seeded(marker, 0.5, ["my_work"]) is None  # another scale
    marker.write_text(json.dumps({"scale": 1.0, "data": seeded_for(["search_page"]), "seed": {"x": 1}}))
    assert _seeded(marker, 1.0, ["search", "document_sign"]) == {
        "scale": 1.0,
        "data": {"search": True},
        "seed": {"x": 1},
    }
    assert _seeded(marker, 1.0, None) is not None
