"""The documents app: files owned by any module's record, their versions, and the correspondence register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "eprok.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from eprok.core.calendar import tracking
        from eprok.core.calendar.access import register_unit_list_roles
        from eprok.documents import owners, work
        from eprok.documents.correspondence import terms
        from eprok.org.roles import Role

        owners.register_builtin_owners()
        # The unit's overdue list (/deadlines/) shows resolution terms to the register's keepers.
        register_unit_list_roles("documents.resolution", (Role.KEEP_CORRESPONDENCE,))
        tracking.register_recomputer("documents.resolution", terms.recompute)
        work.register()
