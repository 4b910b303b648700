import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from paicha.codes import AbroadKind, FlowScope, MemberStatus, TransferState
from paicha.transfers import services
from paicha.transfers.models import Transfer

from .conftest import make_member

D = datetime.date


@pytest.fixture
def world(tree, make_out, personas):
    """A member of branch A1 with a letter out, a flow, a pocket and an abroad record."""
    secret = make_member(tree.branch_a1, "王秘密", mobile="13900000009")
    t = make_out(secret, letter_date=D(2025, 1, 1))
    services.followup_add(
        transfer=t,
        on=D(2025, 6, 1),
        by_whom="李书记",
        what="电话未接通",
        acting_user=tree.department,
    )
    pocket = services.pocket_mark(
        member=secret, on=D(2025, 6, 1), reason="未报到", transfer=t, acting_user=tree.department
    )
    other = make_member(tree.branch_a1, "王流动")
    flow = services.flow_open(
        member=other,
        destination="深圳",
        since=D(2025, 1, 1),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )
    away = make_member(tree.branch_a1, "王出国")
    abroad = services.abroad_register(
        member=away,
        kind=AbroadKind.SUSPENDED,
        place="加拿大",
        period_from=D(2024, 1, 1),
        acting_user=tree.department,
    )
    for step, who in (
        ("1", "worker_a1"),
        ("2", "reviewer_a"),
        ("4", "worker_a1"),
        ("5", "reviewer_a"),
    ):
        services.abroad_approve(
            record=abroad,
            acting_user=personas[who],
            step=step,
            opinion="同意",
            signed_on=D(2024, 1, 1),
        )
    return {"member": secret, "transfer": t, "pocket": pocket, "flow": flow, "abroad": abroad}


OBJECT_PAGES = {
    "detail": lambda w: reverse("transfers:detail", args=[w["transfer"].pk]),
    "edit": lambda w: reverse("transfers:edit", args=[w["transfer"].pk]),
    "receipt": lambda w: reverse("transfers:receipt", args=[w["transfer"].pk]),
    "followup": lambda w: reverse("transfers:followup", args=[w["transfer"].pk]),
    "pocket": lambda w: reverse("transfers:pocket", args=[w["transfer"].pk]),
    "commitment": lambda w: reverse("transfers:commitment", args=[w["transfer"].pk]),
    "card": lambda w: reverse("transfers:card", args=[w["transfer"].pk]),
    "accept": lambda w: reverse("transfers:accept", args=[w["transfer"].pk]),
    "refuse": lambda w: reverse("transfers:refuse", args=[w["transfer"].pk]),
    "create_out": lambda w: reverse("transfers:create_out", args=[w["member"].pk]),
    "flow_create": lambda w: reverse("transfers:flow_create", args=[w["member"].pk]),
    "abroad_create": lambda w: reverse("transfers:abroad_create", args=[w["member"].pk]),
    "flow_edit": lambda w: reverse("transfers:flow_edit", args=[w["flow"].pk]),
    "flow_close": lambda w: reverse("transfers:flow_close", args=[w["flow"].pk]),
    "pocket_resolve": lambda w: reverse("transfers:pocket_resolve", args=[w["pocket"].pk]),
    "abroad_end": lambda w: reverse("transfers:abroad_end", args=[w["abroad"].pk]),
    "abroad_restoration": lambda w: reverse("transfers:abroad_restoration", args=[w["abroad"].pk]),
}


@pytest.mark.parametrize("page", sorted(OBJECT_PAGES))
@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_outsider_of_the_subtree_gets_nothing(world, personas, client_for, page, persona):
    client = client_for(personas[persona])
    for method in ("get", "post"):
        response = getattr(client, method)(OBJECT_PAGES[page](world))
        assert response.status_code in (403, 404), (page, persona, method)
        assert "王秘密" not in response.content.decode()
    assert Transfer.objects.get().state == TransferState.OPEN


@pytest.mark.parametrize("name", ["list", "incoming", "statistics", "abroad"])
def test_lists_show_only_the_own_subtree(world, personas, client_for, name):
    body = (
        client_for(personas["worker_b1"])
        .get(reverse(f"transfers:{name}") + "?tab=all")
        .content.decode()
    )
    assert "王秘密" not in body and "王出国" not in body
    inside = client_for(personas["reviewer_a"]).get(reverse(f"transfers:{name}") + "?tab=all")
    assert inside.status_code == 200


@pytest.mark.parametrize("which", ["flow", "flow_summary", "pocket", "pocket_summary"])
def test_registers_show_only_the_own_subtree(world, personas, client_for, which):
    url = reverse("transfers:register", args=[which]) + "?as_of=2025-07-01"
    body = (
        client_for(personas["worker_b1"])
        .get(url + f"&org={world['member'].organization.code}")
        .content.decode()
    )
    assert "王秘密" not in body and "王流动" not in body
    body = client_for(personas["reviewer_a"]).get(url).content.decode()
    if which == "pocket":
        assert "王秘密" in body and "“口袋”党员登记表" in body and "139****0009" not in body
    if which == "flow":
        assert "王流动" in body and "补充资料" in body and "流动党员 1 人" in body
    if which.endswith("summary"):
        assert "文学院" in body


def test_auditor_reads_but_cannot_write(world, personas, client_for):
    client = client_for(personas["auditor"])
    assert client.get(OBJECT_PAGES["detail"](world)).status_code == 200
    response = client.post(OBJECT_PAGES["receipt"](world), {"on": "2025-07-01"})
    assert response.status_code == 403
    masked = client.get(reverse("transfers:register", args=["pocket"]) + "?as_of=2025-07-01")
    assert "139****0009" in masked.content.decode()
    assert Transfer.objects.get().state == TransferState.OPEN


def test_inside_transfer_from_a1_to_b1_through_the_pages(tree, personas, client_for):
    member = make_member(tree.branch_a1, "陈调动")
    a1 = client_for(personas["worker_a1"])
    response = a1.post(
        reverse("transfers:create_out", args=[member.pk]),
        {
            "letter_number": "文〔2026〕9号",
            "letter_date": "2026年3月1日",
            "counterpart_code": tree.branch_b1.code,
            "province_scope": "within",
            "permanence": "permanent",
            "contact_phone": "13800000000",
            "destination": "理学院",
        },
    )
    assert response.status_code == 302, response.content.decode()
    t = Transfer.objects.get()
    assert t.counterpart_org == tree.branch_b1 and t.counterpart_name == tree.branch_b1.name
    b1 = client_for(personas["worker_b1"])
    assert "陈调动" in b1.get(reverse("transfers:incoming")).content.decode()
    assert b1.get(reverse("transfers:detail", args=[t.pk])).status_code == 200
    response = b1.post(reverse("transfers:accept", args=[t.pk]), {"on": "2026-03-05"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.organization == tree.branch_b1
    a1 = client_for(personas["worker_a1"])
    table = a1.get(reverse("transfers:list")).content.decode().split('id="transfer-table"')[1]
    assert "陈调动" not in table and 'id="empty"' in table


def test_form_errors_name_the_field(tree, personas, client_for):
    member = make_member(tree.branch_a1, "陈出错")
    client = client_for(personas["worker_a1"])
    response = client.post(
        reverse("transfers:create_out", args=[member.pk]),
        {
            "letter_date": "2026年13月1日",
            "counterpart_code": "nope",
            "province_scope": "within",
            "permanence": "permanent",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "月份超出范围" in body and "本系统内没有代码为 nope 的党组织" in body
    assert not Transfer.objects.exists()


def test_outside_transfer_past_its_deadline_is_overdue(tree, personas, client_for, make_out):
    today = timezone.localdate()
    member = make_member(tree.branch_a1, "卫逾期")
    make_out(member, letter_date=today - datetime.timedelta(days=200))
    body = (
        client_for(personas["worker_a1"])
        .get(reverse("transfers:list") + "?tab=overdue")
        .content.decode()
    )
    assert "卫逾期" in body and "逾期未回执" in body


def test_statistics_page_has_the_seed_title(tree, personas, client_for, make_out):
    make_out(make_member(tree.branch_a1, "褚统计"), letter_date=D(2016, 5, 1))
    body = (
        client_for(personas["reviewer_a"])
        .get(reverse("transfers:statistics") + "?year=2016")
        .content.decode()
    )
    assert "2016年度党员组织关系回执情况统计表" in body
    assert "转入组织关系数" in body and "转出组织关系数" in body and "回执收（寄）数" in body


def test_receipt_and_pocket_through_the_pages(world, personas, client_for):
    client = client_for(personas["worker_a1"])
    t = world["transfer"]
    assert "承　诺　书" in client.get(OBJECT_PAGES["commitment"](world)).content.decode()
    card = client.get(OBJECT_PAGES["card"](world)).content.decode()
    assert "联 心 卡" in card and world["transfer"].organization.name in card
    assert 'id="wechat-qr"' not in card  # no group link recorded: no code
    response = client.post(OBJECT_PAGES["receipt"](world), {"on": "2024-01-01"})
    assert "早于" in response.content.decode()
    response = client.post(OBJECT_PAGES["receipt"](world), {"on": "2025-07-01", "note": "纸质回执"})
    assert response.status_code == 302
    t.refresh_from_db()
    world["member"].refresh_from_db()
    assert t.state == TransferState.RECEIPTED
    assert world["member"].status == MemberStatus.TRANSFERRED_OUT and not world["member"].pocket


def test_member_pick_finds_only_own_roster(world, personas, client_for, tree):
    make_member(tree.branch_b1, "王外人")
    body = (
        client_for(personas["worker_a1"])
        .get(reverse("transfers:member_pick") + "?q=王")
        .content.decode()
    )
    assert "王流动" in body and "王外人" not in body


def test_import_page_reports_row_errors(tree, personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_importer import _row, _xlsx

    client = client_for(personas["worker_a1"])
    upload = SimpleUploadedFile("t.xlsx", _xlsx([_row(**{"本方党组织代码": "001002001"})]).read())
    body = client.post(reverse("transfers:import"), {"file": upload}).content.decode()
    assert "第2行" in body and "管理范围" in body
    assert not Transfer.objects.exists()


def test_card_prints_the_group_qr_code_and_both_contacts(world, personas, client_for):
    branch = world["transfer"].organization
    branch.wechat_group_link = "https://weixin.qq.com/g/AQYAAExample"
    branch.secretary, branch.secretary_phone = "王书记", "13900000001"
    branch.secretary_wechat, branch.secretary_email = "wang_sj", "wang@dangwu.example"
    branch.organizer, branch.organizer_wechat = "李委员", "li_wy"
    branch.organizer_email = "li@dangwu.example"
    branch.save()
    card = client_for(personas["worker_a1"]).get(OBJECT_PAGES["card"](world)).content.decode()
    assert 'id="wechat-qr"' in card and "<svg" in card and "<path" in card
    assert "王书记 电话13900000001 微信wang_sj 邮箱wang@dangwu.example" in card
    assert "李委员 微信li_wy 邮箱li@dangwu.example" in card
    # The code is made on the server: nothing on the card points elsewhere.
    assert "http" not in card.split('id="wechat-qr"')[1].split("</div>")[0]


def test_the_abroad_suspension_is_signed_through_its_page(tree, personas, client_for):
    away = make_member(tree.branch_a1, "王定居")
    record = services.abroad_register(
        member=away,
        kind=AbroadKind.SUSPENDED,
        place="澳大利亚",
        period_from=D(2025, 1, 1),
        acting_user=tree.department,
    )
    url = reverse("transfers:abroad_approve", args=[record.pk])
    assert (
        "停止党籍审批中"
        in client_for(personas["worker_a1"]).get(reverse("transfers:abroad")).content.decode()
    )
    page = client_for(personas["worker_a1"]).get(url).content.decode()
    assert "签署“支委会初步处置意见”" in page and "基层党委审核（审批）意见：待签署" in page
    response = client_for(personas["worker_a1"]).post(
        url, {"approved": "1", "opinion": "拟停止党籍", "signed_on": "2025-01-05"}
    )
    assert response.status_code == 302
    # The next step is the 基层党委's: the branch worker cannot sign it.
    response = client_for(personas["worker_a1"]).post(
        url, {"approved": "1", "opinion": "同意", "signed_on": "2025-01-06"}
    )
    assert "须由" in response.content.decode()
    assert client_for(personas["worker_b1"]).get(url).status_code == 404


def test_import_check_lists_the_letters_and_writes_nothing(tree, personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_importer import _row, _xlsx

    client = client_for(personas["department"])
    upload = SimpleUploadedFile("t.xlsx", _xlsx([_row()]).read())
    body = client.post(reverse("transfers:import"), {"file": upload, "check": "1"}).content.decode()
    assert "可导入 1 行" in body
    assert "第2行：吴毕业　转出　2009年6月20日开具　中共深圳市委组织部　未收到回执" in body
    assert not Transfer.objects.exists()


def test_a_large_history_is_imported_through_its_job(tree, personas, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from paicha.members.models import ImportState, MemberImport

    from .test_importer import _row, _xlsx

    settings.IMPORT_IN_BACKGROUND_ABOVE_BYTES = 0
    client = client_for(personas["department"])
    upload = SimpleUploadedFile("t.xlsx", _xlsx([_row()]).read())
    response = client.post(reverse("transfers:import"), {"file": upload})
    job = MemberImport.objects.get()
    assert response.url == job.get_absolute_url() and job.state == ImportState.CHECKED
    assert job.organization == personas["department"].organization
    client.post(reverse("members:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.message.startswith("已导入 1 封介绍信")
    assert Transfer.objects.get().member.name == "吴毕业"
