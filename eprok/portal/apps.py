from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public side of the system: pages citizens and anonymous reporters use without an account."""

    name = "eprok.portal"
    label = "portal"
    verbose_name = _("Public portal")
