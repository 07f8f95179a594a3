from django.urls import path

from truyvet.checkins import views, views_kiosk, views_public

app_name = "checkins"

urlpatterns = [
    path("c/<str:token>/", views_public.checkin, name="checkin"),
    path("c/<str:token>/identify/", views_public.identify, name="identify"),
    path("c/<str:token>/forget/", views_public.forget, name="forget"),
    path("checkins/", views.hub, name="hub"),
    path("checkins/kiosk/", views_kiosk.kiosk_choose, name="kiosk_choose"),
    path("checkins/kiosk/<int:place_id>/", views_kiosk.kiosk, name="kiosk"),
    path("checkins/kiosk/<int:place_id>/scans", views_kiosk.kiosk_scans, name="kiosk_scans"),
    path("checkins/badges/", views.badges, name="badges"),
    path("checkins/badges/person/<uuid:person_uuid>/", views.person_badges, name="person_badges"),
    path("checkins/badges/person/<uuid:person_uuid>/pdf", views.person_badge_pdf, name="person_badge_pdf"),
    path("checkins/posters/", views.posters, name="posters"),
    path("checkins/posters/place/<int:place_id>.pdf", views.place_poster, name="place_poster"),
    path("checkins/jobs/<uuid:job_id>/", views.job, name="job"),
    path("checkins/jobs/<uuid:job_id>/progress", views.job_progress, name="job_progress"),
    path("checkins/jobs/<uuid:job_id>/download", views.job_download, name="job_download"),
    path("checkins/devices/", views.devices, name="devices"),
    path("checkins/devices/<int:device_id>/revoke", views.revoke_device, name="revoke_device"),
    path("checkins/attendance/", views.attendance, name="attendance"),
    path("checkins/buses/<int:place_id>/", views.bus_trips, name="bus_trips"),
    path("checkins/rooms/", views.rooms, name="rooms"),
]
