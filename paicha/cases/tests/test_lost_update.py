"""Two people editing one lost-contact case: the later save, based on the old copy, is refused
with the other's change and this user's values shown, and nothing is overwritten."""

from django.urls import reverse

from paicha.audit.tests.lost_update import form_data, refused, two_editors, version_in
from paicha.cases.models import LostContactCase
from paicha.conftest import make_user
from paicha.organizations.permissions import Role


def test_a_stale_case_edit_is_refused_and_a_fresh_one_saves(opened_case, personas, tree):
    colleague = make_user("worker_a1_b", tree.branch_a1, Role.BRANCH_WORKER)
    first, second = two_editors(personas["worker_a1"], colleague)
    url = reverse("cases:edit", args=[opened_case.pk])
    page_a = first.get(url)
    page_b = second.get(url)
    assert version_in(page_a.content.decode()) == version_in(page_b.content.decode())

    saved = second.post(url, form_data(page_b, occupation="5"))
    assert saved.status_code == 302
    # The first user, on the old copy, changes another field: 失联原因.
    body = refused(first.post(url, form_data(page_a, loss_reason="6")))
    assert "worker_a1_b" in body
    assert "职业：（空） → 高校毕业生（您填写的是：（空））" in body
    assert "您填写的其他内容：失联原因：居住地改变" in body
    case = LostContactCase.objects.get(pk=opened_case.pk)
    assert (case.occupation, case.loss_reason) == ("5", "")

    # The refusal shows the current record; saving from it keeps both changes.
    assert version_in(body) != version_in(page_a.content.decode())
    again = first.get(url)
    assert first.post(url, form_data(again, loss_reason="6")).status_code == 302
    case.refresh_from_db()
    assert (case.occupation, case.loss_reason) == ("5", "6")


def test_a_case_edit_from_the_current_copy_saves(opened_case, personas):
    first, _ = two_editors(personas["worker_a1"], personas["reviewer_a"])
    url = reverse("cases:edit", args=[opened_case.pk])
    response = first.post(url, form_data(first.get(url), remarks="曾在深圳务工"))
    assert response.status_code == 302
    assert LostContactCase.objects.get(pk=opened_case.pk).remarks == "曾在深圳务工"
