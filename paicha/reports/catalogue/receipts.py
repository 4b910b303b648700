"""党员组织关系回执情况统计表 (seed 000 附件4): the year's transfers in and out of the subtree, as
they stood on the fill date (letters and receipts dated after it do not count)."""

from ..declarations import Column, FormDeclaration, register

COUNT_TITLES = ("总数", "研究生", "本科生", "专科生", "省内", "省外", "回执收（寄）数")


@register
class ReceiptStatistics(FormDeclaration):
    slug = "receipt-statistics"
    title = "党员组织关系回执情况统计表"
    seed = "000"
    landscape = False
    header_fields = ("填报单位", "填报时间")
    footer_fields = ()
    columns = [
        Column("项目", "项 目", width=18),
        *(Column(t, t, kind="int", width=11) for t in COUNT_TITLES),
    ]
    notes = (
        "统计填报年度内转入和转出的所有党员组织关系及其回执寄收情况（年度以介绍信开具日期为准）。"
        "截至填报日期：此后开具的介绍信和此后收（寄）的回执不计入。"
    )

    def title_for(self, as_of):
        return f"{as_of.year}年度{self.title}"

    def header_values(self, *, org, as_of, user=None):
        return {"填报单位": org.name, "填报时间": f"{as_of.year}年{as_of.month}月"}

    def rows(self, *, org, as_of):
        from paicha.transfers.selectors import receipt_statistics

        return receipt_statistics(org=org, as_of=as_of)

    def checks(self, rows, *, org, as_of):
        from ..crosschecks import receipt_statistics_checks

        return receipt_statistics_checks(rows, org=org, as_of=as_of)
