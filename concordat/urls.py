from django.urls import include, path

from concordat.api_urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("concordat.core.urls")),
    path("partnerships/", include("concordat.partnerships.urls")),
    path("partnerships/", include("concordat.treatment.urls")),
    path("partnerships/", include("concordat.commissioning.urls")),
    path("partnerships/<slug:slug>/pool/", include("concordat.pool.urls")),
    path("partnerships/<slug:slug>/performance/", include("concordat.performance.urls_reports")),
    path("", include("concordat.performance.urls")),
]
