from django.urls import path

from eprok.core import views, views_calendar

app_name = "core"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("healthz", views.healthz, name="healthz"),
    path("help/<slug:slug>/", views.help_page, name="help"),
    path("calendar/", views_calendar.calendar_year, name="calendar"),
    path("calendar/days/new/", views_calendar.calendar_day_add, name="calendar_day_add"),
    path("calendar/days/<int:pk>/delete/", views_calendar.calendar_day_delete, name="calendar_day_delete"),
    path("calendar/rules/", views_calendar.rule_list, name="deadline_rules"),
    path("calendar/calculator/", views_calendar.calculator, name="deadline_calculator"),
    path("deadlines/", views_calendar.unit_deadlines, name="unit_deadlines"),
    path("saved-filters/", views.saved_filter_save, name="saved_filter_save"),
    path("saved-filters/<int:pk>/delete/", views.saved_filter_delete, name="saved_filter_delete"),
]
