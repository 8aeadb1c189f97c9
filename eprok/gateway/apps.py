"""The gateway app: the e-Government gateway (X-Road), state-register look-ups and the e-Court exchange."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatewayConfig(AppConfig):
    name = "eprok.gateway"
    label = "gateway"
    verbose_name = _("e-Government gateway")

    def ready(self) -> None:
        # The inbound services register their handlers with eprok.gateway.inbound when imported.
        import importlib

        from eprok.gateway import labels

        labels.register()

        for module in ("eprok.gateway.inbound_handlers", "eprok.gateway.ecourt_inbound"):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:  # a module still being written
                if exc.name != module:
                    raise
