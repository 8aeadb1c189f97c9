from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "eprok.materials"
    label = "materials"
    verbose_name = _("Crime reports")

    def ready(self) -> None:
        from eprok.core.calendar import tracking
        from eprok.core.calendar.access import register_unit_list_roles
        from eprok.materials import explain, labels, work
        from eprok.org.roles import Role

        explain.register()
        labels.register()
        # The unit's overdue list (/deadlines/) shows these terms to the heads of the register.
        register_unit_list_roles("materials.material", (Role.SUPERVISE, Role.REGISTER_MATERIALS))
        tracking.register_recomputer("materials.material", work.recompute_check_terms)
        # "My work" lists the check through the tracked-deadline index (core's provider), not a provider here.
