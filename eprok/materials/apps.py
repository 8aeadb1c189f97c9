from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "eprok.materials"
    label = "materials"
    verbose_name = _("Crime reports")

    def ready(self) -> None:
        from eprok.core.calendar import tracking
        from eprok.materials import explain, labels, work

        explain.register()
        labels.register()
        tracking.register_recomputer("materials.material", work.recompute_check_terms)
        # "My work" lists the check through the tracked-deadline index (core's provider), not a provider here.
