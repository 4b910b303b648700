"""附件5's period start S: picked by the user on the page, carried into its files, print view,
drill-down and JSON, and on the command line; never after the fill date."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from paicha.conftest import make_user
from paicha.core.browser import login
from paicha.organizations.permissions import Role
from paicha.reports.declarations import get_form

from .test_attachment5_cohort import cohort  # noqa: F401  (fixture)

D = datetime.date
FILL = D(2016, 9, 20)
# The cohort fixture counts A=11 over [2016-01-01, 2016-09-20] and A=9 over [2016-06-01, …]:
# 辛 was lost only before 2016-04-01 and 庚 died on 2016-04-01.
URL = "/reports/attachment5/"


@pytest.fixture
def department(tree, client_for):
    return client_for(make_user("dept", tree.root, Role.ORG_DEPARTMENT))


def test_build_says_which_start_applies_and_where_it_came_from(tree, cohort):  # noqa: F811
    from paicha.campaigns.models import Campaign

    form = get_form("attachment5")
    default = form.build(org=tree.root, as_of=FILL)
    assert (default.period.start, default.period.source) == (
        D(2016, 1, 1),
        "默认：填表日期所在年度的1月1日（未开展专项排查）",
    )
    assert default.rows[0]["A"] == 11

    Campaign.objects.create(
        organization=tree.root, name="失联党员集中排查", start=D(2016, 6, 1), end=D(2016, 12, 31)
    )
    campaign = form.build(org=tree.root, as_of=FILL)
    assert (campaign.period.start, campaign.period.source) == (
        D(2016, 6, 1),
        "默认：填表日期所在的专项排查“失联党员集中排查”的开始日期",
    )
    assert campaign.rows[0]["A"] == 9

    picked = form.build(org=tree.root, as_of=FILL, start=D(2016, 1, 1))
    assert (picked.period.start, picked.period.source) == (D(2016, 1, 1), "由填表人选定")
    assert picked.rows[0]["A"] == 11
    assert picked.as_json()["period"] == {
        "start": "2016-01-01",
        "end": "2016-09-20",
        "source": "由填表人选定",
    }


def test_a_start_after_the_fill_date_is_refused(tree, cohort):  # noqa: F811
    with pytest.raises(ValueError, match="统计起始日期2016年9月21日晚于填表日期2016年9月20日"):
        get_form("attachment5").build(org=tree.root, as_of=FILL, start=D(2016, 9, 21))
    # S = D is a period of one day.
    one_day = get_form("attachment5").build(org=tree.root, as_of=FILL, start=FILL)
    assert one_day.rows[0]["time"] == "2016年9月20日至2016年9月20日"


def test_forms_without_a_period_have_none(tree):
    result = get_form("attachment3").build(org=tree.root, as_of=FILL)
    assert result.period is None and "period" not in result.as_json()


def test_page_shows_the_default_start_and_its_source(tree, cohort, department):  # noqa: F811
    page = department.get(URL, {"org": tree.root.code, "date": "2016-09-20"}).content.decode()
    assert "统计起始日期2016年1月1日（默认：填表日期所在年度的1月1日（未开展专项排查））" in page
    assert 'name="start" value=""' in page
    assert "start=" not in page.split('id="download-xlsx"')[1].split(">")[0]


def test_page_with_a_picked_start_carries_it_everywhere(tree, cohort, department):  # noqa: F811
    response = department.get(
        URL, {"org": tree.root.code, "date": "2016-09-20", "start": "2016-06-01"}
    )
    page = response.content.decode()
    assert "统计起始日期2016年6月1日（由填表人选定）" in page
    assert 'name="start" value="2016-06-01"' in page
    assert "2016年6月1日至2016年9月20日" in response.context["linked_rows"][0][0][0]
    assert response.context["linked_rows"][0][1][0] == 9  # A
    download = page.split('id="download-xlsx" href="')[1].split('"')[0]
    assert download == (
        f"?org={tree.root.code}&amp;date=2016-09-20&amp;start=2016-06-01&amp;format=xlsx"
    )
    # The drill-down behind A counts the same nine members.
    drill = response.context["linked_rows"][0][1][1]
    assert "start=2016-06-01" in drill
    behind = department.get(drill)
    assert behind.context["page"].paginator.count == 9


def test_files_and_json_use_the_start_of_the_url(tree, cohort, department):  # noqa: F811
    query = {"org": tree.root.code, "date": "2016-09-20", "start": "2016-06-01"}
    xlsx = department.get(URL, {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "2016年6月1日至2016年9月20日" in values
    as_json = json.loads(department.get(URL, {**query, "format": "json"}).content)
    assert as_json["rows"][0]["A"] == 9
    assert as_json["period"]["start"] == "2016-06-01"
    printed = department.get(URL, {**query, "format": "print"}).content.decode()
    assert "2016年6月1日至2016年9月20日" in printed


def test_a_start_after_the_date_is_an_error_on_the_page_and_refuses_a_file(
    tree, cohort, department
):  # noqa: F811
    query = {"org": tree.root.code, "date": "2016-09-20", "start": "2016-10-01"}
    page = department.get(URL, query, follow=True).content.decode()
    assert (
        "统计起始日期2016年10月1日晚于填表日期2016年9月20日：统计起始日期不能晚于填表日期" in page
    )
    assert "统计起始日期2016年1月1日（默认" in page  # the default applies meanwhile
    refused = department.get(URL, {**query, "format": "xlsx"})
    assert refused.status_code == 400
    assert "统计起始日期不能晚于填表日期" in refused.content.decode()
    nonsense = department.get(URL, {**query, "start": "2016-13-01", "format": "json"})
    assert nonsense.status_code == 400
    assert nonsense.content.decode().startswith("统计起始日期：")


def test_command_line_takes_the_start(tree, cohort, capsys):  # noqa: F811
    call_command("form", "attachment5", org=tree.root.code, date="2016-09-20", start="2016-06-01")
    printed = json.loads(capsys.readouterr().out)
    assert printed["rows"][0]["A"] == 9
    assert printed["period"] == {
        "start": "2016-06-01",
        "end": "2016-09-20",
        "source": "由填表人选定",
    }
    call_command("form", "attachment5", org=tree.root.code, date="2016-09-20")
    assert json.loads(capsys.readouterr().out)["rows"][0]["A"] == 11
    with pytest.raises(CommandError, match="--start：统计起始日期2016年10月1日晚于填表日期"):
        call_command(
            "form", "attachment5", org=tree.root.code, date="2016-09-20", start="2016-10-01"
        )
    with pytest.raises(CommandError, match="没有统计起始日期"):
        call_command(
            "form", "attachment3", org=tree.root.code, date="2016-09-20", start="2016-06-01"
        )


@pytest.mark.browser
def test_user_picks_the_start_on_the_page_and_downloads_it(
    transactional_db, tree, cohort, live_server, page
):  # noqa: F811
    make_user("dept_b", tree.root, Role.ORG_DEPARTMENT)
    login(page, live_server, "dept_b", "Secret-pass-1")
    page.goto(f"{live_server.url}{URL}?org={tree.root.code}&date=2016-09-20")
    assert "（默认：填表日期所在年度的1月1日" in page.inner_text("#form-period")
    page.fill("#f-start", "2016-06-01")
    page.click("button:has-text('生成')")
    page.wait_for_selector("#form-period:has-text('由填表人选定')")
    assert "2016年6月1日至2016年9月20日" in page.inner_text("table.official-form")
    with page.expect_download() as download_info:
        page.click("#download-xlsx")
    with open(download_info.value.path(), "rb") as downloaded:
        sheet = load_workbook(io.BytesIO(downloaded.read())).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "2016年6月1日至2016年9月20日" in values and 9 in values


def test_page_loads_the_check_against_the_records_after_the_table(
    tree,
    cohort,  # noqa: F811
    department,
    monkeypatch,
):
    from paicha.evidence import selectors
    from paicha.members.models import Member

    query = {"org": tree.root.code, "date": "2016-09-20", "start": "2016-06-01"}
    page = department.get(URL, query).content.decode()
    loader = page.split('id="evidence-checks" hx-get="')[1].split('"')[0]
    assert loader == (
        f"?org={tree.root.code}&amp;date=2016-09-20&amp;start=2016-06-01&amp;part=checks"
    )
    assert "按证据另行计算" not in page  # not computed with the table
    checks = department.get(URL, {**query, "part": "checks"}).content.decode()
    assert "A≥统计起始日超过六个月未联系的党员数（按证据另行计算）——一致" in checks
    assert "未通过" not in checks
    # The same fragment reports a disagreement, with both numbers.
    monkeypatch.setattr(
        selectors,
        "lost_members_by_rule",
        lambda members, *, as_of, exclusive=False: Member.objects.all(),
    )
    checks = department.get(URL, {**query, "part": "checks"}).content.decode()
    assert "与记录核对未通过" in checks and "A=9，2016年6月1日按证据计算为15" in checks
    # Files and JSON carry the check with the others.
    as_json = json.loads(department.get(URL, {**query, "format": "json"}).content)
    assert "A=9，2016年9月20日按证据计算为15" in [c["detail"] for c in as_json["checks"]]
