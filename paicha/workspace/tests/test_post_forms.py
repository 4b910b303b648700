"""Every POST form of the product, submitted as a user would, outside a test transaction.

Tests normally run inside a transaction, which hides a view that locks rows
(`select_for_update`) without one: PostgreSQL then answers 500. Here each request runs as in
production (autocommit), on both databases (CI runs the suite on SQLite and PostgreSQL), and
no form may answer 500.
"""

import datetime

import pytest

from paicha.cases.services import case_open
from paicha.codes import OrgLifeKind
from paicha.conftest import make_member
from paicha.core.crawl import crawl, route_of
from paicha.evidence import services as evidence

AS_OF = datetime.date(2016, 9, 20)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(tree, personas):
    """A branch with members, a meeting, dues, a contact and a case, so that every kind of
    page and form can be reached by links."""
    worker = personas["worker_a1"]
    zhang = make_member(tree.branch_a1, "张组织", mobile="13800000001")
    li = make_member(tree.branch_a1, "李党费", mobile="13800000002")
    wang = make_member(tree.branch_a1, "王失联", mobile="13800000003")
    make_member(tree.branch_b1, "赵外院")
    evidence.meeting_record(
        organization=tree.branch_a1,
        date=datetime.date(2016, 9, 1),
        kind=OrgLifeKind.values[0],
        topic="学习",
        attendance={zhang.pk: ("present", ""), li.pk: ("present", "")},
        acting_user=worker,
        as_of=AS_OF,
    )
    evidence.dues_record(
        member=li,
        amount="2.00",
        month_from=datetime.date(2016, 9, 1),
        month_to=datetime.date(2016, 9, 1),
        paid_on=datetime.date(2016, 9, 5),
        acting_user=worker,
        as_of=AS_OF,
    )
    evidence.contact_record(
        member=zhang, date=datetime.date(2016, 9, 2), acting_user=worker, as_of=AS_OF
    )
    case_open(member=wang, acting_user=worker, opened_on=datetime.date(2016, 3, 1))
    return tree


@pytest.mark.parametrize("persona", ["worker_a1", "reviewer_a", "department"])
def test_every_post_form_answers_without_a_server_error(world, personas, persona, client):
    client.raise_request_exception = False
    client.force_login(personas[persona])
    pages, forms = crawl(client, limit=200)
    assert [p.url for p in pages if p.status >= 500] == []
    submitted, failures = {}, []
    for form in forms:
        if form.method != "post":
            continue
        route = route_of(form.action)
        if route is None or route.startswith("accounts/logout") or submitted.get(route):
            continue
        submitted[route] = True
        response = client.post(form.action, dict(form.fields))
        if response.status_code >= 500:
            failures.append((form.page, form.action, response.status_code))
        client.force_login(personas[persona])  # a form may have changed the password
    assert failures == []
    # The crawl reached the evidence forms that once failed on PostgreSQL.
    if persona == "worker_a1":
        assert {
            "evidence/contacts/new/<int:member_pk>/",
            "evidence/dues/new/<int:member_pk>/",
            "evidence/meetings/<int:pk>/edit/",
        } <= set(submitted), sorted(submitted)
