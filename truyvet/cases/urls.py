from django.urls import path

from truyvet.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.trace_list, name="list"),
    path("cases/declare/", views.declare, name="declare"),
    path("cases/declare/people/", views.people_search, name="people_search"),
    path("cases/<uuid:trace_uuid>/", views.trace_detail, name="trace"),
    path("cases/<uuid:trace_uuid>/contacts.csv", views.trace_csv, name="csv"),
    path("cases/<uuid:trace_uuid>/contacts.xlsx", views.trace_xlsx, name="xlsx"),
    path("cases/<uuid:trace_uuid>/graph/", views.trace_graph, name="graph"),
    path("cases/<uuid:trace_uuid>/graph.json", views.trace_graph_json, name="graph_json"),
    path("cases/people/<uuid:uuid>/contacts/", views.person_contacts_fragment,
         name="person_contacts"),
]
