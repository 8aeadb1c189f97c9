from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "eprok.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from eprok.core import collation, mywork
        from eprok.core.calendar import tracking

        collation.install()
        mywork.register_provider(tracking.my_work_items, name="core.deadlines")
