"""The documents app: files owned by any module's record, their versions, and the correspondence register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "eprok.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from eprok.documents import owners

        owners.register_builtin_owners()
