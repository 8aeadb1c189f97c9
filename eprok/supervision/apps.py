"""The supervision app: procedural supervision of investigations by other bodies."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "eprok.supervision"
    label = "supervision"
    verbose_name = _("Procedural supervision")

    def ready(self) -> None:
        from eprok.core.calendar.tracking import register_recomputer
        from eprok.supervision import explain, labels, services

        labels.register()
        explain.register()
        register_recomputer("supervision.supervisedcase", services.recompute_open)
