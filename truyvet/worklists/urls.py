from django.urls import path

from truyvet.worklists import views

app_name = "worklists"
urlpatterns = [
    path("enterprises/<int:pk>/worklist/", views.worklist, name="worklist"),
    path("enterprises/<int:pk>/worklist/template.xlsx", views.template, name="template"),
    path("enterprises/<int:pk>/worklist/export.xlsx", views.export_list, name="export"),
    path("worklist/imports/<str:uuid>/", views.preview, name="preview"),
    path("worklist/imports/<str:uuid>/confirm/", views.confirm, name="confirm"),
    path("worklist/imports/<str:uuid>/cancel/", views.cancel, name="cancel"),
    path("worklist/imports/<str:uuid>/progress/", views.progress, name="progress"),
]
