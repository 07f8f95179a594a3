from django.contrib import admin
from django.urls import include, path

from truyvet.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("truyvet.cases.urls")),
    path("", include("truyvet.checkins.urls")),
    path("", include("truyvet.health.urls")),
    path("", include("truyvet.worklists.urls")),
    path("", include("truyvet.web.urls")),
]
