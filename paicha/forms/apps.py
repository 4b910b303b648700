from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "paicha.forms"
    label = "forms"
    verbose_name = "报表"
