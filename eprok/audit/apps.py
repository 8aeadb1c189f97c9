from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "eprok.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from eprok.audit import explain

        explain.register()
