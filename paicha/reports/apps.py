from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "paicha.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self):
        # Declaring the forms registers them, and the member's 登记表 with the documents.
        from . import catalogue  # noqa: F401
