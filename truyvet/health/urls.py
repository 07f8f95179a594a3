from django.urls import path

from truyvet.health import import_views, views

app_name = "health"
urlpatterns = [
    path("enterprises/<int:pk>/tests/", views.tests, name="tests"),
    path("enterprises/<int:pk>/tests/report-none/", views.report_none, name="report_none"),
    path("enterprises/<int:pk>/tests/import/", import_views.test_import, name="test_import"),
    path("enterprises/<int:pk>/tests/import/template.xlsx", import_views.import_template,
         name="import_template"),
    path("tests/imports/<str:uuid>/", import_views.import_preview, name="import_preview"),
    path("tests/imports/<str:uuid>/apply/", import_views.import_apply, name="import_apply"),
    path("tests/imports/<str:uuid>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("enterprises/<int:pk>/vaccinations/", views.vaccinations, name="vaccinations"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("compliance.<str:fmt>", views.compliance_export, name="compliance_export"),
]
