from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactConfig(AppConfig):
    name = "eprok.contact"
    label = "contact"
    verbose_name = _("Call centre and hotline")

    def ready(self) -> None:
        from eprok.contact import explain, work
        from eprok.core.calendar import tracking
        from eprok.core.calendar.access import register_unit_list_roles
        from eprok.core.mywork import register_provider
        from eprok.org.roles import Role

        explain.register()
        register_provider(work.my_callbacks, name="contact.callbacks")
        # The unit's overdue list (/deadlines/) shows the copy requests to the call centre's supervisors.
        register_unit_list_roles("contact.recordingcopyrequest", (Role.SUPERVISE_CALLS,))
        tracking.register_recomputer("contact.recordingcopyrequest", work.recompute_copy_requests)
