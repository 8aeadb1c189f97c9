from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "eprok.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from eprok.org import explain

        explain.register()
