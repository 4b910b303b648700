from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "paicha.evidence"
    label = "evidence"
    verbose_name = "组织生活与联系证据"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from paicha.members.models import Member
        from paicha.members.signals import members_changed_in_bulk
        from paicha.transfers.models import FlowRecord

        post_save.connect(_member_saved, sender=Member, dispatch_uid="evidence_member_gaps")
        members_changed_in_bulk.connect(_members_changed, dispatch_uid="evidence_members_gaps")
        # An open flow record not reported at the destination is a known absence (失控).
        post_save.connect(_flow_changed, sender=FlowRecord, dispatch_uid="evidence_flow_away")
        post_delete.connect(_flow_changed, sender=FlowRecord, dispatch_uid="evidence_flow_away")


def _member_saved(sender, instance, raw=False, **kwargs):
    """A member's 进入支部日期 / 入党日期 and the roster's declared last 组织生活 / 党费 dates
    start or end his stretches, and his branch (with its 建账日期) is copied on his rows:
    recompute them whenever the member is saved."""
    if raw:
        return
    from .books import books_missing, books_refresh
    from .gaps import books_and_gaps_after_records, refresh_gaps

    if books_missing([instance.organization_id]):
        books_refresh([instance.organization])
    declared = [d for d in (instance.declared_last_org_life, instance.declared_last_dues) if d]
    if declared:
        books_and_gaps_after_records(instance.organization, min(declared))
    refresh_gaps([instance.pk])


def _flow_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .gaps import refresh_away

    refresh_away([instance.member_id])


def _members_changed(sender, member_ids, **kwargs):
    """Members changed in bulk (a roster import's updates): their organizations' 建账日期 may
    have moved (declared dates), then their rows."""
    from paicha.organizations.models import Organization

    from .books import books_refresh
    from .gaps import refresh_gaps, refresh_orgs

    member_ids = list(member_ids)
    org_ids = set(_orgs_of(member_ids))
    refresh_orgs(books_refresh(Organization.objects.filter(pk__in=org_ids)))
    refresh_gaps(member_ids)


def _orgs_of(member_ids):
    from paicha.core.bulk import batched
    from paicha.members.models import Member

    for chunk in batched(sorted(member_ids), 5000):
        yield from (
            Member.objects.filter(pk__in=chunk)
            .order_by()
            .values_list("organization_id", flat=True)
            .distinct()
        )
