from django.urls import path

from .views import pages

app_name = "partnerships"
urlpatterns = [
    path("", pages.partnership_list, name="list"),
]
