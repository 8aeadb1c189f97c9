"""Routes: urls_ecourt."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
