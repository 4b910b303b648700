from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "paicha.members"
    verbose_name = "党员"
