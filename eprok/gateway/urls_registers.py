"""Routes of the register browser (/gateway/registers/): the form, the answers of one run (their public ids,
joined by dots), "try again", copying into a person record and the history of the user's look-ups."""

from django.urls import path, re_path

from eprok.gateway import views_registers as views

app_name = "registers"

KEY = r"[0-9a-fA-F]{32}|[0-9a-fA-F-]{36}"

urlpatterns = [
    path("", views.browser, name="browser"),
    path("history/", views.history, name="history"),
    re_path(rf"^(?P<keys>(?:{KEY})(?:\.(?:{KEY})){{0,9}})/$", views.results, name="results"),
    re_path(rf"^(?P<key>{KEY})/retry/$", views.retry, name="retry"),
    re_path(rf"^(?P<key>{KEY})/copy/$", views.copy, name="copy"),
    re_path(rf"^(?P<key>{KEY})/create-person/$", views.create_person, name="create_person"),
]
