"""A register's roll-up (the 支部党员名册 of each branch): the submitted rows under the form's
own columns, per child and combined, never its text pasted into one 项目 cell."""

import datetime

from django.urls import reverse

from paicha.campaigns import services
from paicha.campaigns.selectors import rollup
from paicha.conftest import make_member, make_user
from paicha.organizations.permissions import Role

from .conftest import submit

MONTH_END = datetime.date(2016, 3, 31)


def _accepted_rosters(campaign, tree, personas):
    make_member(tree.branch_a1, "赵教工", join_date=datetime.date(2001, 7, 1))
    make_member(tree.branch_a2, "钱学生", join_date=datetime.date(2015, 6, 1))
    make_member(tree.branch_a2, "孙学生", join_date=datetime.date(2015, 12, 1))
    worker_a2 = make_user("worker_a2", tree.branch_a2, Role.BRANCH_WORKER)
    for org, user in ((tree.branch_a1, personas["worker_a1"]), (tree.branch_a2, worker_a2)):
        s = submit(campaign, org, user, slug="branch-roster", period=MONTH_END)
        services.submission_accept(submission=s, acting_user=personas["reviewer_a"])


def test_a_register_rolls_up_as_rows_under_its_own_columns(campaign, tree, personas):
    _accepted_rosters(campaign, tree, personas)
    result = rollup(
        campaign=campaign, org=tree.college_a, form_slug="branch-roster", period=MONTH_END
    )
    assert result.is_register and result.rows == []
    titles = [c["title"] for c in result.register_columns]
    assert titles[:3] == ["序号", "姓 名", "性别"] and "身份证号码" in titles
    name_at = titles.index("姓 名")
    assert [(p["org"].code, [r[name_at] for r in p["rows"]]) for p in result.register_parts] == [
        ("001001001", ["赵教工"]),
        ("001001002", ["钱学生", "孙学生"]),
    ]
    combined = result.register_rows
    assert [(r["org"].name, r["cells"][0], r["cells"][name_at]) for r in combined] == [
        ("文学院教工第一党支部", 1, "赵教工"),
        ("文学院学生党支部", 2, "钱学生"),
        ("文学院学生党支部", 3, "孙学生"),
    ]
    join_at = titles.index("入党\n时间")
    assert combined[0]["cells"][join_at] == "2001年7月"


def test_the_rollup_page_shows_the_register_as_tables(campaign, tree, personas, client_for):
    _accepted_rosters(campaign, tree, personas)
    url = reverse("campaigns:rollup", args=[campaign.pk, "branch-roster", MONTH_END.isoformat()])
    body = (
        client_for(personas["reviewer_a"]).get(url, {"org": tree.college_a.code}).content.decode()
    )
    assert 'id="rollup-register"' in body and 'id="rollup"' not in body
    assert "<th>填报单位</th><th>序号</th><th>姓 名</th>" in body
    assert "<td>文学院学生党支部</td><td>3</td><td>孙学生</td>" in body
    assert body.count('class="table table-sm table-bordered small rollup-child"') == 2
    assert "<th>项目</th>" not in body
