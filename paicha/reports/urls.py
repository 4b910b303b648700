from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("checks/", views.crosscheck_view, name="crosschecks"),
    path("<slug:slug>/", views.form_view, name="form"),
    path("<slug:slug>/members/", views.members_behind, name="members_behind"),
    path("doc/<slug:slug>/<int:pk>/", views.document_view, name="document"),
]
