from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonsConfig(AppConfig):
    name = "eprok.persons"
    label = "persons"
    verbose_name = _("Persons")

    def ready(self) -> None:
        from eprok.persons import explain, labels

        explain.register()
        labels.register()
