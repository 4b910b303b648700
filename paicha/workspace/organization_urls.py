from django.urls import path

from . import organization_views as views

app_name = "organizations"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("pick/", views.pick, name="pick"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.tree_children, name="tree_children"),
    path("<str:code>/new/", views.create, name="create"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/move/", views.move, name="move"),
    path("<str:code>/merge/", views.merge, name="merge"),
]
