from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "eprok.cases"
    label = "cases"
    verbose_name = _("Criminal cases")

    def ready(self) -> None:
        from eprok.cases import explain, labels, terms
        from eprok.core.calendar import tracking
        from eprok.core.calendar.access import register_unit_list_roles
        from eprok.org.roles import Role

        explain.register()
        labels.register()
        # Running terms reach "My work" and the alerts through the tracked-deadline index (responsible =
        # the investigator in charge, or the supervising prosecutor for an indictment under review).
        # The unit's overdue list (/deadlines/) shows these terms to the heads of the register.
        register_unit_list_roles("cases.case", (Role.SUPERVISE, Role.REGISTER_MATERIALS))
        tracking.register_recomputer("cases.case", terms.recompute)
