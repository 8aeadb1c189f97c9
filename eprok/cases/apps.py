from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "eprok.cases"
    label = "cases"
    verbose_name = _("Criminal cases")

    def ready(self) -> None:
        from eprok.cases import explain, labels, terms
        from eprok.core.calendar import tracking

        explain.register()
        labels.register()
        # Running terms reach "My work" and the alerts through the tracked-deadline index (responsible =
        # the investigator in charge, or the supervising prosecutor for an indictment under review).
        tracking.register_recomputer("cases.case", terms.recompute)
