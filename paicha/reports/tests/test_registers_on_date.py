"""The flowing and pocket registers dated D list the members on the roster on D."""

import datetime

from paicha.codes import FlowScope
from paicha.conftest import make_member
from paicha.reports.declarations import get_form
from paicha.transfers import services as transfers

D = datetime.date


def test_flow_register_drops_a_member_from_the_day_his_membership_stops(tree, personas):
    away = make_member(tree.branch_a1, "外出者", join_date=D(2010, 1, 1))
    transfers.flow_open(
        member=away,
        destination="深圳市",
        since=D(2016, 3, 1),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )
    from paicha.members.tests.test_roster_on_date import settle_abroad

    settle_abroad(away, personas, since=D(2016, 12, 1), approved_on=D(2016, 12, 1))
    form = get_form("flow-register")

    def listed(on):
        return [row["姓名"] for row in form.build(org=tree.root, as_of=on).rows]

    assert listed(D(2016, 2, 29)) == []
    assert listed(D(2016, 11, 30)) == ["外出者"]
    assert listed(D(2016, 12, 1)) == []
