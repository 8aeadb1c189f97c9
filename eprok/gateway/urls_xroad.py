"""Routes: the inbound X-Road services (eprok as a provider)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
