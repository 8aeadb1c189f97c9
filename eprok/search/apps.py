"""The search app: one index over the records of every module, filtered by access before counting."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "eprok.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from eprok.search import labels, sources

        labels.register()
        sources.register_builtin_sources()
