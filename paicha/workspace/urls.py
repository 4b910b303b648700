from django.urls import path

from . import service_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", service_views.healthz, name="healthz"),
    path("setup/", service_views.setup, name="setup"),
    path("jobs/<int:pk>/", service_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", service_views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", service_views.job_download, name="job_download"),
    path("jobs/<int:pk>/retry/", service_views.job_retry, name="job_retry"),
    path("search/", views.search, name="search"),
]
