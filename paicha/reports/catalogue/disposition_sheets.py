"""The official sheets built on the A–X counts of `dispositions.py` (rows computed there).

- 附件5 of seed 004, 《与党组织失去联系党员规范管理和组织处置有关情况统计表》, in the seed's layout:
  one row per 统计时间 for the 填报单位 (named below the table as the seed prints it). The
  breakdown by child organization stays a second view (`attachment5-by-unit`, declared in
  dispositions.py) and appears in the campaign roll-up, not on the official sheet.
- 附件4 of the university notice (seed 001) and 附件5 of 湘组〔2016〕4号 (seed 003),
  《与党组织失去联系党员管理及处置情况汇总表》: a 汇总表 filled by the 基层党委 from its units, so one
  row per 填报单位 and 合计, with the header those documents print on every form (填报单位（盖章）,
  填表日期) and no 负责领导 line. The documents name it without printing it; its columns are
  the A–X categories of seed 004 (docs/FORMS.md).
"""

from dataclasses import replace

from ..declarations import FormDeclaration, register
from .dispositions import DispositionStatistics


@register
class DispositionSheet(DispositionStatistics):
    slug = "attachment5"
    min_rows = 1

    @property
    def columns(self):
        # 统计时间 ("2016年9月20日") wide enough to stay on one line.
        return [
            replace(c, width=16) if c.key == "time" else c
            for c in DispositionStatistics.columns
            if c.key != "unit"
        ]

    def rows(self, *, org, as_of, start=None):
        total = DispositionStatistics.rows(self, org=org, as_of=as_of, start=start)[-1]
        return [{**total, "unit": org.name}]


@register
class DispositionSummary(DispositionStatistics):
    slug = "disposition-summary"
    title = "与党组织失去联系党员管理及处置情况汇总表"
    seed = "003"
    header_fields = FormDeclaration.header_fields
    footer_fields = FormDeclaration.footer_fields
    notes_title = "说明："
    notes = """1.本表由基层党委（党总支）根据所属党组织的排查处置情况汇总填写，报上级党委组织部门。
2.表内关系：A＝B+O+X；B＝C+G+M+N；G＝H+I+J+K+L；O＝P+S+V+W；P＝Q+R；S=T+U。
3.各栏含义同《与党组织失去联系党员规范管理和组织处置有关情况统计表》。"""

    @property
    def columns(self):
        return [c for c in DispositionStatistics.columns if c.key != "time"]

    def header_values(self, *, org, as_of, user=None):
        return FormDeclaration.header_values(self, org=org, as_of=as_of, user=user)

    def footer_values(self, *, org, as_of, user=None):
        return FormDeclaration.footer_values(self, org=org, as_of=as_of, user=user)
