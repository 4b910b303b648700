"""Per-person documents (登记表, 记录表, 纪实表), each declared once as pages of cell grids.

A declaration builds a `Document` for one record; `to_docx` and the print template
(core/document_print.html) lay every document out the same way: A4 portrait, one table a page,
cells merged across columns and rows as in the seed, paragraphs aligned inside a cell.

Each app declares its own documents and registers them here when it is ready (the member's
登记表 in reports' catalogue, the case's 记录表 and 纪实表 in `cases.documents`);
`audit.exports.document_response` serves any of them, masked and audited.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from typing import ClassVar

from paicha.core.cells import safe_cell
from paicha.core.privacy import mask_text

CHECKED, UNCHECKED = "☑", "□"


def boxes(options: list[str], chosen) -> str:
    """'☑未婚  □已婚 …' as the 登记表 prints its choices."""
    chosen_set = set(chosen) if isinstance(chosen, list | set | tuple) else {chosen}
    return "  ".join(f"{CHECKED if o in chosen_set else UNCHECKED}{o}" for o in options)


@dataclass
class Cell:
    paras: list[tuple[str, str]]  # (text, align: left | center | right)
    colspan: int = 1
    rowspan: int = 1
    label: bool = False
    tall: bool = False  # opinions, signatures, accounts: room to write, text from the top

    @property
    def text(self) -> str:
        return "\n".join(t for t, _ in self.paras)


def label(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell([(text, "center")], colspan, rowspan, label=True)


def value(text, colspan: int = 1, rowspan: int = 1, align: str = "center") -> Cell:
    return Cell([("" if text is None else str(text), align)], colspan, rowspan)


def block(paras: list[tuple[str, str]], colspan: int = 1) -> Cell:
    return Cell(paras, colspan, tall=True)


@dataclass
class Page:
    title: str
    widths: list[float]  # column widths in cm (A4: 17.4 cm between the margins)
    rows: list[list[Cell]]
    before: list[tuple[str, str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    copy_note: str = ""  # which copy of 一式几份 this page is
    # 填表说明 printed on the back of the page (a page of its own), e.g. the 登记表's 19 items.
    notes_title: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Document:
    title: str
    filename: str
    pages: list[Page]

    def masked(self) -> Document:
        """This document with every 身份证号码 and phone number in its text masked
        (core.privacy.mask_text): the one rule for readers without VIEW_IDENTITY, whatever
        free text (查找过程, 备注) may quote."""

        def paras(items):
            return [(mask_text(t), a) for t, a in items]

        return Document(
            self.title,
            self.filename,
            [
                Page(
                    p.title,
                    p.widths,
                    [
                        [Cell(paras(c.paras), c.colspan, c.rowspan, c.label, c.tall) for c in row]
                        for row in p.rows
                    ],
                    paras(p.before),
                    [mask_text(t) for t in p.after],
                    p.copy_note,
                )
                for p in self.pages
            ],
        )


class DocumentDeclaration:
    """Subclass per document; register with `@register_document`."""

    slug: ClassVar[str]
    title: ClassVar[str]
    model: ClassVar[type]

    def build(self, obj, *, as_of: datetime.date, mask: bool) -> Document:
        """The document for `obj` on `as_of` (the 填表日期), identities masked if `mask`."""
        raise NotImplementedError


_DOCUMENTS: dict[str, type[DocumentDeclaration]] = {}


def register_document(cls):
    _DOCUMENTS[cls.slug] = cls
    return cls


def get_document(slug: str) -> DocumentDeclaration:
    return _DOCUMENTS[slug]()


def all_documents() -> list[DocumentDeclaration]:
    return [cls() for cls in _DOCUMENTS.values()]


# ---- .docx ------------------------------------------------------------------------------------


def _font(run, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "SimSun"
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "宋体")


def _grid(page) -> list[list[tuple]]:
    """Each row of the page as (column, cell, first row of its span) for the cells that start
    at a grid column in that row (a cell spanning rows appears in each of them)."""
    taken: dict[tuple[int, int], tuple] = {}
    for r, row in enumerate(page.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                taken[(r + dr, c)] = (c, cell, dr == 0)
                for dc in range(1, cell.colspan):
                    taken[(r + dr, c + dc)] = ()
            c += cell.colspan
    return [
        [taken[(r, c)] for c in range(len(page.widths)) if taken.get((r, c))]
        for r in range(len(page.rows))
    ]


def _add_table(out, page, aligns) -> None:
    """The page's table written row by row, merged cells as Word stores them (w:gridSpan
    across, w:vMerge down), without python-docx's cell lookup, which rereads the whole table
    for every cell."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.oxml.table import CT_Tc
    from docx.shared import Cm
    from docx.table import _Cell

    table = out.add_table(rows=0, cols=len(page.widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, page.widths, strict=True):
        column.w = Cm(width)
    for row in _grid(page):
        tr = table._tbl.add_tr()
        tr.trHeight_val = Cm(1.0)
        for c, cell, first in row:
            tc = CT_Tc.new()
            tr.append(tc)
            tc.width = Cm(sum(page.widths[c : c + cell.colspan]))
            tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "restart" if first else "continue"
            target = _Cell(tc, table)
            target.vertical_alignment = (
                WD_CELL_VERTICAL_ALIGNMENT.TOP if cell.tall else WD_CELL_VERTICAL_ALIGNMENT.CENTER
            )
            if not first:
                continue
            for i, (text, align) in enumerate(cell.paras):
                para = target.paragraphs[0] if i == 0 else target.add_paragraph()
                para.alignment = aligns[align]
                _font(para.add_run(safe_cell(text)), 10.5, bold=cell.label)
            if cell.tall and len(cell.paras) < 3:
                target.add_paragraph()


def to_docx(document: Document, *, exported_by: str = "") -> bytes:
    """Render `document` as .docx: A4 portrait, one table per page, merged like the seed."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    aligns = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    out = Docx()
    section = out.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(1.6)
    out.core_properties.title = document.title
    for number, page in enumerate(document.pages):
        if number:
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if page.copy_note:
            p = out.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(p.add_run(page.copy_note), 9)
        p = out.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(page.title), 16, bold=True)
        for text, align in page.before:
            p = out.add_paragraph()
            p.alignment = aligns[align]
            _font(p.add_run(text), 11)
        _add_table(out, page, aligns)
        for text in page.after:
            p = out.add_paragraph()
            p.paragraph_format.space_before = Pt(4)
            _font(p.add_run(text), 9)
        if page.notes:
            out.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            for line in page.notes_title.splitlines():
                p = out.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(p.add_run(line), 14, bold=True)
            for text in page.notes:
                p = out.add_paragraph()
                p.paragraph_format.first_line_indent = Pt(21)
                p.paragraph_format.space_after = Pt(2)
                _font(p.add_run(text), 10.5)
    if exported_by:
        out.sections[0].footer.paragraphs[0].text = exported_by
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
