from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "paicha.transfers"
    label = "transfers"
    verbose_name = "组织关系转接"
