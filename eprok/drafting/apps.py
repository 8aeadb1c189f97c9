"""The drafting app: templates of procedural acts and letters, and generation of documents from them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DraftingConfig(AppConfig):
    name = "eprok.drafting"
    label = "drafting"
    verbose_name = _("Drafting")

    def ready(self) -> None:
        from eprok.drafting import integration

        integration.register()
