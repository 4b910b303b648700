from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "paicha.campaigns"
    label = "campaigns"
    verbose_name = "排查工作"
