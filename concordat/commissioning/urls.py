"""Commissioning pages, under a partnership; procurements and contracts by their stable keys."""

from django.urls import path

from . import views

app_name = "commissioning"
urlpatterns = [
    path("<slug:slug>/services/", views.ServicesPage.as_view(), name="services"),
    path("<slug:slug>/services/add/", views.SaveService.as_view(), name="add-service"),
    path("<slug:slug>/services/<str:key>/change/", views.SaveService.as_view(), name="change-service"),
    path("<slug:slug>/procurements/", views.ProcurementsPage.as_view(), name="procurements"),
    path("<slug:slug>/procurements/add/", views.AddProcurement.as_view(), name="add-procurement"),
    path("<slug:slug>/procurements/<str:key>/", views.ProcurementPage.as_view(), name="procurement"),
    path("<slug:slug>/procurements/<str:key>/stage/", views.RecordStage.as_view(), name="record-stage"),
    path(
        "<slug:slug>/procurements/<str:key>/representations/add/",
        views.AddRepresentation.as_view(),
        name="add-representation",
    ),
    path(
        "<slug:slug>/procurements/<str:key>/representations/<int:pk>/answer/",
        views.AnswerRepresentation.as_view(),
        name="answer-representation",
    ),
    path("<slug:slug>/procurements/<str:key>/contract/", views.AddContract.as_view(), name="add-contract"),
    path("<slug:slug>/procurements/<str:key>/notice/", views.TransparencyNoticePage.as_view(), name="notice"),
    path("<slug:slug>/contracts/", views.ContractsPage.as_view(), name="contracts"),
    path("<slug:slug>/contracts/register.csv", views.register_csv, name="contracts-csv"),
    path("<slug:slug>/ocds.json", views.ocds_json, name="ocds"),
    path("<slug:slug>/contracts/register.xlsx", views.register_xlsx, name="contracts-xlsx"),
    path("<slug:slug>/contracts/<str:key>/", views.ContractPage.as_view(), name="contract"),
    path(
        "<slug:slug>/contracts/<str:key>/variations/add/", views.AddVariation.as_view(), name="add-variation"
    ),
    path(
        "<slug:slug>/contracts/<str:key>/subcontracts/add/",
        views.AddSubcontract.as_view(),
        name="add-subcontract",
    ),
    path(
        "<slug:slug>/contracts/<str:key>/subcontracts/<str:part>/change/",
        views.ChangeSubcontract.as_view(),
        name="change-subcontract",
    ),
    path(
        "<slug:slug>/contracts/<str:key>/subcontracts/<str:part>/remove/",
        views.RemoveSubcontract.as_view(),
        name="remove-subcontract",
    ),
    path("<slug:slug>/contracts/<str:key>/legacy/add/", views.AddLegacyContract.as_view(), name="add-legacy"),
    path(
        "<slug:slug>/contracts/<str:key>/legacy/<str:part>/change/",
        views.ChangeLegacyContract.as_view(),
        name="change-legacy",
    ),
    path(
        "<slug:slug>/contracts/<str:key>/legacy/<str:part>/remove/",
        views.RemoveLegacyContract.as_view(),
        name="remove-legacy",
    ),
    path("<slug:slug>/contracts/<str:key>/kpis/add/", views.AddKpi.as_view(), name="add-kpi"),
    path("<slug:slug>/contracts/<str:key>/reviews/add/", views.AddReview.as_view(), name="add-review"),
]
