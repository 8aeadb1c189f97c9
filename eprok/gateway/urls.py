"""The gateway's pages: the register browser (urls_registers), the e-Court deliveries (urls_ecourt) and the
administration of services, the allow-list and the message log (urls_admin)."""

from django.urls import include, path

app_name = "gateway"

urlpatterns = [
    path("registers/", include("eprok.gateway.urls_registers")),
    path("ecourt/", include("eprok.gateway.urls_ecourt")),
    path("admin/", include("eprok.gateway.urls_admin")),
]
