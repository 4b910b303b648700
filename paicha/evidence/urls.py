from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.lost_list, name="index"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/import/", views.meeting_import, name="meeting_import"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("dues/", views.dues_ledger, name="dues"),
    path("dues/import/", views.dues_import, name="dues_import"),
    path("dues/new/<int:member_pk>/", views.dues_new, name="dues_new"),
    path("member/<int:member_pk>/", views.member_evidence, name="member"),
    path("contacts/new/<int:member_pk>/", views.contact_new, name="contact_new"),
    path("lost/", views.lost_list, name="lost"),
    path("uncontrolled/", views.uncontrolled_list, name="uncontrolled"),
    path("pre-campaign/", views.pre_campaign, name="pre_campaign"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("books/", views.books, name="books"),
    path("dashboard/reason/<str:reason>/", views.by_reason, name="by_reason"),
]
