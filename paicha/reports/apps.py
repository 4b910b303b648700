from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "paicha.reports"
    label = "reports"
    verbose_name = "报表"
