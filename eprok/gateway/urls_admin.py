"""Routes: urls_admin."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
