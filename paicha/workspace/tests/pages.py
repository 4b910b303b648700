"""Every URL pattern of the product, declared once: how to build its address for one record of
the demo university, and what kind of page it is.

A new URL pattern joins by adding a line to `PAGES` (or, if it is not about the data of an
organization, to `OPEN_PAGES`); `test_permission_matrix.py` fails for a pattern declared in
neither. `World` holds the records the addresses are built from: the demo university, built
once, plus another unit's tree whose users must see none of it.
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Page:
    build: object  # World -> address, or None when the demo has no such record
    post_only: bool = False  # a state-changing action: GET is refused with 405
    export: bool = False  # a download: a file, not a page
    own_unit: bool = False  # a list of the reader's own unit, whatever its address says


def _first(queryset):
    return queryset.order_by("pk").first()


@dataclass
class World:
    """The demo university's records in college 文学院 (001001), one of each kind."""

    college: object
    objects: dict = field(default_factory=dict)

    @classmethod
    def build(cls):
        from paicha.campaigns.models import Campaign, StepProgress, Submission
        from paicha.cases.models import CaseAttachment, LostContactCase
        from paicha.evidence.models import OrgLifeMeeting
        from paicha.members.models import Member, MemberImport
        from paicha.organizations.models import Organization
        from paicha.transfers.models import AbroadRecord, FlowRecord, PocketRecord, Transfer

        college = Organization.objects.get(code="001001")
        branch = Organization.objects.get(code="001001001")
        inside = {
            "branch": branch,
            "member": _first(Member.objects.in_subtree(branch)),
            "meeting": _first(OrgLifeMeeting.objects.in_subtree(college)),
            "transfer": _first(Transfer.objects.in_subtree(college)),
            "flow": _first(FlowRecord.objects.in_subtree(college)),
            "abroad": _first(AbroadRecord.objects.in_subtree(college)),
            "pocket": _first(PocketRecord.objects.in_subtree(college)),
            "case": _first(LostContactCase.objects.in_subtree(college)),
            "attachment": _first(CaseAttachment.objects.in_subtree(college)),
            "import": _first(MemberImport.objects.in_subtree(college)),
            "campaign": _first(Campaign.objects.all()),
            "progress": _first(StepProgress.objects.in_subtree(college).exclude(minutes="")),
            "submission": _first(Submission.objects.in_subtree(college)),
        }
        return cls(college=college, objects=inside)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _pk(obj):
    return None if obj is None else obj.pk


def _url(name, *args, query=""):
    if any(a is None for a in args):
        return None
    return reverse(name, args=args) + query


def _step(w):
    step = w.campaign.phases.first().steps.first() if w.campaign else None
    return step


def _attempt_seq(w):
    attempt = w.case.attempts.first() if w.case else None
    return None if attempt is None else attempt.seq


def _form_slug(w):
    required = w.campaign.required_forms.first() if w.campaign else None
    return None if required is None else required.form_slug


# Pages that show or change the data of one organization's subtree. The address is built for
# a record of college 文学院 (or, for lists, filtered to it).
PAGES = {
    # core
    "home": Page(lambda w: _url("home")),
    "search": Page(lambda w: _url("search", query="?q=王")),
    # organizations
    "organizations:tree": Page(lambda w: _url("organizations:tree")),
    "organizations:detail": Page(lambda w: _url("organizations:detail", w.branch.code)),
    "organizations:pick": Page(
        lambda w: _url("organizations:pick", query=f"?parent={w.college.code}")
    ),
    "organizations:tree_children": Page(
        lambda w: _url("organizations:tree_children", w.branch.code)
    ),
    "organizations:create": Page(lambda w: _url("organizations:create", w.college.code)),
    "organizations:edit": Page(lambda w: _url("organizations:edit", w.branch.code)),
    "organizations:move": Page(lambda w: _url("organizations:move", w.branch.code)),
    "organizations:merge": Page(lambda w: _url("organizations:merge", w.branch.code)),
    # members
    "members:list": Page(lambda w: _url("members:list", query=f"?org={w.branch.code}")),
    "members:export": Page(
        lambda w: _url("members:export", query=f"?org={w.branch.code}"), export=True
    ),
    "members:create": Page(lambda w: _url("members:create")),
    "members:quality": Page(lambda w: _url("members:quality")),
    "members:detail": Page(lambda w: _url("members:detail", _pk(w.member))),
    "members:edit": Page(lambda w: _url("members:edit", _pk(w.member))),
    "members:import": Page(lambda w: _url("members:import")),
    "members:import_template": Page(lambda w: _url("members:import_template"), export=True),
    "members:import_detail": Page(
        lambda w: _url("members:import_detail", _pk(w.objects["import"]))
    ),
    "members:import_progress": Page(
        lambda w: _url("members:import_progress", _pk(w.objects["import"]))
    ),
    "members:import_confirm": Page(
        lambda w: _url("members:import_confirm", _pk(w.objects["import"])), post_only=True
    ),
    # evidence
    "evidence:index": Page(lambda w: _url("evidence:index")),
    "evidence:meetings": Page(lambda w: _url("evidence:meetings")),
    "evidence:meeting_new": Page(lambda w: _url("evidence:meeting_new")),
    "evidence:meeting_import": Page(lambda w: _url("evidence:meeting_import")),
    "evidence:meeting": Page(lambda w: _url("evidence:meeting", _pk(w.meeting))),
    "evidence:meeting_edit": Page(lambda w: _url("evidence:meeting_edit", _pk(w.meeting))),
    "evidence:meeting_delete": Page(lambda w: _url("evidence:meeting_delete", _pk(w.meeting))),
    "evidence:dues": Page(lambda w: _url("evidence:dues")),
    "evidence:dues_import": Page(lambda w: _url("evidence:dues_import")),
    "evidence:dues_new": Page(lambda w: _url("evidence:dues_new", _pk(w.member))),
    "evidence:member": Page(lambda w: _url("evidence:member", _pk(w.member))),
    "evidence:contact_new": Page(lambda w: _url("evidence:contact_new", _pk(w.member))),
    "evidence:lost": Page(lambda w: _url("evidence:lost")),
    "evidence:uncontrolled": Page(lambda w: _url("evidence:uncontrolled")),
    "evidence:pre_campaign": Page(lambda w: _url("evidence:pre_campaign")),
    "evidence:dashboard": Page(lambda w: _url("evidence:dashboard")),
    "evidence:by_reason": Page(lambda w: _url("evidence:by_reason", "1"), own_unit=True),
    # transfers
    "transfers:list": Page(lambda w: _url("transfers:list")),
    "transfers:incoming": Page(lambda w: _url("transfers:incoming")),
    "transfers:member_pick": Page(lambda w: _url("transfers:member_pick")),
    "transfers:create_out": Page(lambda w: _url("transfers:create_out", _pk(w.member))),
    "transfers:create_in": Page(lambda w: _url("transfers:create_in")),
    "transfers:import": Page(lambda w: _url("transfers:import")),
    "transfers:statistics": Page(lambda w: _url("transfers:statistics")),
    "transfers:detail": Page(lambda w: _url("transfers:detail", _pk(w.transfer))),
    "transfers:edit": Page(lambda w: _url("transfers:edit", _pk(w.transfer))),
    "transfers:accept": Page(lambda w: _url("transfers:accept", _pk(w.transfer))),
    "transfers:refuse": Page(lambda w: _url("transfers:refuse", _pk(w.transfer))),
    "transfers:receipt": Page(lambda w: _url("transfers:receipt", _pk(w.transfer))),
    "transfers:followup": Page(lambda w: _url("transfers:followup", _pk(w.transfer))),
    "transfers:pocket": Page(lambda w: _url("transfers:pocket", _pk(w.transfer))),
    "transfers:commitment": Page(lambda w: _url("transfers:commitment", _pk(w.transfer))),
    "transfers:card": Page(lambda w: _url("transfers:card", _pk(w.transfer))),
    "transfers:register": Page(lambda w: _url("transfers:register", "flow")),
    "transfers:pockets": Page(lambda w: _url("transfers:pockets")),
    "transfers:pocket_resolve": Page(lambda w: _url("transfers:pocket_resolve", _pk(w.pocket))),
    "transfers:flows": Page(lambda w: _url("transfers:flows")),
    "transfers:flow_create": Page(lambda w: _url("transfers:flow_create", _pk(w.member))),
    "transfers:flow_edit": Page(lambda w: _url("transfers:flow_edit", _pk(w.flow))),
    "transfers:flow_close": Page(lambda w: _url("transfers:flow_close", _pk(w.flow))),
    "transfers:abroad": Page(lambda w: _url("transfers:abroad")),
    "transfers:abroad_create": Page(lambda w: _url("transfers:abroad_create", _pk(w.member))),
    "transfers:abroad_end": Page(lambda w: _url("transfers:abroad_end", _pk(w.abroad))),
    "transfers:abroad_restoration": Page(
        lambda w: _url("transfers:abroad_restoration", _pk(w.abroad))
    ),
    # cases
    "cases:list": Page(lambda w: _url("cases:list")),
    "cases:work": Page(lambda w: _url("cases:work")),
    "cases:new": Page(lambda w: _url("cases:new", query=f"?member={_pk(w.member)}")),
    "cases:detail": Page(lambda w: _url("cases:detail", _pk(w.case))),
    "cases:edit": Page(lambda w: _url("cases:edit", _pk(w.case))),
    "cases:attempt_new": Page(lambda w: _url("cases:attempt_new", _pk(w.case))),
    "cases:attempt_sign": Page(lambda w: _url("cases:attempt_sign", _pk(w.case), _attempt_seq(w))),
    "cases:attachment_new": Page(lambda w: _url("cases:attachment_new", _pk(w.case))),
    "cases:attachment": Page(
        lambda w: (
            _url("cases:attachment", _pk(w.case), _pk(w.attachment))
            if w.attachment and w.attachment.case_id == w.case.pk
            else None
        ),
        export=True,
    ),
    "cases:conduct": Page(lambda w: _url("cases:conduct", _pk(w.case))),
    "cases:outcome": Page(lambda w: _url("cases:outcome", _pk(w.case))),
    "cases:propose": Page(lambda w: _url("cases:propose", _pk(w.case))),
    "cases:approve": Page(lambda w: _url("cases:approve", _pk(w.case))),
    "cases:follow_up": Page(lambda w: _url("cases:follow_up", _pk(w.case))),
    "cases:docx": Page(lambda w: _url("cases:docx", _pk(w.case), "jishi"), export=True),
    "cases:print": Page(lambda w: _url("cases:print", _pk(w.case), "record")),
    # campaigns (the campaign belongs to the university; its records to the college)
    "campaigns:list": Page(lambda w: _url("campaigns:list")),
    "campaigns:new": Page(lambda w: _url("campaigns:new")),
    "campaigns:reminders": Page(lambda w: _url("campaigns:reminders")),
    "campaigns:reminders_box": Page(lambda w: _url("campaigns:reminders_box")),
    "campaigns:detail": Page(lambda w: _url("campaigns:detail", _pk(w.campaign))),
    "campaigns:edit": Page(lambda w: _url("campaigns:edit", _pk(w.campaign))),
    "campaigns:phase_new": Page(lambda w: _url("campaigns:phase_new", _pk(w.campaign))),
    "campaigns:phase_edit": Page(
        lambda w: _url(
            "campaigns:phase_edit",
            _pk(w.campaign),
            _pk(w.campaign.phases.first()) if w.campaign else None,
        )
    ),
    "campaigns:step_new": Page(lambda w: _url("campaigns:step_new", _pk(w.campaign))),
    "campaigns:step_edit": Page(
        lambda w: _url("campaigns:step_edit", _pk(w.campaign), _pk(_step(w)))
    ),
    "campaigns:tick": Page(lambda w: _url("campaigns:tick", _pk(w.campaign), _pk(_step(w)))),
    "campaigns:untick": Page(
        lambda w: _url("campaigns:untick", _pk(w.campaign), _pk(_step(w))), post_only=True
    ),
    "campaigns:minutes": Page(
        lambda w: (
            _url("campaigns:minutes", _pk(w.campaign), _pk(w.progress))
            if w.progress and w.progress.campaign_id == _pk(w.campaign)
            else None
        ),
        export=True,
    ),
    "campaigns:required_form_new": Page(
        lambda w: _url("campaigns:required_form_new", _pk(w.campaign))
    ),
    "campaigns:board": Page(lambda w: _url("campaigns:board", _pk(w.campaign))),
    "campaigns:calendar": Page(lambda w: _url("campaigns:calendar", _pk(w.campaign))),
    "campaigns:submit": Page(
        lambda w: _url("campaigns:submit", _pk(w.campaign), _form_slug(w), "2026")
    ),
    "campaigns:submissions": Page(lambda w: _url("campaigns:submissions", _pk(w.campaign))),
    "campaigns:submission": Page(
        lambda w: (
            _url("campaigns:submission", _pk(w.campaign), _pk(w.submission))
            if w.submission and w.submission.campaign_id == _pk(w.campaign)
            else None
        )
    ),
    "campaigns:rollup": Page(
        lambda w: _url("campaigns:rollup", _pk(w.campaign), _form_slug(w), "2026")
    ),
    "campaigns:report": Page(lambda w: _url("campaigns:report", _pk(w.campaign))),
    # reports
    "reports:catalogue": Page(lambda w: _url("reports:catalogue")),
    "reports:crosschecks": Page(
        lambda w: _url("reports:crosschecks", query=f"?org={w.college.code}")
    ),
    "reports:form": Page(
        lambda w: _url("reports:form", "branch-roster", query=f"?org={w.branch.code}&format=xlsx"),
        export=True,
    ),
    "reports:members_behind": Page(
        lambda w: _url("reports:members_behind", "attachment3", query=f"?org={w.college.code}")
    ),
    "reports:document": Page(
        lambda w: _url(
            "reports:document", "member-registration", _pk(w.member), query="?format=docx"
        ),
        export=True,
    ),
    # audit and accounts
    "audit:list": Page(lambda w: _url("audit:list")),
    "user_list": Page(lambda w: _url("user_list")),
    "user_create": Page(lambda w: _url("user_create")),
    "user_edit": Page(lambda w: _url("user_edit", _pk(w.objects.get("user")))),
    "cases:search_again": Page(lambda w: _url("cases:search_again", _pk(w.case)), post_only=True),
    "evidence:books": Page(lambda w: _url("evidence:books", query=f"?org={w.college.code}")),
    "members:import_retry": Page(
        lambda w: _url("members:import_retry", _pk(w.objects["import"])), post_only=True
    ),
    "transfers:abroad_approve": Page(lambda w: _url("transfers:abroad_approve", _pk(w.abroad))),
    # A background file belongs to the user who asked for it (the demo has none).
    "job_detail": Page(lambda w: _url("job_detail", _pk(w.objects.get("job")))),
    "job_progress": Page(lambda w: _url("job_progress", _pk(w.objects.get("job")))),
    "job_download": Page(lambda w: _url("job_download", _pk(w.objects.get("job"))), export=True),
    "job_retry": Page(lambda w: _url("job_retry", _pk(w.objects.get("job"))), post_only=True),
}

# Pages about no organization's data: anyone signed in (or anyone at all) may open them.
# /healthz answers monitoring without a login; /setup/ only while the installation is empty.
OPEN_PAGES = {"login", "logout", "password_change", "healthz", "setup"}
