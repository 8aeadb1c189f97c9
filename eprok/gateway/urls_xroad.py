"""Routes: the inbound X-Road services (eprok as a provider), mounted at /xroad/ in config/urls.py.

`/xroad/r1/{INSTANCE}/{CLASS}/{MEMBER}/{SUBSYSTEM}/{SERVICE}{path}`: the provider part must be eprok's own
subsystem (settings.EPROK_XROAD_CLIENT); eprok.gateway.inbound does the rest.
"""

from django.urls import URLPattern, re_path

from .inbound import xroad_inbound

_PART = r"[A-Za-z0-9._-]{1,64}"

urlpatterns: list[URLPattern] = [
    re_path(
        rf"^r1/(?P<instance>{_PART})/(?P<klass>{_PART})/(?P<member>{_PART})/(?P<subsystem>{_PART})/"
        rf"(?P<service>{_PART})(?P<rest>/.*)?$",
        xroad_inbound,
        name="xroad_inbound",
    ),
]
