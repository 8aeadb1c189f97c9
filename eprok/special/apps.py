"""The special reports app ("Xüsusi məlumatlar"): registers its audit labels, explainer and "My work"."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpecialConfig(AppConfig):
    name = "eprok.special"
    label = "special"
    verbose_name = _("Special reports")

    def ready(self) -> None:
        from eprok.special import explain, labels, work

        labels.register()
        explain.register()
        work.register()
