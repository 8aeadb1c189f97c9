"""The training app ("Təlim"): the Electronic Base of Training Events; registers its audit labels, its
explainer, and the training event as an owner of documents (the session materials)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "eprok.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from eprok.training import access, explain, labels

        labels.register()
        explain.register()
        access.register_documents_owner()
        # The menu's cached set of unit heads is emptied when a unit changes (a cache, not workflow).
        from django.db.models.signals import post_delete, post_save

        from eprok.org.models import Unit

        post_save.connect(access.forget_heads, sender=Unit, dispatch_uid="training-forget-heads-save")
        post_delete.connect(access.forget_heads, sender=Unit, dispatch_uid="training-forget-heads-delete")
