"""The distance-learning app ("Distant təhsil"): registers the lessons as owners of documents, the
completion hook that stops tracking a completed course's due date and the recomputer of those due dates;
the certificates as owners of documents and their completion hook.

Assigned and mandatory courses reach "My work" through their tracked due dates; a course a learner took up
on their own has no due date and is not work: it stays on "My learning" (and costs the home page no query)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "eprok.learning"
    label = "learning"
    verbose_name = _("Distance learning")

    def ready(self) -> None:
        from eprok.core.calendar.tracking import register_recomputer
        from eprok.learning import explain, labels, owners, progress, services

        labels.register()
        explain.register()
        owners.register()
        progress.register_completion_hook(services.on_completed)
        register_recomputer("learning.enrollment", services.recompute_due)
        # Certificates of completion: their documents' owner type, issued after each completion.
        from eprok.learning import certificates, tasks

        certificates.register()
        progress.register_completion_hook(tasks.on_completion)
