from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "eprok.signing"
    label = "signing"
    verbose_name = _("Electronic signature")

    def ready(self) -> None:
        from eprok.signing.sections import register_sections

        register_sections()
