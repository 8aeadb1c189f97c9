"""The supervision app: procedural supervision of investigations by other bodies."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "eprok.supervision"
    label = "supervision"
    verbose_name = _("Procedural supervision")
