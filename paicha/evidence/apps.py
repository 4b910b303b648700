from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "paicha.evidence"
    label = "evidence"
    verbose_name = "组织生活与联系证据"

    def ready(self):
        from django.db.models.signals import post_save

        from paicha.members.models import Member
        from paicha.members.signals import members_changed_in_bulk

        post_save.connect(_member_saved, sender=Member, dispatch_uid="evidence_member_gaps")
        members_changed_in_bulk.connect(_members_changed, dispatch_uid="evidence_members_gaps")


def _member_saved(sender, instance, raw=False, **kwargs):
    """A member's 进入支部日期 / 入党日期 start his count while he has no evidence, and his
    branch is copied on his rows: recompute them whenever the member is saved."""
    if raw:
        return
    from .gaps import refresh_gaps

    refresh_gaps([instance.pk])


def _members_changed(sender, member_ids, **kwargs):
    from .gaps import refresh_gaps

    refresh_gaps(member_ids)
