from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("reminders/", views.reminders_page, name="reminders"),
    path("reminders/box/", views.reminders_box, name="reminders_box"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/phases/new/", views.phase_edit, name="phase_new"),
    path("<int:pk>/phases/<int:phase_pk>/", views.phase_edit, name="phase_edit"),
    path("<int:pk>/steps/new/", views.step_edit, name="step_new"),
    path("<int:pk>/steps/<int:step_pk>/", views.step_edit, name="step_edit"),
    path("<int:pk>/steps/<int:step_pk>/tick/", views.step_tick, name="tick"),
    path("<int:pk>/steps/<int:step_pk>/untick/", views.step_untick, name="untick"),
    path("<int:pk>/progress/<int:progress_pk>/minutes/", views.minutes_download, name="minutes"),
    path("<int:pk>/forms/new/", views.required_form_new, name="required_form_new"),
    path("<int:pk>/board/", views.board, name="board"),
    path("<int:pk>/calendar/", views.calendar_view, name="calendar"),
    path("<int:pk>/submit/<slug:slug>/<str:period>/", views.submission_new, name="submit"),
    path("<int:pk>/submissions/", views.submission_list, name="submissions"),
    path("<int:pk>/submissions/<int:sub_pk>/", views.submission_detail, name="submission"),
    path("<int:pk>/rollup/<slug:slug>/<str:period>/", views.rollup_view, name="rollup"),
    path("<int:pk>/report/", views.report_view, name="report"),
]
