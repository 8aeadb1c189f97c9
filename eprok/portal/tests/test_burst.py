"""A burst of portal submissions through the portal's service loses none and duplicates none.

The count is bounded here (the benchmark in bench/ runs the full 1,000 and reports the rate); nothing
is timed. A fifth of the submissions are sent twice, as a double click or a reload would.
"""

from __future__ import annotations

from typing import Any

import pytest

from eprok.appeals.models import Appeal, Channel
from eprok.appeals.services import ApplicantData
from eprok.portal.services import portal_appeal_submit

BURST = 200

pytestmark = pytest.mark.django_db


def _submit(n: int) -> Any:
    return portal_appeal_submit(
        submission_id=f"burst-{n:05d}",
        kind="application",
        text=f"Müraciət nömrə {n}: sənədlərimin surətini almaq istəyirəm.",
        applicant=ApplicantData(last_name="Həsənli", first_name=f"Vətəndaş{n}", address=f"Bakı, küçə {n}"),
    )


def test_a_burst_of_submissions_loses_none_and_duplicates_none(world: Any) -> None:
    numbers = []
    for n in range(BURST):
        numbers.append(_submit(n).appeal.number)
        if n % 5 == 0:
            assert _submit(n).appeal.number == numbers[-1]  # the same form again: the same appeal
    appeals = Appeal.objects.filter(channel=Channel.PORTAL)
    assert appeals.count() == BURST
    assert len(set(numbers)) == BURST
    assert set(appeals.values_list("number", flat=True)) == set(numbers)
    assert appeals.values("external_id").distinct().count() == BURST
    # Every appeal has its own access code (hashes differ), none left without one.
    assert appeals.exclude(access_code_hash="").values("access_code_hash").distinct().count() == BURST


def test_a_burst_of_anonymous_reports_loses_none_and_gives_every_one_its_own_code(world: Any) -> None:
    from eprok.contact.models import HotlineReport
    from eprok.contact.selectors import hotline_report_for_reporter
    from eprok.contact.services import hotline_report_submit_public

    codes = {}
    for n in range(BURST // 2):
        report, code = hotline_report_submit_public(
            text=f"Rüşvət tələb olundu, hadisə {n}.", place=f"Ünvan {n}"
        )
        codes[report.pk] = code
    assert HotlineReport.objects.count() == BURST // 2
    assert HotlineReport.objects.values("number").distinct().count() == BURST // 2
    assert len(set(codes.values())) == BURST // 2
    sample = list(codes.items())[:: BURST // 10]
    for pk, code in sample:
        found = hotline_report_for_reporter(code=code)
        assert found is not None and found.pk == pk
