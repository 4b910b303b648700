from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "paicha.cases"
    label = "cases"
    verbose_name = "失联党员查找处置"

    def ready(self):
        # The case's 记录表 and 纪实表 join the per-person documents (core.documents).
        from . import documents  # noqa: F401
