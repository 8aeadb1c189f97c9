"""The courtwork app: state prosecution in court (Elektron İttiham)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtworkConfig(AppConfig):
    name = "eprok.courtwork"
    label = "courtwork"
    verbose_name = _("State prosecution in court")

    def ready(self) -> None:
        from eprok.core.calendar import tracking
        from eprok.core.calendar.access import register_unit_list_roles
        from eprok.courtwork import explain, labels, services, signals
        from eprok.org.roles import Role

        labels.register()
        explain.register()
        # The term to appeal a decision reaches the state prosecutor's "My work" and the alerts through the
        # tracked-deadline index; the unit's overdue list shows it to the holders of "prosecute".
        register_unit_list_roles("courtwork.proceeding", (Role.PROSECUTE,))
        tracking.register_recomputer("courtwork.proceeding", services.recompute)
        signals.connect()
