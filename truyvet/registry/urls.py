from django.urls import path

from truyvet.registry import views

app_name = "registry"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/workers/", views.workers, name="workers"),
    path("enterprises/<int:pk>/workers.csv", views.workers_csv, name="workers_csv"),
    path("people/", views.people, name="people"),
    path("people/<uuid:uuid>/", views.person_detail, name="person"),
    path("me/", views.me, name="me"),
]
