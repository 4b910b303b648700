from django.urls import include, path

urlpatterns = [
    path("", include("paicha.workspace.urls")),
    path("accounts/", include("paicha.accounts.urls")),
    path("orgs/", include("paicha.workspace.organization_urls")),
    path("members/", include("paicha.members.urls")),
    path("evidence/", include("paicha.evidence.urls")),
    path("transfers/", include("paicha.transfers.urls")),
    path("cases/", include("paicha.cases.urls")),
    path("campaigns/", include("paicha.campaigns.urls")),
    path("reports/", include("paicha.reports.urls")),
    path("audit/", include("paicha.audit.urls")),
]

handler400 = "paicha.core.errors.bad_request"
handler403 = "paicha.core.errors.permission_denied"
handler404 = "paicha.core.errors.page_not_found"
handler500 = "paicha.core.errors.server_error"
