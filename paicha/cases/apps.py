from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "paicha.cases"
    label = "cases"
    verbose_name = "失联党员查找处置"

    def ready(self):
        # The case's 记录表 and 纪实表 join the per-person documents (core.documents).
        from paicha.evidence.searches import Searches, register

        from . import (
            documents,  # noqa: F401
            selectors,
        )

        # What the 失联 pages show of the searches: evidence sits below and asks through this.
        register(
            Searches(
                with_open_case=selectors.with_open_case,
                counts_by_reason=selectors.counts_by_reason,
                cases_by_reason=selectors.cases_by_reason,
            )
        )
