import datetime
import io

import openpyxl
import pytest

from paicha.audit.models import AuditEntry
from paicha.codes import MemberStatus, TransferState
from paicha.members.idcard import make_id_number
from paicha.members.models import Member
from paicha.transfers import importer, selectors
from paicha.transfers.models import Transfer

from .conftest import make_member

D = datetime.date
HEADER = list(importer.COLUMNS)


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([row.get(c) for c in HEADER])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return data


def _row(**kw):
    base = {
        "方向": "转出",
        "姓名": "吴毕业",
        "身份证号码": make_id_number("430102", D(1990, 1, 2), 3, "M"),
        "本方党组织代码": "001001002",
        "介绍信编号": "湘〔2009〕001号",
        "开具日期": datetime.datetime(2009, 6, 20),
        "对方党组织名称": "中共深圳市委组织部",
        "省内/省外": "省外",
        "转出性质": "永久转出",
        "学生类别": "本科生",
    }
    base.update(kw)
    return base


def test_good_file_imports_members_and_letters(tree, personas):
    staff = make_member(tree.branch_a1, "郑在册")
    rows = [
        _row(**{"回执日期": "2009年8月1日"}),
        _row(
            **{
                "姓名": "冯未回",
                "身份证号码": make_id_number("430102", D(1991, 2, 3), 5, "F"),
                "开具日期": "2012.07.01",
                "省内/省外": "省内",
                "民族": "土家族",
            }
        ),
        _row(
            **{
                "方向": "转入",
                "姓名": "郑在册",
                "身份证号码": staff.id_number,
                "本方党组织代码": "001001001",
                "对方党组织名称": "中共中南大学委员会",
                "转出性质": None,
                "学生类别": None,
                "开具日期": 40000,
                "回执日期": "2009-07-10",
            }
        ),
    ]
    result = importer.transfers_import(
        file=_xlsx(rows),
        scope_org=tree.college_a,
        as_of=D(2026, 1, 1),
        acting_user=personas["reviewer_a"],
    )
    assert (result.transfers, result.new_members, result.open_transfers) == (3, 2, 1)
    left = Member.objects.get(name="吴毕业")
    assert left.status == MemberStatus.TRANSFERRED_OUT and left.status_date == D(2009, 8, 1)
    open_one = Member.objects.get(name="冯未回")
    assert open_one.status == MemberStatus.ACTIVE and open_one.organization == tree.branch_a2
    assert open_one.ethnicity == "15" and open_one.gender == "F"
    assert [
        t.member.name
        for t in selectors.unreceipted_transfers_out(org=tree.root, as_of=D(2026, 1, 1))
    ] == ["冯未回"]
    staff.refresh_from_db()
    assert staff.status == MemberStatus.ACTIVE
    assert Transfer.objects.get(member=staff).letter_date == D(2009, 7, 6)
    assert AuditEntry.objects.filter(action="import", actor=personas["reviewer_a"]).count() == 1


def test_any_bad_row_rejects_the_whole_file_with_every_error(tree):
    outsider = make_member(tree.branch_b1, "褚他院")
    rows = [
        _row(),
        _row(**{"姓名": "蒋错号", "身份证号码": "430102199001020000"}),
        _row(**{"姓名": "沈外院", "本方党组织代码": "001002001"}),
        _row(
            **{
                "姓名": "韩方向",
                "身份证号码": make_id_number("430102", D(1992, 1, 1), 9, "M"),
                "方向": "调出",
                "开具日期": "2009年",
            }
        ),
        _row(
            **{
                "姓名": "杨性质",
                "身份证号码": make_id_number("430102", D(1993, 1, 1), 9, "M"),
                "转出性质": None,
                "回执日期": "2008-01-01",
            }
        ),
        _row(**{"姓名": "褚他院", "身份证号码": outsider.id_number}),
        _row(),
    ]
    with pytest.raises(importer.ImportRejected) as exc:
        importer.transfers_import(
            file=_xlsx(rows),
            scope_org=tree.college_a,
            as_of=D(2026, 1, 1),
            acting_user=tree.department,
        )
    errors = "\n".join(exc.value.errors)
    assert "第3行（蒋错号）" in errors and "校验位" in errors
    assert "第4行（沈外院）" in errors and "管理范围" in errors
    assert "第5行（韩方向）" in errors and "调出" in errors and "只有年份" in errors
    assert "第6行（杨性质）" in errors and "转出性质" in errors and "早于" in errors
    assert "第7行（褚他院）" in errors and tree.branch_b1.name in errors
    assert "第8行（吴毕业）" in errors and "与第2行重复" in errors
    assert not Transfer.objects.exists()
    assert not Member.objects.filter(name="吴毕业").exists()


def test_missing_columns_and_unreadable_files(tree):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "方向"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    with pytest.raises(importer.ImportRejected) as exc:
        importer.transfers_import(
            file=data, scope_org=tree.root, as_of=D(2026, 1, 1), acting_user=tree.department
        )
    assert "缺少列" in exc.value.errors[0] and "身份证号码" in exc.value.errors[0]
    with pytest.raises(importer.ImportRejected) as exc:
        importer.transfers_import(
            file=io.BytesIO(b"not excel"),
            scope_org=tree.root,
            as_of=D(2026, 1, 1),
            acting_user=tree.department,
        )
    assert "无法读取" in exc.value.errors[0]


def test_the_same_letter_twice_is_refused(tree):
    importer.transfers_import(
        file=_xlsx([_row()]), scope_org=tree.root, as_of=D(2026, 1, 1), acting_user=tree.department
    )
    with pytest.raises(importer.ImportRejected) as exc:
        importer.transfers_import(
            file=_xlsx([_row()]),
            scope_org=tree.root,
            as_of=D(2026, 1, 1),
            acting_user=tree.department,
        )
    assert "已经登记过" in exc.value.errors[0]
    assert Transfer.objects.count() == 1 and Transfer.objects.get().state == TransferState.OPEN
