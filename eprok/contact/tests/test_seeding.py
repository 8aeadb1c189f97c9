"""The demo data: every outcome and follow-up appears, and seeding twice adds nothing."""

from __future__ import annotations

import pytest

from eprok.contact.models import (
    Call,
    Callback,
    CallOutcome,
    CallStatus,
    HotlineChannel,
    HotlineIdentity,
    HotlineMessage,
    HotlineReport,
    HotlineStatus,
    Pbx,
    RecordingCopyRequest,
)
from eprok.contact.seeding import overdue_callbacks, seed_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(settings):
    from eprok.org.seeding import seed

    settings.EPROK_CONTACT_UNITS = {"961": "gpo-documents", "161": "acgd-organisation"}
    seed(scale=1)


def test_the_demo_has_calls_of_every_kind_and_seeding_twice_adds_nothing(structure):
    report = seed_contact()
    assert report.pbxs == 2 and Pbx.objects.count() == 2
    calls_961 = Call.objects.filter(centre="961")
    assert calls_961.count() == 151 and Call.objects.filter(centre="161").count() == 80
    outcomes = set(calls_961.values_list("outcome", flat=True))
    assert {
        o.value
        for o in (
            CallOutcome.INFORMATION,
            CallOutcome.APPEAL_REGISTERED,
            CallOutcome.CRIME_REPORT,
            CallOutcome.FORWARDED,
            CallOutcome.OTHER,
        )
    } <= outcomes
    statuses = set(Call.objects.values_list("status", flat=True))
    assert {CallStatus.MISSED, CallStatus.ENDED, CallStatus.REGISTERED} <= statuses
    assert Callback.objects.filter(status="done").exists() and overdue_callbacks() >= 3
    copies = set(RecordingCopyRequest.objects.values_list("status", flat=True))
    assert {"requested", "prepared", "handed_over", "refused"} <= copies
    reports = HotlineReport.objects.all()
    assert 28 <= reports.count() <= 35
    assert len(set(reports.exclude(sector="").values_list("sector", flat=True))) >= 8
    assert {
        HotlineStatus.MATERIAL,
        HotlineStatus.FORWARDED,
        HotlineStatus.EXPLAINED,
        HotlineStatus.IN_REVIEW,
    } <= set(reports.values_list("status", flat=True))
    assert HotlineIdentity.objects.count() == 1
    web = reports.filter(channel=HotlineChannel.WEB)
    assert any(HotlineMessage.objects.filter(report=r).count() == 4 for r in web)
    journey = Call.objects.filter(caller_number="+994502223344")
    assert journey.count() == 2 and journey.filter(outcome=CallOutcome.APPEAL_REGISTERED).exists()

    again = seed_contact()
    assert (again.calls, again.hotline_reports, again.pbxs) == (0, 0, 0)
    assert Call.objects.count() == 231
