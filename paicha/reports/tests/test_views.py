import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from paicha.audit.models import AuditEntry
from paicha.conftest import make_member


def _roster_url(org, fmt=None):
    url = reverse("reports:form", args=["branch-roster"]) + f"?org={org.code}&date=2016-09-20"
    return url + (f"&format={fmt}" if fmt else "")


def test_roster_page_print_and_download(tree, personas, client_for):
    make_member(tree.branch_a1, "张三")
    client = client_for(personas["worker_a1"])
    page = client.get(_roster_url(tree.branch_a1)).content.decode()
    assert "支 部 党 员 名 册" in page and "张三" in page and "2016年9月20日" in page
    assert "张三" in client.get(_roster_url(tree.branch_a1, "print")).content.decode()
    response = client.get(_roster_url(tree.branch_a1, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.oddFooter.left.text.startswith("导出：worker_a1")
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == personas["worker_a1"] and "支 部 党 员 名 册" in entry.note


@pytest.mark.parametrize("fmt", [None, "print", "xlsx", "docx", "json"])
@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_forms_of_another_subtree_are_not_found(tree, personas, client_for, fmt, persona):
    make_member(tree.branch_a1, "王秘密")
    response = client_for(personas[persona]).get(_roster_url(tree.branch_a1, fmt))
    assert response.status_code == 404
    assert "王秘密".encode() not in response.content


@pytest.mark.parametrize("persona", ["worker_b1", "outsider"])
def test_registration_of_another_subtree_is_not_found(tree, personas, client_for, persona):
    member = make_member(tree.branch_a1, "王秘密")
    client = client_for(personas[persona])
    for fmt in ("", "?format=docx"):
        url = reverse("reports:document", args=["member-registration", member.pk]) + fmt
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("slug", ["member-registration", "case-search-record", "case-jishi"])
def test_every_document_is_served_in_scope_only_and_masked_for_readers(
    tree, personas, client_for, slug
):
    from .test_lost_forms import make_case

    member = make_member(tree.branch_a1, "王秘密")
    obj = member if slug == "member-registration" else make_case(member)
    url = reverse("reports:document", args=[slug, obj.pk])
    for persona in ("worker_b1", "outsider"):
        for fmt in ("", "?format=docx"):
            response = client_for(personas[persona]).get(url + fmt)
            assert response.status_code == 404 and "王秘密".encode() not in response.content
    assert "王秘密" in client_for(personas["worker_a1"]).get(url).content.decode()
    read = client_for(personas["auditor"]).get(url).content.decode()
    assert "王秘密" in read and member.id_number not in read


def test_registration_print_and_docx(tree, personas, client_for):
    member = make_member(tree.branch_a1, "张三")
    client = client_for(personas["worker_a1"])
    url = reverse("reports:document", args=["member-registration", member.pk])
    body = client.get(url).content.decode()
    assert body.count("中国共产党党员基本情况登记表</h1>") == 2 and member.id_number in body
    assert client.get(url + "?format=docx")["Content-Type"].endswith("wordprocessingml.document")
    masked = client_for(personas["auditor"]).get(url).content.decode()
    assert member.id_number not in masked


def test_unknown_form_is_404(personas, client_for):
    assert (
        client_for(personas["worker_a1"])
        .get(reverse("reports:form", args=["no-such-form"]))
        .status_code
        == 404
    )


def test_command_line_writes_json_and_xlsx(tree, tmp_path):
    make_member(tree.branch_a1, "张三")
    out = tmp_path / "roster.json"
    call_command(
        "form", "branch-roster", org="001001001", date="2016-09-20", format="json", out=str(out)
    )
    data = json.loads(out.read_text())
    assert data["rows"][0]["name"] == "张三"
    xlsx = tmp_path / "roster.xlsx"
    call_command(
        "form", "branch-roster", org="001001001", date="2016-09-20", format="xlsx", out=str(xlsx)
    )
    assert load_workbook(xlsx).active["B4"].value == "张三"


def test_command_line_refuses_unknown_org_and_bad_date(tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="组织代码"):
        call_command("form", "branch-roster", org="nope", date="2016-09-20")
    with pytest.raises(CommandError, match="--date"):
        call_command("form", "branch-roster", org="001", date="下周")


def test_print_page_of_thousands_of_rows_carries_each_row_once_in_order(tree):
    import datetime

    from paicha.reports import views
    from paicha.reports.declarations import FormResult, get_form, header_grid

    form = get_form("branch-roster")
    rows = [
        {
            "seq": n,
            "name": f"党员{n}",
            "birth_date": datetime.date(1990, 5, 1),
            "work_unit": "文学院<资料室>",
        }
        for n in range(1, 4002)
    ]
    result = FormResult(form=form, org=tree.branch_a1, as_of=datetime.date(2016, 9, 20), rows=rows)
    cells, depth = header_grid(form.columns)
    context = {
        "form": form,
        "result": result,
        "header_rows": views._header_rows(cells, depth),
        "exported_by": "导出：测试",
        "blank_rows": range(0),
    }
    page = b"".join(views.print_page(context, result, [False] * len(form.columns))).decode()
    body = page[page.index("<tbody>\n") + len("<tbody>\n") : page.index("\n</tbody>")]
    lines = body.split("\n")
    # Every row on its own line, then the template's line breaks around the (empty) blank rows.
    assert len(lines) == 4001 + 2 and lines[4001:] == ["", ""]
    assert lines[0] == (
        "<tr><td>1</td><td>党员1</td><td></td><td></td><td></td>"
        "<td>1990年5月</td><td></td><td></td><td></td><td></td>"
        "<td>文学院&lt;资料室&gt;</td><td></td><td></td></tr>"
    )
    # Across the pieces the page is sent in, the rows follow one another, one line break apart.
    assert [line.split("</td>")[1] for line in lines[1998:2002]] == [
        "<td>党员1999",
        "<td>党员2000",
        "<td>党员2001",
        "<td>党员2002",
    ]
    assert lines[4000].startswith("<tr><td>4001</td><td>党员4001</td>")
    assert "导出：测试" in page
