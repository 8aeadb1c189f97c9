"""Routes: urls_registers."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
