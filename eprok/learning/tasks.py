"""The worker's side of certificates (`eprok worker`): issuing one after an enrolment is completed.

`on_completion` is a progress completion hook (it runs after the completing transaction commits) and
queues `certificate_issue_task`; if the worker is down or the issue fails, the enrolment stays completed
and `issue_missing_certificates` (the learning sweep) issues the certificate later. Issuing twice is
harmless: the second run finds the certificate.
"""

from __future__ import annotations

import logging

from django_tasks import task

from eprok.audit.context import audited_task
from eprok.learning.models import Enrollment, EnrollmentStatus

logger = logging.getLogger("eprok.learning.certificates")


@task()
@audited_task
def certificate_issue_task(enrollment_pk: int) -> bool:
    """Issue the enrolment's certificate; False (logged, left to the sweep) when that failed."""
    from eprok.learning.certificates import certificate_issue
    from eprok.signing.ca import CaMissing

    enrollment = Enrollment.objects.filter(pk=enrollment_pk).first()
    if enrollment is None:
        return False
    try:
        certificate_issue(enrollment=enrollment)
    except CaMissing:
        logger.warning(
            "no signing CA yet (manage.py signing_ca init): enrolment %s waits for its certificate",
            enrollment_pk,
        )
        return False
    except Exception:
        logger.exception("could not issue the certificate of enrolment %s; the sweep retries", enrollment_pk)
        return False
    return True


@task()
@audited_task
def certificates_sweep_task() -> int:
    """Issue the certificates missing for completed enrolments (the learning sweep may enqueue it)."""
    from eprok.learning.certificates import issue_missing_certificates

    return issue_missing_certificates()


def on_completion(enrollment: Enrollment) -> None:
    """The completion hook: queue the certificate of a completed course that awards one."""
    if enrollment.status != EnrollmentStatus.COMPLETED:
        return
    if not Enrollment.objects.filter(pk=enrollment.pk, course__certificate=True).exists():
        return
    try:
        certificate_issue_task.enqueue(enrollment.pk)
    except Exception:
        logger.exception(
            "could not queue the certificate of enrolment %s; the sweep issues it", enrollment.pk
        )
