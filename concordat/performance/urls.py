"""The performance pages: a partnership's under /partnerships/<slug>/performance/, the comparison of every
partnership at /performance/national/. Periods in addresses are the grid's ("2004-05-q1", "2004-05"); the
records behind a count are listed by KPI and period, each record addressed by its handle."""

from django.urls import path

from .views import dashboard, drilldown, money, national, targets

PERIOD = "<str:period>"  # 2004-05-q1 or 2004-05: anything else is a 404
KPI = "<str:kpi>"  # in_treatment, new_starts, waiting.<modality>

app_name = "performance"
urlpatterns = [
    path("partnerships/<slug:slug>/performance/", dashboard.DashboardPage.as_view(), name="dashboard"),
    path("partnerships/<slug:slug>/performance/targets/", targets.TargetsPage.as_view(), name="targets"),
    path(
        "partnerships/<slug:slug>/performance/targets/change/",
        targets.TargetsForm.as_view(),
        name="edit-targets",
    ),
    path("partnerships/<slug:slug>/performance/money/", money.MoneyPage.as_view(), name="money"),
    path(
        f"partnerships/<slug:slug>/performance/{PERIOD}/{KPI}/",
        drilldown.EpisodesPage.as_view(),
        name="episodes",
    ),
    path("performance/national/", national.NationalPage.as_view(), name="national"),
]
