from django.urls import include, path

urlpatterns = [
    path("", include("paicha.core.urls")),
    path("accounts/", include("paicha.accounts.urls")),
    path("orgs/", include("paicha.organizations.urls")),
    path("members/", include("paicha.members.urls")),
    path("audit/", include("paicha.audit.urls")),
]
