"""The courtwork app: state prosecution in court (Elektron İttiham)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtworkConfig(AppConfig):
    name = "eprok.courtwork"
    label = "courtwork"
    verbose_name = _("State prosecution in court")
