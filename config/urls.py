from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from eprok.core.api import api

urlpatterns = [
    path("", include("eprok.core.urls")),
    path("accounts/", include("eprok.accounts.urls")),
    path("org/", include("eprok.org.urls")),
    path("audit/", include("eprok.audit.urls")),
    path("notifications/", include("eprok.notifications.urls")),
    path("criminal-code/", include("eprok.criminal_code.urls")),
    path("persons/", include("eprok.persons.urls")),
    path("search/", include("eprok.search.urls")),
    path("materials/", include("eprok.materials.urls")),
    path("cases/", include("eprok.cases.urls")),
    path("appeals/", include("eprok.appeals.urls")),
    path("contact/", include("eprok.contact.urls")),
    path("documents/", include("eprok.documents.urls")),
    path("special/", include("eprok.special.urls")),
    path("supervision/", include("eprok.supervision.urls")),
    path("courtwork/", include("eprok.courtwork.urls")),
    path("stats/", include("eprok.stats.urls")),
    path("open-data/", include("eprok.stats.urls_open")),
    path("training/", include("eprok.training.urls")),
    path("gateway/", include("eprok.gateway.urls")),
    path("xroad/", include("eprok.gateway.urls_xroad")),
    path("learning/", include("eprok.learning.urls")),
    path("signing/", include("eprok.signing.urls")),
    path("drafting/", include("eprok.drafting.urls")),
    # The public portal: no staff sign-in (eprok/portal; docs/user/portal.*.md).
    path("portal/", include("eprok.portal.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/catalog.js", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
]

if settings.BENCH_BASELINE:  # only on the server `eprok bench` starts (EPROK_BENCH_BASELINE=1)
    urlpatterns.append(path("_bench/", include("bench.urls")))

handler400 = "eprok.core.views.bad_request"
handler403 = "eprok.core.views.permission_denied"
handler404 = "eprok.core.views.page_not_found"
handler500 = "eprok.core.views.server_error"
