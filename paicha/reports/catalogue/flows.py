"""流动党员 and "口袋"党员 登记表 / 汇总表 (seed 001 附件5–8).

The seed names these forms without printing them; their columns are chosen in the transfers
app beside the selectors that fill them (see paicha/transfers/selectors.py), and declared here
so the shared renderers serve them like every other form.
"""

from ..declarations import Column, FormDeclaration, register

SENSITIVE = {"本人联系电话", "联系电话", "流入地联系人电话"}
WIDTHS = {"seq": 5, "int": 9, "date": 13, "month": 10, "text": 12}


def _columns(spec) -> list[Column]:
    return [
        Column(
            title,
            title,
            kind=kind,
            sensitive=title in SENSITIVE,
            width=24 if title in ("单位", "流入地（单位）") else WIDTHS[kind],
        )
        for title, kind in spec
    ]


def _declare(slug: str, title_name: str, columns_name: str, rows_name: str, seed_attachment: str):
    from paicha.transfers import selectors

    class Declared(FormDeclaration):
        seed = "001"
        notes_title = "说明："
        notes = (
            f"1、本表为校党委组织部《关于开展党员组织关系集中排查的通知》附件{seed_attachment}，"
            + (
                "由党支部填写，报所在基层党委（党总支）核查汇总。"
                if "register" in slug
                else "由基层党委（党总支）核查汇总后填写，报校党委组织部。"
            )
        )
        columns = _columns(getattr(selectors, columns_name))

        def rows(self, *, org, as_of):
            return getattr(selectors, rows_name)(org=org, as_of=as_of)

    Declared.slug = slug
    Declared.title = getattr(selectors, title_name)
    Declared.__name__ = Declared.__qualname__ = "".join(p.title() for p in slug.split("-"))
    return register(Declared)


_declare("flow-register", "FLOW_REGISTER_TITLE", "FLOW_REGISTER_COLUMNS", "flow_register_rows", "5")
_declare("flow-summary", "FLOW_SUMMARY_TITLE", "FLOW_SUMMARY_COLUMNS", "flow_summary_rows", "6")
_declare(
    "pocket-register",
    "POCKET_REGISTER_TITLE",
    "POCKET_REGISTER_COLUMNS",
    "pocket_register_rows",
    "7",
)
_declare(
    "pocket-summary", "POCKET_SUMMARY_TITLE", "POCKET_SUMMARY_COLUMNS", "pocket_summary_rows", "8"
)
