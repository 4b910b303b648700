import datetime

from paicha.codes import (
    FlowScope,
    Gender,
    PersonCategory,
    ProvinceScope,
    StudentLevel,
    TransferState,
)
from paicha.transfers import selectors, services
from paicha.transfers.models import Transfer

from .conftest import make_member

D = datetime.date


def test_unreceipted_window_and_receipt_after_as_of(tree, member_a1, make_out):
    old = make_out(make_member(tree.branch_a1, "钱二零零六"), letter_date=D(2007, 7, 31))
    t = make_out(member_a1, letter_date=D(2016, 5, 1))
    services.transfer_receipt_record(transfer=t, on=D(2016, 9, 1), acting_user=tree.department)
    b = make_out(make_member(tree.branch_b1, "孙理学"), letter_date=D(2016, 6, 1))
    got = selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2016, 8, 31))
    assert set(got) == {t, b}  # the 2006 letter is before the receipt system
    assert old not in selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2016, 8, 31))
    assert old in selectors.unreceipted_transfers_out(
        org=tree.root, as_of=D(2016, 8, 31), since=D(2007, 1, 1)
    )
    assert set(selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2016, 9, 1))) == {b}
    assert set(selectors.unreceipted_transfers_out(org=tree.college_a, as_of=D(2016, 8, 31))) == {t}
    # A letter dated after as_of is not yet open.
    assert b not in selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2016, 5, 31))
    # The queryset argument narrows (e.g. a user's scope).
    narrowed = selectors.unreceipted_transfers_out(
        Transfer.objects.filter(pk=b.pk), org=tree.root, as_of=D(2016, 8, 31)
    )
    assert list(narrowed) == [b]


def test_overdue_after_validity_and_receipt_days(settings, tree, member_a1, make_out):
    settings.PAICHA_TRANSFER_RECEIPT_DAYS = 30
    t = make_out(member_a1, letter_date=D(2026, 1, 1), validity_days=30)
    assert t.receipt_due == D(2026, 3, 2)
    assert not selectors.overdue_transfers_out(org=tree.root, as_of=D(2026, 3, 2)).exists()
    assert list(selectors.overdue_transfers_out(org=tree.root, as_of=D(2026, 3, 3))) == [t]
    assert t.is_overdue(D(2026, 3, 3)) and not t.is_overdue(D(2026, 3, 2))


def test_flowing_members_count_over_a_period(tree):
    a = make_member(tree.branch_a1, "甲")
    b = make_member(tree.branch_a2, "乙")
    c = make_member(tree.branch_b1, "丙")
    r = services.flow_open(
        member=a,
        destination="深圳",
        since=D(2014, 1, 1),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )
    services.flow_close(record=r, on=D(2015, 12, 31), acting_user=tree.department)
    services.flow_open(
        member=b,
        destination="上海",
        since=D(2016, 3, 1),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )
    services.flow_open(
        member=c,
        destination="株洲",
        since=D(2016, 1, 1),
        scope=FlowScope.CROSS_CITY,
        acting_user=tree.department,
    )
    count = selectors.flowing_members_count
    assert count(org=tree.root, start=D(2016, 1, 1), end=D(2016, 12, 31)) == 2
    assert count(org=tree.root, start=D(2015, 12, 31), end=D(2016, 12, 31)) == 3
    assert count(org=tree.college_a, start=D(2016, 1, 1), end=D(2016, 2, 1)) == 0
    assert count(org=tree.college_a, start=D(2016, 1, 1), end=D(2016, 3, 1)) == 1


def test_receipt_statistics_rows(tree, make_out):
    pg = make_member(
        tree.branch_a1,
        "研一",
        person_category=PersonCategory.STUDENT,
        student_level=StudentLevel.POSTGRADUATE,
    )
    ug = make_member(
        tree.branch_a1,
        "本一",
        person_category=PersonCategory.STUDENT,
        student_level=StudentLevel.UNDERGRADUATE,
    )
    staff = make_member(tree.branch_a1, "教一", person_category=PersonCategory.STAFF)
    t1 = make_out(pg, letter_date=D(2016, 6, 1), scope=ProvinceScope.OUTSIDE)
    services.transfer_receipt_record(transfer=t1, on=D(2016, 7, 1), acting_user=tree.department)
    make_out(ug, letter_date=D(2016, 7, 1), scope=ProvinceScope.WITHIN)
    refused = make_out(staff, letter_date=D(2016, 8, 1), to=tree.branch_b1)
    services.transfer_refuse(
        transfer=refused, on=D(2016, 8, 2), reason="不接收", acting_user=tree.department
    )
    moved = make_out(
        make_member(
            tree.branch_b1,
            "专一",
            person_category=PersonCategory.STUDENT,
            student_level=StudentLevel.JUNIOR_COLLEGE,
        ),
        letter_date=D(2016, 9, 1),
        to=tree.branch_a2,
        scope=ProvinceScope.WITHIN,
    )
    services.transfer_accept(transfer=moved, on=D(2016, 9, 3), acting_user=tree.department)
    make_out(make_member(tree.branch_a1, "明年"), letter_date=D(2017, 1, 3))

    rows = selectors.receipt_statistics(org=tree.college_a, year=2016)
    assert [r["项目"] for r in rows] == ["转入组织关系数", "转出组织关系数"]
    assert rows[0] == {
        "项目": "转入组织关系数",
        "总数": 1,
        "研究生": 0,
        "本科生": 0,
        "专科生": 1,
        "省内": 1,
        "省外": 0,
        "回执收（寄）数": 1,
    }
    assert rows[1] == {
        "项目": "转出组织关系数",
        "总数": 2,
        "研究生": 1,
        "本科生": 1,
        "专科生": 0,
        "省内": 1,
        "省外": 1,
        "回执收（寄）数": 1,
    }
    whole = selectors.receipt_statistics(org=tree.root, year=2016)
    assert whole[1]["总数"] == 3 and whole[1]["回执收（寄）数"] == 2
    assert selectors.receipt_statistics_title(2016) == "2016年度党员组织关系回执情况统计表"


def test_flow_register_and_summary(tree):
    a = make_member(tree.branch_a1, "甲", gender=Gender.FEMALE)
    b = make_member(tree.branch_b1, "乙")
    services.flow_open(
        member=a,
        destination="深圳",
        since=D(2020, 1, 1),
        scope=FlowScope.CROSS_PROVINCE,
        certificate_number="流001",
        reported=True,
        acting_user=tree.department,
    )
    services.flow_open(
        member=b,
        destination="株洲",
        since=D(2020, 1, 1),
        scope=FlowScope.CROSS_CITY,
        acting_user=tree.department,
    )
    rows = selectors.flow_register_rows(org=tree.root, as_of=D(2021, 1, 1))
    assert [r["姓名"] for r in rows] == ["甲", "乙"] and rows[0]["序号"] == 1
    assert rows[0]["流入地（单位）"] == "深圳" and rows[0]["是否已向流入地党组织报到"] == "是"
    assert set(rows[0]) - {"_record"} == {c for c, _ in selectors.FLOW_REGISTER_COLUMNS}
    assert selectors.flow_register_rows(org=tree.root, as_of=D(2019, 12, 31)) == []
    summary = selectors.flow_summary_rows(org=tree.root, as_of=D(2021, 1, 1))
    assert [r["单位"] for r in summary] == ["文学院党委", "理学院党委", "合计"]
    assert summary[-1]["流动党员总数"] == 2 and summary[-1]["跨省流动"] == 1
    assert summary[0]["女"] == 1 and summary[0]["已发《流动党员活动证》"] == 1
    assert summary[1]["未报到"] == 1
    leaf = selectors.flow_summary_rows(org=tree.branch_a1, as_of=D(2021, 1, 1))
    assert len(leaf) == 1 and leaf[0]["单位"] == tree.branch_a1.name


def test_pocket_register_and_summary(tree, member_a1, make_out):
    t = make_out(member_a1, letter_date=D(2024, 6, 1), scope=ProvinceScope.WITHIN)
    services.pocket_mark(
        member=member_a1, on=D(2025, 1, 1), reason="未报到", transfer=t, acting_user=tree.department
    )
    rows = selectors.pocket_register_rows(org=tree.root, as_of=D(2025, 2, 1))
    assert rows[0]["姓名"] == "李转出" and rows[0]["组织关系转出时间"] == D(2024, 6, 1)
    assert rows[0]["拟转往党组织"] == "中共深圳市南山区委组织部" and rows[0]["省内/省外"] == "省内"
    assert selectors.pocket_register_rows(org=tree.root, as_of=D(2024, 12, 31)) == []
    summary = selectors.pocket_summary_rows(org=tree.college_a, as_of=D(2025, 2, 1))
    assert summary[-1]["单位"] == "合计" and summary[-1]["“口袋”党员总数"] == 1
    assert summary[-1]["研究生"] == 1 and summary[-1]["转往省内"] == 1
    services.transfer_receipt_record(transfer=t, on=D(2025, 3, 1), acting_user=tree.department)
    assert selectors.pocket_register_rows(org=tree.root, as_of=D(2025, 3, 2)) == []
    assert t.pocket_records.get().resolved_on == D(2025, 3, 1)
    assert Transfer.objects.get(pk=t.pk).state == TransferState.RECEIPTED
