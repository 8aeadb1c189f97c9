"""The protocol (report) of a held training event as a PDF: the organiser's header, the event's data, the
trainers, the attendance list (present or absent, and how it was recorded), the evaluation averages and the
protocol text. Rendered in the active language with `eprok.drafting.render.pdf_from_html`."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from eprok.drafting.azdate import az_upper
from eprok.drafting.render import FONT_FAMILY, pdf_from_html
from eprok.training import selectors
from eprok.training.models import TrainingEvent

TEMPLATE = "training/protocol_pdf.html"

STYLE = """
@page {
  size: A4;
  margin: 2cm 1.5cm 2cm 2.5cm;
  @bottom-center { content: counter(page) " / " counter(pages); font-family: "%(family)s"; font-size: 9pt; }
}
html { font-family: "%(family)s", serif; font-size: 11pt; line-height: 1.3; color: #000; }
.letterhead { text-align: center; font-weight: 700; border-bottom: 1.5pt solid #000; padding-bottom: 4pt; }
.letterhead-parent { font-size: 10pt; }
.letterhead-office { font-size: 12pt; }
h1 { font-size: 13pt; text-align: center; margin: 12pt 0 4pt; }
p.meta { text-align: center; margin: 0 0 10pt; }
h2 { font-size: 11.5pt; margin: 12pt 0 4pt; border-bottom: 0.5pt solid #000; }
table { width: 100%%; border-collapse: collapse; margin: 4pt 0 8pt; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; font-size: 10pt; }
table.facts th { width: 5.5cm; font-weight: 400; font-style: italic; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.number { width: 1%%; white-space: nowrap; }
.prewrap { white-space: pre-wrap; }
.signature { margin-top: 24pt; }
"""


def _upper(unit: Any, language: str) -> str:
    """The unit's name in capitals; an Azerbaijani name (also the fallback of a missing translation) keeps
    its dotted İ."""
    name = unit.name
    return az_upper(name) if language.startswith("az") or name == unit.name_az else name.upper()


def protocol_html(event: TrainingEvent, *, printed_by: Any) -> str:
    card = selectors.event_card(event=event)
    language = translation.get_language() or "az"
    organiser = event.organiser
    parent = organiser.parent if organiser.parent_id else None
    return render_to_string(
        TEMPLATE,
        {
            "event": event,
            "card": card,
            "summary": selectors.evaluation_summary(event=event),
            "office_name": _upper(organiser, language),
            "parent_name": _upper(parent, language) if parent else "",
            "printed_by": getattr(printed_by, "full_name", "") or str(printed_by or ""),
            "printed_at": timezone.localtime(),
            "language": language,
        },
    )


def render_protocol(event: TrainingEvent, *, printed_by: Any) -> bytes:
    """The protocol of the event as an A4 PDF."""
    return pdf_from_html(protocol_html(event, printed_by=printed_by), style=STYLE % {"family": FONT_FAMILY})
