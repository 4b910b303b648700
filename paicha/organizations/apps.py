from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "paicha.organizations"
    verbose_name = "党组织"
