"""A removal takes effect on the date of its final approval: forms dated before it do not
change, forms dated on or after it leave the member out (SPEC §4)."""

import datetime

from paicha.cases.rules import steps_for
from paicha.codes import DispositionCategory as D
from paicha.reports.declarations import get_form

from .test_services import approve, propose_removal

BEFORE = datetime.date(2016, 10, 31)
EFFECTIVE = datetime.date(2016, 12, 1)


def snapshot(tree, as_of):
    """What each form dated `as_of` says, as its JSON (rows and checks)."""
    forms = {
        "branch-roster": tree.branch_a1,
        "lost-roster": tree.branch_a1,
        "unreachable-register": tree.branch_a1,
        "regained-register": tree.branch_a1,
    }
    found = {
        slug: get_form(slug).build(org=org, as_of=as_of).as_json()["rows"]
        for slug, org in forms.items()
    }
    # Rows 2 and 3 of 附件3 (row 1 is the evidence's count at the campaign's start).
    found["attachment3"] = get_form("attachment3").build(org=tree.root, as_of=as_of).rows[1:]
    return found


def test_removal_effective_later_leaves_earlier_forms_unchanged(
    tree, opened_case, personas, searchers, lost
):
    propose_removal(opened_case, personas, searchers)
    before = snapshot(tree, BEFORE)
    assert "王失联" in [r["name"] for r in before["branch-roster"]]
    assert [r["name"] for r in before["unreachable-register"]] == ["王失联"]
    assert [r["name"] for r in before["lost-roster"]] == ["王失联"]
    assert before["attachment3"][1]["total"] == 1

    steps = steps_for(D.LOST_SELF_LAPSED)
    for i, step in enumerate(steps):
        approve(
            opened_case, personas, step, EFFECTIVE - datetime.timedelta(days=len(steps) - 1 - i)
        )
    lost.refresh_from_db()
    assert lost.status_date == EFFECTIVE

    assert snapshot(tree, BEFORE) == before
    assert snapshot(tree, EFFECTIVE - datetime.timedelta(days=1)) == before
    after = snapshot(tree, EFFECTIVE)
    assert "王失联" not in [r["name"] for r in after["branch-roster"]]
    assert after["unreachable-register"] == [] and after["lost-roster"] == []
    assert after["attachment3"][1]["total"] == 0
