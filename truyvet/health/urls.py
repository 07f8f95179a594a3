from django.urls import path

from truyvet.health import views

app_name = "health"
urlpatterns = [
    path("enterprises/<int:pk>/tests/", views.tests, name="tests"),
    path("enterprises/<int:pk>/tests/report-none/", views.report_none, name="report_none"),
    path("enterprises/<int:pk>/vaccinations/", views.vaccinations, name="vaccinations"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("compliance.<str:fmt>", views.compliance_export, name="compliance_export"),
]
