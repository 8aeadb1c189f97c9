"""The appeals app: registers its explainer, audit labels, deadline recomputer and "My work" hooks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "eprok.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from eprok.appeals import explain, labels, work
        from eprok.core.calendar import tracking
        from eprok.core.calendar.access import register_unit_list_roles
        from eprok.org.roles import Role

        explain.register()
        labels.register()
        # The unit's overdue list (/deadlines/) shows these terms to the heads of the register.
        register_unit_list_roles("appeals.appeal", (Role.REGISTER_APPEALS, Role.ANSWER_APPEALS))
        tracking.register_recomputer("appeals.appeal", work.recompute_appeal_terms)
        # "My work" lists the answer terms through the tracked-deadline index (core's provider), and
        # the appeals waiting for a resolution through work.my_work_items (registered here).
        work.register()
