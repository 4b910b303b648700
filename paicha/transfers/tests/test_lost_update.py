"""Two people editing one letter or one flow record: the later save, based on the old copy, is
refused with the other's change and this user's values shown, and nothing is overwritten."""

import datetime

from django.urls import reverse

from paicha.audit.tests.lost_update import form_data, refused, two_editors, version_in
from paicha.codes import FlowScope
from paicha.conftest import make_user
from paicha.organizations.permissions import Role
from paicha.transfers import services
from paicha.transfers.models import FlowRecord, Transfer

from .conftest import make_member


def _editors(personas, tree):
    return two_editors(
        personas["worker_a1"], make_user("worker_a1_b", tree.branch_a1, Role.BRANCH_WORKER)
    )


def test_a_stale_letter_edit_is_refused_and_a_fresh_one_saves(tree, personas, make_out):
    transfer = make_out(
        make_member(tree.branch_a1, "王转出"),
        contact_phone="13800000001",
        destination="深圳市南山区",
    )
    first, second = _editors(personas, tree)
    url = reverse("transfers:edit", args=[transfer.pk])
    page_a, page_b = first.get(url), second.get(url)
    assert second.post(url, form_data(page_b, contact_phone="13900000002")).status_code == 302

    body = refused(first.post(url, form_data(page_a, destination="广州市天河区")))
    assert "worker_a1_b" in body
    assert "13800000001 → 13900000002（您填写的是：13800000001）" in body
    assert "广州市天河区" in body
    transfer = Transfer.objects.get(pk=transfer.pk)
    assert (transfer.contact_phone, transfer.destination) == ("13900000002", "深圳市南山区")

    assert version_in(body) != version_in(page_a.content.decode())
    assert first.post(url, form_data(first.get(url), destination="广州市天河区")).status_code == 302
    transfer.refresh_from_db()
    assert (transfer.contact_phone, transfer.destination) == ("13900000002", "广州市天河区")


def test_a_letter_edit_from_the_current_copy_saves(tree, personas, make_out):
    transfer = make_out(make_member(tree.branch_a1, "王转出"))
    first, _ = _editors(personas, tree)
    url = reverse("transfers:edit", args=[transfer.pk])
    assert first.post(url, form_data(first.get(url), remarks="已谈话")).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).remarks == "已谈话"


def _flow(tree):
    return services.flow_open(
        member=make_member(tree.branch_a1, "王流动"),
        destination="深圳",
        since=datetime.date(2025, 1, 1),
        scope=FlowScope.CROSS_PROVINCE,
        acting_user=tree.department,
    )


def test_a_stale_flow_edit_is_refused_and_a_fresh_one_saves(tree, personas):
    flow = _flow(tree)
    first, second = _editors(personas, tree)
    url = reverse("transfers:flow_edit", args=[flow.pk])
    page_a, page_b = first.get(url), second.get(url)
    assert second.post(url, form_data(page_b, contact_person="李联系")).status_code == 302

    body = refused(first.post(url, form_data(page_a, destination="东莞")))
    assert "（空） → 李联系（您填写的是：（空））" in body and "东莞" in body
    flow = FlowRecord.objects.get(pk=flow.pk)
    assert (flow.contact_person, flow.destination) == ("李联系", "深圳")

    assert first.post(url, form_data(first.get(url), destination="东莞")).status_code == 302
    flow.refresh_from_db()
    assert (flow.contact_person, flow.destination) == ("李联系", "东莞")


def test_a_flow_edit_from_the_current_copy_saves(tree, personas):
    flow = _flow(tree)
    first, _ = _editors(personas, tree)
    url = reverse("transfers:flow_edit", args=[flow.pk])
    assert first.post(url, form_data(first.get(url), destination="东莞")).status_code == 302
    assert FlowRecord.objects.get(pk=flow.pk).destination == "东莞"
