"""The training app ("Təlim"): the Electronic Base of Training Events; registers its audit labels and
explainer."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "eprok.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from eprok.training import explain, labels

        labels.register()
        explain.register()
