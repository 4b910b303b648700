"""Two people editing one member: the later save, based on the old copy, is refused with the
other's change shown, and nothing is overwritten (SQLite and PostgreSQL)."""

import datetime
import re

from django.urls import reverse

from paicha.conftest import make_member


def _post_data(member, **changes):
    from django.forms.models import model_to_dict

    from paicha.members.forms import MemberForm

    data = {
        k: v
        for k, v in model_to_dict(member, fields=MemberForm.Meta.fields).items()
        if v is not None
    }
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["organization"] = member.organization_id
    data.update(changes)
    return data


def test_a_save_from_an_old_copy_is_refused_and_shows_the_other_change(tree, personas, client_for):
    from django.test import Client

    member = make_member(
        tree.branch_a1,
        "王两人",
        mobile="13800000001",
        residence="长沙市岳麓区",
        join_date=datetime.date(2010, 6, 1),
        full_date=datetime.date(2011, 6, 1),
    )
    url = reverse("members:edit", args=[member.pk])
    first = Client()
    first.force_login(personas["worker_a1"])
    second = Client()
    second.force_login(personas["reviewer_a"])
    page = first.get(url).content.decode()
    old_version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    # The second user opens and saves a new mobile.
    page = second.get(url).content.decode()
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    assert version == old_version
    response = second.post(url, {**_post_data(member, mobile="13900000002"), "version": version})
    assert response.status_code == 302
    # The first user, still on the old copy, changes the residence only.
    stale = {**_post_data(member, residence="株洲市天元区"), "version": old_version}
    response = first.post(url, stale)
    body = response.content.decode()
    assert response.status_code == 200
    assert "保存失败" in body and "reviewer_a" in body
    assert "手机号码：13800000001 → 13900000002" in body
    member.refresh_from_db()
    assert member.mobile == "13900000002"
    assert member.residence == "长沙市岳麓区"
    # Having seen the change, the first user saves again from the current copy.
    fresh = re.search(r'name="version" value="([^"]+)"', body).group(1)
    assert fresh != old_version
    response = first.post(url, {**_post_data(member, residence="株洲市天元区"), "version": fresh})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.mobile, member.residence) == ("13900000002", "株洲市天元区")
