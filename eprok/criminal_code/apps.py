from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriminalCodeConfig(AppConfig):
    name = "eprok.criminal_code"
    label = "criminal_code"
    verbose_name = _("Criminal Code")
