from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("work/", views.work, name="work"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attempts/new/", views.attempt_new, name="attempt_new"),
    path("<int:pk>/attempts/<int:seq>/sign/", views.attempt_sign, name="attempt_sign"),
    path("<int:pk>/files/new/", views.attachment_new, name="attachment_new"),
    path("<int:pk>/files/<int:file_pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/conduct/", views.conduct, name="conduct"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/disposition/", views.propose, name="propose"),
    path("<int:pk>/search-again/", views.search_again, name="search_again"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/<str:kind>.docx", views.document_docx, name="docx"),
    path("<int:pk>/<str:kind>/print/", views.document_print, name="print"),
]
