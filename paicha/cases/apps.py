from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "paicha.cases"
    label = "cases"
    verbose_name = "失联党员查找处置"
