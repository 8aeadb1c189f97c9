"""`manage.py learning_sweep` (cron, hourly; rerunnable): enrol everyone mandatory training is due for,
close quiz attempts whose time ran out, and issue the certificates a failure left behind."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from eprok.core.context import WorkContext, work_context


class Command(BaseCommand):
    help = (
        "Apply the mandatory-training rules (new and renewed enrolments), close quiz attempts past their "
        "time limit and issue missing certificates; re-running adds nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from eprok.learning.certificates import issue_missing_certificates
        from eprok.learning.quizzes import expire_overdue_attempts
        from eprok.learning.services import mandatory_sweep

        with work_context(WorkContext(source="cli")):
            report = mandatory_sweep()
            expired = expire_overdue_attempts()
            issued = issue_missing_certificates()
        self.stdout.write(
            f"rules {report.rules}: enrolled {report.enrolled} (of them renewals {report.renewed}); "
            f"quiz attempts closed {expired}; certificates issued {issued}"
        )
