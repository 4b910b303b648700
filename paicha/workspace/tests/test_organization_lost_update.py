"""Two people editing one organization: the later save, based on the old copy, is refused with
the other's change and this user's values shown, and nothing is overwritten."""

from django.urls import reverse

from paicha.audit.tests.lost_update import form_data, refused, two_editors, version_in
from paicha.conftest import make_user
from paicha.organizations.models import Organization
from paicha.organizations.permissions import Role


def test_a_stale_organization_edit_is_refused_and_a_fresh_one_saves(tree, personas):
    colleague = make_user("department_b", tree.root, Role.ORG_DEPARTMENT)
    first, second = two_editors(personas["department"], colleague)
    url = reverse("organizations:edit", args=[tree.branch_a1.code])
    page_a, page_b = first.get(url), second.get(url)
    assert second.post(url, form_data(page_b, secretary="张书记")).status_code == 302

    body = refused(first.post(url, form_data(page_a, secretary_phone="0731-88880000")))
    assert "department_b" in body
    assert "（空） → 张书记（您填写的是：（空））" in body and "0731-88880000" in body
    org = Organization.objects.get(pk=tree.branch_a1.pk)
    assert (org.secretary, org.secretary_phone) == ("张书记", "")

    assert version_in(body) != version_in(page_a.content.decode())
    page = first.get(url)
    assert first.post(url, form_data(page, secretary_phone="0731-88880000")).status_code == 302
    org.refresh_from_db()
    assert (org.secretary, org.secretary_phone) == ("张书记", "0731-88880000")


def test_an_organization_edit_from_the_current_copy_saves(tree, personas):
    first, _ = two_editors(personas["department"], personas["reviewer_a"])
    url = reverse("organizations:edit", args=[tree.branch_a1.code])
    assert first.post(url, form_data(first.get(url), short_name="文学一支")).status_code == 302
    assert Organization.objects.get(pk=tree.branch_a1.pk).short_name == "文学一支"
