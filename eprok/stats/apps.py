"""The statistics app: statistical cards, standard reports, dashboards, link analysis, open data and the
report builder."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "eprok.stats"
    label = "stats"
    verbose_name = _("Statistics")
