"""Demo documents and correspondence for `eprok seed` / `eprok demo`.

A few crime reports, criminal cases and appeals of the demo get real small PDFs (generated here with
WeasyPrint, in Azerbaijani) attached by the people who work them; the Xətai district office's
correspondence register (`karguzar` keeps it) gets incoming and outgoing letters, with resolutions
(dərkənar) for `prokuror` and `mustentiq`, one of them already executed.

Deterministic and idempotent: once `karguzar` has registered a letter, a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from eprok.documents import owners, services
from eprok.documents.correspondence import services as letters
from eprok.documents.models import Correspondence
from eprok.org.grants import forget_grants
from eprok.org.models import Employee, Unit

KEEPER = "karguzar"


@dataclass
class DocumentsSeedReport:
    documents: int = 0
    letters: int = 0
    resolutions: int = 0


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a heading and paragraphs (WeasyPrint, the bundled fonts)."""
    from weasyprint import HTML

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        "<html lang='az'><head><meta charset='utf-8'><style>@page{size:A4;margin:2cm}"
        "body{font-family:'DejaVu Serif',serif;font-size:12pt}h1{font-size:15pt}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def _attach(owner_type: str, owner: Any, actor: Any, title: str, lines: list[str], name: str) -> bool:
    kind = owners.owner_type(owner_type)
    if actor is None or not kind.can_attach(actor, owner):
        return False
    services.document_upload(
        actor=actor,
        owner_type=owner_type,
        owner=owner,
        file=ContentFile(demo_pdf(title, lines), name=name),
        title=title,
    )
    return True


def _seed_casework_documents(report: DocumentsSeedReport) -> None:
    from eprok.appeals.models import Appeal
    from eprok.cases.models import Case, TeamMember
    from eprok.materials.models import Material

    for material in (
        Material.objects.filter(assignee__isnull=False).select_related("unit", "assignee").order_by("pk")[:4]
    ):
        if _attach(
            "materials.material",
            material,
            material.assignee,
            "Hadisə yerinə baxış protokolu",
            [
                f"Material № {material.number}.",
                "Hadisə yerinə baxış aparılmış, izlər götürülmüşdür.",
                "Protokol tərtib edildi.",
            ],
            "baxis-protokolu.pdf",
        ):
            report.documents += 1
    for case in Case.objects.select_related("unit").order_by("pk")[:4]:
        member = (
            TeamMember.objects.filter(case=case, removed_at__isnull=True).select_related("employee").first()
        )
        if member and _attach(
            "cases.case",
            case,
            member.employee,
            "Dindirmə protokolu",
            [f"Cinayət işi № {case.number}.", "Şahid dindirilmiş, ifadəsi protokola yazılmışdır."],
            "dindirme-protokolu.pdf",
        ):
            report.documents += 1
    for appeal in (
        Appeal.objects.filter(executor__isnull=False).select_related("unit", "executor").order_by("pk")[:3]
    ):
        if _attach(
            "appeals.appeal",
            appeal,
            appeal.executor,
            "Ərizəçinin əlavə etdiyi sənəd",
            [f"Müraciət № {appeal.number}.", "Ərizəçi məhkəmə qərarının surətini təqdim etmişdir."],
            "elave.pdf",
        ):
            report.documents += 1


LETTERS: tuple[tuple[str, str, str, str, str, int], ...] = (
    # direction, correspondent, subject, channel, their number, days ago
    ("in", "Bakı Şəhər Baş Polis İdarəsi", "Oğurluq faktları üzrə məlumat", "edms", "15/2-4411", 12),
    ("in", "Ədliyyə Nazirliyi", "Məhkum barədə arayış sorğusu", "post", "3-27/118", 6),
    ("in", "Xətai rayon İcra Hakimiyyəti", "Vətəndaş müraciətinin göndərilməsi", "courier", "01-8/702", 2),
    ("out", "Bakı Şəhər Baş Polis İdarəsi", "Əlavə materialların təqdim edilməsi barədə", "edms", "", 4),
    ("out", "Azərbaycan Respublikasının Daxili İşlər Nazirliyi", "Sorğuya cavab", "post", "", 1),
)


def seed_documents() -> DocumentsSeedReport:
    report = DocumentsSeedReport()
    keeper = Employee.objects.filter(username=KEEPER).first()
    if keeper is None or Correspondence.objects.filter(registered_by=keeper).exists():
        return report
    forget_grants(keeper)
    _seed_casework_documents(report)
    unit = Unit.objects.get(code="baku-xetai")
    prosecutor = Employee.objects.filter(username="prokuror").first()
    investigator = Employee.objects.filter(username="mustentiq").first()
    now = timezone.now()
    for index, (direction, correspondent, subject, channel, their_number, days) in enumerate(LETTERS):
        letter = letters.correspondence_register(
            actor=keeper,
            unit=unit,
            direction=direction,
            correspondent=correspondent,
            subject=subject,
            channel=channel,
            their_number=their_number,
            their_date=(now - dt.timedelta(days=days + 2)).date() if their_number else None,
            summary="",
            registered_at=now - dt.timedelta(days=days),
        )
        report.letters += 1
        if _attach(
            "documents.correspondence",
            letter,
            keeper,
            "Məktubun skan surəti" if direction == "in" else "Göndərilən məktub",
            [f"№ {letter.number}", subject, correspondent],
            "mektub.pdf",
        ):
            report.documents += 1
        if direction != "in":
            if index == len(LETTERS) - 2:
                letters.correspondence_mark_sent(actor=keeper, letter=letter)
            continue
        executor = prosecutor if index % 2 == 0 else investigator
        if executor is None:
            continue
        resolution = letters.resolution_add(
            actor=keeper,
            letter=letter,
            text="Araşdırılsın, cavab layihəsi hazırlanıb təqdim edilsin.",
            executor=executor,
            author=prosecutor or keeper,
        )
        report.resolutions += 1
        if index == 0:
            letters.resolution_complete(
                actor=executor, resolution=resolution, report="Sorğu üzrə məlumat hazırlanıb göndərilmişdir."
            )
    return report
