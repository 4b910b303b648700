"""Figures printed outside a form's table can be read by machine: 附件3's 补充资料 (流动党员
since 2016-01-01) through `paicha form attachment3 --format json`."""

import datetime
import json

from django.core.management import call_command

from paicha.codes import FlowScope
from paicha.conftest import make_member
from paicha.transfers import services

D = datetime.date
LABEL = "补充资料：流动党员"


def test_attachment3_json_carries_the_flowing_members_since_2016(tree, capsys):
    def flow(org, name, since, closed=None):
        record = services.flow_open(
            member=make_member(org, name),
            destination="深圳",
            since=since,
            scope=FlowScope.CROSS_PROVINCE,
            acting_user=tree.department,
        )
        if closed:
            services.flow_close(
                record=record, on=closed, reason="返回", acting_user=tree.department
            )

    flow(tree.branch_a1, "王跨年", D(2015, 6, 1))  # still away in 2016: counts
    flow(tree.branch_a1, "王回来", D(2015, 3, 1), D(2015, 12, 31))  # back before 2016
    flow(tree.branch_a2, "王今年", D(2016, 3, 1), D(2016, 5, 1))  # away in 2016: counts
    flow(tree.branch_a1, "王以后", D(2016, 10, 1))  # after the fill date
    flow(tree.branch_b1, "王理学院", D(2016, 3, 1))  # another college

    call_command("form", "attachment3", org=tree.college_a.code, date="2016-09-20")
    printed = json.loads(capsys.readouterr().out)
    assert printed["figures"] == {LABEL: 2}
    assert printed["footer"][LABEL] == "2 人"
    assert [row["item"] for row in printed["rows"]] == [
        "排查前在册失联党员",
        "经查找取得联系党员",
        "经查找仍然无法取得联系党员",
    ]
    assert printed["convention"].startswith("失联按“6个月以上”统计，含本数")
