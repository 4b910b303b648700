from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "paicha.core"
    verbose_name = "公共"
