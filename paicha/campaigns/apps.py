from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "paicha.campaigns"
    label = "campaigns"
    verbose_name = "排查工作"

    def ready(self):
        from paicha.members.signals import consultation_asked

        consultation_asked.connect(_consultation_asked, dispatch_uid="campaigns_consultation")


def _consultation_asked(sender, org, on, **kwargs) -> bool:
    """Seed 001's rule, where a campaign over `org` adopts it (members.approvals asks)."""
    from .selectors import consult_required

    return consult_required(org, on=on)
