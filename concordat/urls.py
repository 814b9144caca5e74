from django.urls import include, path

urlpatterns = [
    path("", include("concordat.core.urls")),
    path("partnerships/", include("concordat.partnerships.urls")),
]
