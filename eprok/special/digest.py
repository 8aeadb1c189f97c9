"""The printable daily digest of special reports for the leadership: the reports submitted and the follow-ups
added in the period (`selectors.digest`), as an A4 PDF in the active language.

The HTML comes from `special/digest.html`; `eprok.drafting.render.pdf_from_html` adds the bundled document
font and renders it with a fetcher that refuses every URL but those fonts. Every page carries the highest
classification among the reports in it (at least "For official use": the digest is an internal document)
and its page number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from eprok.drafting.render import FONT_FAMILY, pdf_from_html
from eprok.org.models import Unit
from eprok.org.roles import Clearance
from eprok.special.models import FollowUp, SpecialReport
from eprok.special.selectors import Digest

TEMPLATE = "special/digest.html"
# The floor of the marking: an empty digest is still an internal document of the service.
MINIMUM_CLASSIFICATION = Clearance.OFFICIAL


@dataclass
class DigestEntry:
    """One report as the digest prints it."""

    report: SpecialReport
    district: str
    ack_minutes: int | None
    follow_ups: list[FollowUp] = field(default_factory=list)


def classification_of(digest: Digest) -> Clearance:
    """The highest classification among the reports the digest shows (their follow-ups' reports included)."""
    levels = [report.classification for report in digest.reports]
    levels += [follow_up.report.classification for follow_up in digest.follow_ups]
    return Clearance(max([int(MINIMUM_CLASSIFICATION), *levels]))


def _district_names(codes: set[str]) -> dict[str, str]:
    """A district's name: the name of the service's office for it (as the submission form names it)."""
    names: dict[str, str] = {}
    for unit in Unit.objects.filter(district_code__in=codes).order_by("-is_active", "path"):
        names.setdefault(unit.district_code, unit.name)
    return names


def _ack_minutes(report: SpecialReport) -> int | None:
    """Whole minutes from delivery to acknowledgement, rounded up (so "15 min" is never late for 15)."""
    seconds = report.ack_seconds
    return None if seconds is None else math.ceil(seconds / 60)


def entries(digest: Digest) -> tuple[list[DigestEntry], list[FollowUp]]:
    """The reports with their follow-ups of the period, and the period's follow-ups to earlier reports."""
    names = _district_names({report.district_code for report in digest.reports})
    result = [
        DigestEntry(
            report=report,
            district=names.get(report.district_code, report.district_code),
            ack_minutes=_ack_minutes(report),
        )
        for report in digest.reports
    ]
    by_report = {entry.report.pk: entry for entry in result}
    earlier: list[FollowUp] = []
    for follow_up in digest.follow_ups:
        entry = by_report.get(follow_up.report_id)
        if entry is None:
            earlier.append(follow_up)
        else:
            entry.follow_ups.append(follow_up)
    for entry in result:
        entry.follow_ups.sort(key=lambda item: item.sequence)
    return result, earlier


def _css_string(text: str) -> str:
    """`text` as a CSS string literal: letters, digits and some punctuation as they are, the rest escaped."""
    safe = " .,:;-()/№"
    return '"' + "".join(c if c.isalnum() or c in safe else f"\\{ord(c):x} " for c in text) + '"'


STYLE = """
@page {
  size: A4;
  margin: 2cm 1.5cm 2cm 2cm;
  @top-right { content: %(marking)s; font-family: "%(family)s"; font-size: 9pt; font-weight: 700; }
  @bottom-left { content: %(marking)s; font-family: "%(family)s"; font-size: 9pt; font-weight: 700; }
  @bottom-right {
    content: %(page)s " " counter(page) "/" counter(pages); font-family: "%(family)s"; font-size: 9pt;
  }
}
html { font-family: "%(family)s", serif; font-size: 10.5pt; line-height: 1.3; color: #000; }
h1 { font-size: 14pt; text-align: center; margin: 0 0 8pt; }
h2 { font-size: 12pt; margin: 14pt 0 6pt; border-bottom: 1pt solid #000; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; page-break-after: avoid; break-after: avoid; }
p { margin: 0 0 4pt; }
.meta { text-align: center; }
.summary { font-weight: 700; margin: 8pt 0; }
.empty { font-style: italic; margin-top: 12pt; }
table { width: 100%%; border-collapse: collapse; margin: 4pt 0 8pt; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; }
th { font-weight: 700; }
td.count, th.count { text-align: right; width: 4.2cm; }
tr { page-break-inside: avoid; break-inside: avoid; }
td.number { white-space: nowrap; width: 1%%; }
table.facts th { width: 5cm; font-weight: 400; font-style: italic; }
.prewrap { white-space: pre-wrap; }
.late { font-weight: 700; }
ol.follow-ups { margin: 0; padding-left: 14pt; }
section.report { page-break-inside: avoid; break-inside: avoid; }
"""


def digest_html(digest: Digest, *, printed_by: Any) -> str:
    """The digest as an HTML document in the active language."""
    reports, earlier = entries(digest)
    name = getattr(printed_by, "full_name", "") or str(printed_by or "")
    return render_to_string(
        TEMPLATE,
        {
            "digest": digest,
            "entries": reports,
            "earlier_follow_ups": earlier,
            "printed_by": name,
            "printed_at": timezone.now(),
            "language": translation.get_language() or "az",
        },
    )


def render_digest(digest: Digest, *, printed_by: Any) -> bytes:
    """The daily digest as an A4 PDF in the active language, with the classification marking on every page."""
    style = STYLE % {
        "family": FONT_FAMILY,
        "marking": _css_string(str(classification_of(digest).label)),
        "page": _css_string(gettext("Page")),
    }
    return pdf_from_html(digest_html(digest, printed_by=printed_by), style=style)
