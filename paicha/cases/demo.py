"""Demo lost-contact cases in every state, made through the services with the demo accounts:
searches under way (one overdue, one missing its second signature), contact regained and
settled, dispositions waiting at various approval steps, one returned, and one completed
自行脱党除名. Most sit in 文学院教工第一党支部 (login zb0101), reviewed by xy01, approved by zzb.
"""

import datetime

from paicha.accounts.models import User
from paicha.codes import (
    ApprovalStep as S,
)
from paicha.codes import (
    CaseOutcome,
    CaseSource,
    LossReason,
    MemberStatus,
    MemberType,
    Occupation,
    OrgKind,
    SearchMethod,
)
from paicha.codes import (
    DispositionCategory as D,
)
from paicha.evidence.selectors import lost_members
from paicha.members.models import Member
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role
from paicha.transfers.selectors import unreceipted_transfers_out

from . import services
from .rules import steps_for
from .selectors import grassroots_of, last_org_life_or_dues

DAY = datetime.timedelta(days=1)
PLACES = ("广东省深圳市南山区", "浙江省杭州市西湖区", "上海市浦东新区", "江苏省苏州市工业园区")
PROCESSES = {
    SearchMethod.PHONE: ("本人", "拨打登记的手机号码，提示已停机。"),
    SearchMethod.EMPLOYER: (
        "原工作单位人事处办事员",
        "请原单位提供近况，答复该同志已于离职后离开本市，未留联系方式。",
    ),
    SearchMethod.POLICE: (
        "户籍所在地派出所户籍民警",
        "在户籍人口和暂住人口登记信息中查询，未查到现住址。",
    ),
    SearchMethod.VILLAGERS: (
        "同乡",
        "得到其老家地址，已寄挂号信告知党组织联系方式和寻找目的，至今未收到回信。",
    ),
    SearchMethod.LETTER: ("老家亲属", "向老家地址寄出挂号信，信件被退回。"),
    SearchMethod.ONLINE: ("本人微信、QQ", "通过微信、QQ留言，未获回复。"),
}
METHOD_ORDER = tuple(PROCESSES)


class _World:
    def __init__(self, root: Organization, rng, ref: datetime.date):
        self.root, self.rng, self.ref = root, rng, ref
        self.department = User.objects.filter(organization=root, role=Role.ORG_DEPARTMENT).first()
        self.used: set[int] = set()

    def worker(self, branch):
        return User.objects.filter(organization=branch, role=Role.BRANCH_WORKER).first()

    def reviewer(self, branch):
        return User.objects.filter(
            organization=grassroots_of(branch), role=Role.COMMITTEE_REVIEWER
        ).first()

    def signer_for(self, step, branch):
        return {
            S.BRANCH_COMMITTEE: self.worker,
            S.BRANCH_ASSEMBLY: self.worker,
            S.COMMITTEE_PRE_REVIEW: self.reviewer,
            S.COMMITTEE_APPROVAL: self.reviewer,
        }.get(step, lambda b: self.department)(branch)

    def pick(self, branch, *, as_of: datetime.date) -> Member | None:
        """A member of the branch to be lost: from the evidence app's 失联 list when it has one
        left, else from the roster in a fixed order."""
        roster = (
            Member.objects.filter(
                organization=branch,
                status=MemberStatus.ACTIVE,
                pocket=False,
                flowing=False,
                member_type=MemberType.FULL,
            )
            .exclude(pk__in=self.used)
            .order_by("id")
        )
        ids = list(lost_members(roster, as_of=as_of).order_by("id").values_list("id", flat=True))
        ids = ids or list(roster.values_list("id", flat=True)[:40])
        if not ids:
            return None
        member = Member.objects.get(pk=self.rng.choice(ids))
        self.used.add(member.pk)
        return member

    def searchers(self, branch):
        pool = (
            Member.objects.filter(
                organization=branch, status=MemberStatus.ACTIVE, member_type=MemberType.FULL
            )
            .exclude(pk__in=self.used)
            .order_by("id")
        )[:3]
        return list(pool)


def _open(world, branch, member, opened_on, *, transfer=None, since=None):
    worker = world.worker(branch)
    rng = world.rng
    since = since or last_org_life_or_dues(member, as_of=opened_on)
    if since is None or since > opened_on - datetime.timedelta(days=183):
        since = opened_on - datetime.timedelta(days=rng.randrange(200, 1500))
    reason = rng.choice([r for r in LossReason if r != LossReason.OTHER])
    return services.case_open(
        member=member,
        acting_user=worker,
        opened_on=opened_on,
        transfer=transfer,
        source=CaseSource.TRANSFER if transfer else CaseSource.LOST_LIST,
        lost_since=since,
        loss_reason=reason,
        occupation=rng.choice(list(Occupation)),
    )


def _search(world, case, branch, start: datetime.date, n: int, *, signed=2, gap=18):
    worker = world.worker(branch)
    searchers = world.searchers(branch)
    for i in range(n):
        method = METHOD_ORDER[i % len(METHOD_ORDER)]
        reached, process = PROCESSES[method]
        date = start + i * gap * DAY
        signers = searchers[: signed if i == n - 1 else 2]
        services.attempt_record(
            case=case,
            acting_user=worker,
            date=date,
            method=method,
            reached=reached,
            phone=f"0731-8{world.rng.randrange(10**6):06d}"
            if method != SearchMethod.ONLINE
            else "",
            process=process,
            signers=signers,
            as_of=world.ref,
        )
    return start + (n - 1) * gap * DAY


def _conduct(world, case, branch, on):
    services.case_record_conduct(
        case=case,
        acting_user=world.worker(branch),
        checked_on=on,
        misconduct=False,
        record="经向原工作单位、户籍所在地派出所和社区了解，未发现失联期间有违纪违法行为。",
    )


def _outcome(world, case, branch, outcome, on, **extra):
    return services.case_record_outcome(
        case=case,
        acting_user=world.worker(branch),
        outcome=outcome,
        outcome_on=on,
        as_of=world.ref,
        **extra,
    )


def _chain(
    world,
    case,
    branch,
    category,
    proposed_on,
    *,
    upto: int | None = None,
    reject_at: str | None = None,
    **period,
):
    services.disposition_propose(
        case=case,
        acting_user=world.worker(branch),
        category=category,
        proposal=PROPOSALS[category],
        proposed_on=proposed_on,
        **period,
    )
    day = proposed_on
    for i, step in enumerate(steps_for(category)):
        if upto is not None and i >= upto:
            return
        day += 3 * DAY
        signer = world.signer_for(step, branch)
        if step == reject_at:
            services.disposition_reject(
                case=case,
                acting_user=signer,
                step=step,
                signed_on=day,
                reason="查找方式较为单一，请再向原工作单位和户籍所在地派出所核实后重新报送",
            )
            return
        services.disposition_approve(
            case=case, acting_user=signer, step=step, signed_on=day, opinion=OPINIONS[step]
        )


PROPOSALS = {
    D.LOST_SELF_LAPSED: (
        "经党支部多次、多种方式查找，该同志超过六个月不参加党的组织生活、"
        "不交纳党费，至今无法取得联系，按自行脱党予以除名。"
    ),
    D.LOST_UNREACHABLE_SUSPENDED: "经多方努力确实无法取得联系，按规定停止党籍。",
    D.MANAGED: "已取得联系，本人表示愿意参加组织生活、按时交纳党费，纳入支部正常管理。",
    D.RETAINED: "出国（境）学习，本人申请保留组织关系，支部定期联系。",
    D.CORRECTION: "失联期间未参加组织生活，经谈话提醒，限期改正。",
    D.UNDER_INVESTIGATION: "已取得联系，失联期间表现正在调查核实。",
    D.DEAD: "经家属和社区证实，该同志已病故。",
    D.STILL_SEARCHING: "继续查找联系。",
}
OPINIONS = {
    S.BRANCH_COMMITTEE: "支委会研究，同意按上述意见处置。",
    S.COMMITTEE_PRE_REVIEW: "经预审，事实清楚，程序规范，同意。",
    S.DEPARTMENT_PRE_REVIEW: "经预审，同意提交支部党员大会讨论。",
    S.BRANCH_ASSEMBLY: "支部党员大会表决通过。",
    S.COMMITTEE_APPROVAL: "经党委会审核，同意。",
    S.DEPARTMENT_APPROVAL: "经审批，同意。",
}


def populate(*, root: Organization, rng, ref: datetime.date) -> None:
    world = _World(root, rng, ref)
    branches = list(
        Organization.objects.filter(
            path__startswith=root.path, kind=OrgKind.BRANCH, is_active=True
        ).order_by("path")
    )
    if not branches or world.department is None:
        return
    main = branches[0]  # 文学院教工第一党支部 (zb0101)
    others = [b for b in branches[1:] if world.worker(b) and world.reviewer(b)]
    opened = ref - datetime.timedelta(days=240)

    def case_in(branch):
        member = world.pick(branch, as_of=opened)
        return (_open(world, branch, member, opened), branch) if member else (None, branch)

    # 1. Searching: two signed attempts, the last one recent.
    case, b = case_in(main)
    _search(world, case, b, ref - 40 * DAY, 2, gap=25)
    # 2. Searching: the last attempt has only one searcher's signature.
    case, b = case_in(main)
    _search(world, case, b, ref - 20 * DAY, 2, signed=1, gap=10)
    # 3. Searching, overdue: nothing for two months.
    case, b = case_in(main)
    _search(world, case, b, opened + 5 * DAY, 2)
    # 4. Completed 自行脱党除名: every step signed, the member off the roster.
    case, b = case_in(main)
    last = _search(world, case, b, opened + 3 * DAY, 4)
    _conduct(world, case, b, last + DAY)
    _outcome(world, case, b, CaseOutcome.UNREACHABLE, last + 5 * DAY)
    _chain(world, case, b, D.LOST_SELF_LAPSED, last + 7 * DAY)
    # 5.–7. 自行脱党除名 waiting for xy01, for zzb, and returned by the committee.
    for upto, reject in ((1, None), (2, None), (None, S.COMMITTEE_PRE_REVIEW)):
        case, b = case_in(main)
        last = _search(world, case, b, opened + 3 * DAY, 3)
        _outcome(world, case, b, CaseOutcome.UNREACHABLE, last + 5 * DAY)
        _chain(world, case, b, D.LOST_SELF_LAPSED, last + 7 * DAY, upto=upto, reject_at=reject)
    # 8. Regained and brought back into the branch's management.
    case, b = case_in(main)
    last = _search(world, case, b, opened + 3 * DAY, 2)
    _outcome(
        world,
        case,
        b,
        CaseOutcome.REGAINED,
        last + 4 * DAY,
        regained_place=rng.choice(PLACES),
        new_mobile=f"139{rng.randrange(10**8):08d}",
    )
    _chain(world, case, b, D.MANAGED, last + 6 * DAY)
    # Other branches: one of each remaining state, to fill the statistics.
    plans = (
        ("regained", D.RETAINED),
        ("regained", D.CORRECTION),
        ("regained", D.UNDER_INVESTIGATION),
        ("unreachable", D.LOST_UNREACHABLE_SUSPENDED),
        ("unreachable", D.STILL_SEARCHING),
        ("deceased", D.DEAD),
        ("unreachable", D.LOST_SELF_LAPSED),
    )
    for i, (outcome, category) in enumerate(plans):
        if i >= len(others):
            break
        case, b = case_in(others[i * 3 % len(others)])
        if case is None:
            continue
        last = _search(world, case, b, opened + 3 * DAY, 2 + i % 3)
        if outcome == "regained":
            _outcome(
                world,
                case,
                b,
                CaseOutcome.REGAINED,
                last + 4 * DAY,
                regained_place=rng.choice(PLACES),
                new_contacts=f"微信 wx{rng.randrange(10**6):06d}",
            )
        else:
            _outcome(world, case, b, CaseOutcome(outcome), last + 4 * DAY)
        period = {}
        if category in (D.RETAINED, D.CORRECTION):
            period = {
                "period_start": last + 6 * DAY,
                "period_end": last
                + 6 * DAY
                + datetime.timedelta(days=365 if category == D.RETAINED else 90),
            }
        upto = (
            3 if category == D.LOST_UNREACHABLE_SUSPENDED else (1 if category == D.DEAD else None)
        )
        _chain(world, case, b, category, last + 6 * DAY, upto=upto, **period)
        if period:
            services.followup_record(
                case=case,
                acting_user=world.worker(b),
                date=last + 40 * DAY,
                note="电话联系本人，情况正常，已按时交纳党费。",
            )
    # A member whose transfer letter's receipt never came back.
    _from_transfer(world, ref, opened)


def _from_transfer(world, ref, opened):
    transfers = (
        unreceipted_transfers_out(org=world.root, as_of=ref)
        .filter(member__status=MemberStatus.ACTIVE)
        .exclude(member__in=world.used)
        .order_by("letter_date", "id")
    )
    for transfer in transfers[:20]:
        branch = transfer.member.organization
        if world.worker(branch) is None:
            continue
        if transfer.letter_date + datetime.timedelta(days=200) > ref - 30 * DAY:
            continue
        world.used.add(transfer.member_id)
        opened_on = max(opened, transfer.letter_date + datetime.timedelta(days=200))
        case = _open(
            world, branch, transfer.member, opened_on, transfer=transfer, since=transfer.letter_date
        )
        _search(world, case, branch, opened_on + 7 * DAY, 1)
        return
