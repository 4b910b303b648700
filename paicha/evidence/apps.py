from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "paicha.evidence"
    label = "evidence"
    verbose_name = "组织生活与联系证据"
