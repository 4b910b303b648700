from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("incoming/", views.incoming, name="incoming"),
    path("new/", views.member_pick, name="member_pick"),
    path("new/<int:member_pk>/", views.create_out, name="create_out"),
    path("in/new/", views.create_in, name="create_in"),
    path("import/", views.import_view, name="import"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/followup/", views.followup, name="followup"),
    path("<int:pk>/pocket/", views.pocket, name="pocket"),
    path("<int:pk>/commitment/", views.commitment, name="commitment"),
    path("<int:pk>/card/", views.card, name="card"),
    path("registers/<str:which>/", views.register, name="register"),
    path("pocket/", views.pockets, name="pockets"),
    path("pocket/<int:pk>/resolve/", views.pocket_resolve, name="pocket_resolve"),
    path("flows/", views.flows, name="flows"),
    path("flows/new/<int:member_pk>/", views.flow_create, name="flow_create"),
    path("flows/<int:pk>/edit/", views.flow_edit, name="flow_edit"),
    path("flows/<int:pk>/close/", views.flow_close, name="flow_close"),
    path("abroad/", views.abroad_list, name="abroad"),
    path("abroad/new/<int:member_pk>/", views.abroad_create, name="abroad_create"),
    path("abroad/<int:pk>/end/", views.abroad_end, name="abroad_end"),
    path("abroad/<int:pk>/approve/", views.abroad_approve, name="abroad_approve"),
    path("abroad/<int:pk>/restoration/", views.abroad_restoration, name="abroad_restoration"),
]
