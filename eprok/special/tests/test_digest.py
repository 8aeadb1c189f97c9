"""The printable daily digest (PDF): what the leadership reads of the last 24 hours, in Azerbaijani letters,
with the classification marking on every page; and `pdf_from_html`, the one way to a PDF with our font."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.utils import timezone, translation

from eprok.org.models import Employee, Unit, UnitKind
from eprok.org.roles import Clearance, Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory, UnitFactory
from eprok.special import selectors, services
from eprok.special.digest import classification_of, render_digest
from eprok.special.models import IncidentType, SpecialReport

pytestmark = pytest.mark.django_db

FROZEN = timezone.make_aware(dt.datetime(2026, 10, 5, 10, 0))  # Asia/Baku
SINCE = "04.10.2026 10:00"
UNTIL = "05.10.2026 10:00"


@dataclass
class World:
    root: Unit
    unit: Unit
    reporter: Employee
    duty: Employee
    clock: Any


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def world(monkeypatch) -> World:
    """The General Prosecutor's Office (the duty unit), a district office reporting, and the clock stopped."""
    root = cast(Unit, UnitFactory(code="gpo", kind=UnitKind.GENERAL_OFFICE, name_az="Baş Prokurorluq"))
    unit = cast(
        Unit,
        UnitFactory(
            code="baku-xetai", parent=root, district_code="baku-xetai", name_az="Xətai rayon prokurorluğu"
        ),
    )
    secret = Clearance.SECRET
    reporter = cast(
        Employee,
        EmployeeFactory(
            username="reporter", unit=unit, last_name="Quliyev", first_name="Rəşad", clearance=secret
        ),
    )
    duty = cast(
        Employee,
        EmployeeFactory(
            username="duty", unit=root, last_name="Əliyeva", first_name="Günay", clearance=secret
        ),
    )
    since = dt.date(2026, 1, 1)
    RoleAssignmentFactory(employee=reporter, role=Role.REPORT_SPECIAL, unit=unit, valid_from=since)
    RoleAssignmentFactory(employee=duty, role=Role.DUTY_PROSECUTOR, unit=root, valid_from=since)
    clock = Clock(FROZEN)
    monkeypatch.setattr(timezone, "now", clock)
    return World(root, unit, reporter, duty, clock)


def _submit(
    world: World, capture: Any, *, at: dt.datetime, code: str = "murder", **fields: Any
) -> SpecialReport:
    """A report submitted at `at` and delivered at once (the queued task runs when the submission commits)."""
    world.clock.now = at
    values: dict[str, Any] = {
        "incident_type": IncidentType.objects.get(code=code),
        "occurred_at": at - dt.timedelta(minutes=30),
        "district_code": "baku-xetai",
        "address": "Bakı, Xətai rayonu, Babək prospekti 10",
        "summary": "Yaşayış binasının həyətində şəxsin meyiti aşkar edilib.",
        **fields,
    }
    with capture(execute=True):
        report = services.report_submit(
            actor=world.reporter, unit=world.unit, data=services.ReportInput(**values)
        )
    report.refresh_from_db()
    assert report.delivered_at == at
    return report


def _acknowledge(world: World, report: SpecialReport, *, after: dt.timedelta) -> None:
    assert report.delivered_at is not None
    world.clock.now = report.delivered_at + after
    services.report_acknowledge(report=report, actor=world.duty)


def _follow_up(world: World, report: SpecialReport, *, at: dt.datetime, text: str) -> None:
    world.clock.now = at
    services.follow_up_add(report=report, actor=world.reporter, text=text)


def _pdf(world: World, *, until: dt.datetime = FROZEN, language: str = "az") -> tuple[bytes, list[str]]:
    """The digest as the duty prosecutor prints it at `until`, and each page's text (spaces normalised)."""
    from pypdf import PdfReader

    world.clock.now = until
    with translation.override(language):
        pdf = render_digest(selectors.digest(user=world.duty), printed_by=world.duty)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return pdf, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


@pytest.fixture
def day(world, django_capture_on_commit_callbacks):
    """Four reports: one 25 hours before the digest (outside), three inside; two acknowledged, a follow-up."""
    capture = django_capture_on_commit_callbacks
    old = _submit(world, capture, at=FROZEN - dt.timedelta(hours=25), summary="Köhnə hadisə.")
    first = _submit(
        world,
        capture,
        at=FROZEN - dt.timedelta(hours=20),
        dead_count=1,
        injured_count=2,
        scene_examined=True,
        articles="120.1",
        urgency="immediate",
    )
    _acknowledge(world, first, after=dt.timedelta(minutes=5))
    second = _submit(world, capture, at=FROZEN - dt.timedelta(hours=10), injured_count=1)
    _acknowledge(world, second, after=dt.timedelta(minutes=40))
    fire = _submit(world, capture, at=FROZEN - dt.timedelta(hours=3), code="major-fire", injured_count=3)
    _follow_up(
        world, first, at=FROZEN - dt.timedelta(hours=1), text="Şübhəli şəxs saxlanılıb, ölçü götürülür."
    )
    return {"old": old, "first": first, "second": second, "fire": fire}


def test_the_digest_shows_the_last_24_hours_in_azerbaijani(world, day):
    _pdf_bytes, pages = _pdf(world)
    text = " ".join(pages)
    assert "Xüsusi məlumatlar: gündəlik icmal" in text
    assert f"Dövr: {SINCE} \N{EN DASH} {UNTIL}" in text
    assert f"Çap etdi: {world.duty.full_name}, {UNTIL}" in text
    for key in ("first", "second", "fire"):
        assert day[key].number in text
    assert day["old"].number not in text and "Köhnə hadisə" not in text
    # The summary, the counts by type (most first), each report's facts and the follow-up of the period.
    assert "Məlumatların sayı: 3. Ölənlər: 1. Xəsarət alanlar: 6." in text
    assert "Hədəf vaxtda qəbul edilib: 2 məlumatdan 1." in text
    assert "Qəsdən adam öldürmə 2" in text and "İri yanğın 1" in text and "Cəmi 3" in text
    assert "Hadisə yerinə baxış keçirilib." in text and "120.1" in text
    assert f"{world.duty.full_name}, 04.10.2026 14:05: çatdırıldıqdan 5 dəq sonra (hədəf 15 dəq)" in text
    assert "40 dəq sonra" in text and "gecikmiş" in text
    assert "Şübhəli şəxs saxlanılıb, ölçü götürülür." in text
    assert f"№ 1, 05.10.2026 09:00, {world.reporter.full_name}:" in text
    assert "Xətai rayon prokurorluğu" in text
    assert "heç bir xüsusi məlumat" not in text
    # In the order submitted.
    assert text.index(day["first"].number) < text.index(day["second"].number) < text.index(day["fire"].number)


def test_every_page_carries_the_highest_classification_and_its_number(
    world, day, django_capture_on_commit_callbacks
):
    _pdf_bytes, pages = _pdf(world)
    assert all("Xidməti istifadə üçün" in page for page in pages)
    assert "Məxfi" not in " ".join(pages)
    assert f"Səhifə 1/{len(pages)}" in pages[0]

    _submit(
        world, django_capture_on_commit_callbacks, at=FROZEN - dt.timedelta(hours=2), code="death-in-custody"
    )
    _pdf_bytes, pages = _pdf(world)
    assert all("Məxfi" in page for page in pages)
    assert "Xidməti istifadə üçün" not in " ".join(pages)
    assert classification_of(selectors.digest(user=world.duty)) == Clearance.SECRET


def test_a_follow_up_to_an_earlier_report_is_listed_and_counts_for_the_marking(
    world, django_capture_on_commit_callbacks
):
    earlier = _submit(
        world, django_capture_on_commit_callbacks, at=FROZEN - dt.timedelta(hours=30), code="death-in-custody"
    )
    _follow_up(
        world, earlier, at=FROZEN - dt.timedelta(hours=2), text="Məhkəmə-tibbi ekspertiza təyin edilib."
    )
    _pdf_bytes, pages = _pdf(world)
    text = " ".join(pages)
    assert "Bu dövrdə heç bir xüsusi məlumat daxil olmayıb." in text
    assert "Əvvəlki məlumatlara əlavə məlumatlar" in text
    assert earlier.number in text and "Məhkəmə-tibbi ekspertiza təyin edilib." in text
    assert all("Məxfi" in page for page in pages)


def test_an_empty_period_says_so_in_a_valid_pdf(world, day):
    _pdf_bytes, pages = _pdf(world, until=FROZEN + dt.timedelta(days=3))
    text = " ".join(pages)
    assert "Xüsusi məlumatlar: gündəlik icmal" in text
    assert "Bu dövrdə heç bir xüsusi məlumat daxil olmayıb." in text
    assert "Məlumatların sayı: 0." in text
    assert not any(day[key].number in text for key in day)
    assert all("Xidməti istifadə üçün" in page for page in pages)


def test_the_digest_follows_the_active_language(world, day):
    _pdf_bytes, pages = _pdf(world, language="ru")
    text = " ".join(pages)
    assert "Специальные сообщения: ежедневная сводка" in text
    assert "Для служебного пользования" in text
    assert "Умышленное убийство 2" in text
    assert "Xüsusi məlumatlar" not in text


def _font_names(pdf: bytes) -> set[str]:
    """The embedded fonts' names without the subset prefix ("ABCDEF+")."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources: Any = page["/Resources"]
        fonts: Any = resources.get_object().get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_the_digest_is_set_in_the_bundled_document_font(world, day):
    pdf, _pages = _pdf(world)
    assert _font_names(pdf) and all(name.startswith("Eprok-Document") for name in _font_names(pdf))


def test_pdf_from_html_puts_the_fonts_in_the_head_even_after_a_dotted_capital_i():
    """Lower-casing "İ" gives two characters; the style must still land before </head>, not inside a tag."""
    from pypdf import PdfReader

    from eprok.drafting.render import FONT_FAMILY, pdf_from_html

    html = (
        "<!doctype html><html><head><title>İİİİ İTTİHAM AKTI</title></HEAD>"
        "<body><p>Şəkərli çörək, ağ gül.</p></body></html>"
    )
    pdf = pdf_from_html(html, style=f'html {{ font-family: "{FONT_FAMILY}"; }}')
    assert "Şəkərli çörək, ağ gül." in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert {name.split("-Semi")[0] for name in _font_names(pdf)} == {"Eprok-Document"}
    with pytest.raises(ValueError):
        pdf_from_html(html, style="</style><script>")


def test_the_duty_prosecutor_prints_the_digest_from_the_page(world, day, signed_in, audit_events):
    from django.urls import reverse
    from pypdf import PdfReader

    world.clock.now = FROZEN
    response = signed_in(world.duty).get(reverse("special:digest"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="special-digest-20261005-1000.pdf"' in response["Content-Disposition"]
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Xüsusi məlumatlar: gündəlik icmal" in " ".join(text.split())
    assert day["fire"].number in text and day["old"].number not in text
    (event,) = audit_events("special.report.digest_printed")
    assert event.actor_id == world.duty.pk
