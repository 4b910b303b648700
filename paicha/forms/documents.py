"""Per-person documents (登记表, 记录表, 纪实表): a grid of label and value cells.

A document declares its rows for one record; `render_document_docx` and the print template
lay any document out the same way, `copies` times (一式两份 / 一式四份).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .renderers.docx import add_title, new_document, to_bytes

CHECKED, UNCHECKED = "☑", "□"


def boxes(options: list[str], chosen) -> str:
    """'☑未婚  □已婚 …' as the 登记表 prints its choices."""
    chosen_set = set(chosen) if isinstance(chosen, list | set | tuple) else {chosen}
    return "  ".join(f"{CHECKED if o in chosen_set else UNCHECKED}{o}" for o in options)


@dataclass(frozen=True)
class Cell:
    text: str
    span: int = 1
    label: bool = False
    # Taller cells for opinions and signatures.
    tall: bool = False
    # 身份证号码 and phones: masked for roles that may not see them (SPEC §10).
    sensitive: bool = False


def L(text: str, span: int = 1) -> Cell:  # noqa: N802  (reads like the form)
    return Cell(text, span, label=True)


def V(text, span: int = 1, tall: bool = False, sensitive: bool = False) -> Cell:  # noqa: N802
    return Cell("" if text is None else str(text), span, tall=tall, sensitive=sensitive)


class DocumentDeclaration:
    slug: ClassVar[str]
    title: ClassVar[str]
    grid_columns: ClassVar[int] = 4
    copies: ClassVar[int] = 1
    footnote: ClassVar[str] = ""
    notes_title: ClassVar[str] = ""
    notes: ClassVar[str] = ""

    def rows(self, obj) -> list[list[Cell]]:
        raise NotImplementedError

    def pages(self, obj) -> list[list[list[Cell]]]:
        """One page of rows by default; documents with more content split it."""
        return [self.rows(obj)]

    def prepared_pages(self, obj, *, mask: bool) -> list[list[list[Cell]]]:
        from dataclasses import replace

        from .declarations import mask_identity

        if not mask:
            return self.pages(obj)
        return [[[replace(c, text=mask_identity(c.text)) if c.sensitive and c.text else c
                  for c in row] for row in page] for page in self.pages(obj)]


def render_document_docx(document_decl: DocumentDeclaration, obj, *, exported_by: str = "",
                         mask: bool = False) -> bytes:
    document = new_document(landscape=False)
    pages = document_decl.prepared_pages(obj, mask=mask)
    for copy in range(document_decl.copies):
        for page_number, rows in enumerate(pages):
            if copy or page_number:
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            add_title(document, document_decl.title)
            table = document.add_table(rows=len(rows), cols=document_decl.grid_columns)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, cells in enumerate(rows):
                col = 0
                for cell in cells:
                    target = table.cell(r, col)
                    if cell.span > 1:
                        target = target.merge(table.cell(r, col + cell.span - 1))
                    target.text = cell.text
                    paragraph = target.paragraphs[0]
                    if cell.label:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                        for run in paragraph.runs:
                            run.bold = True
                    if cell.tall:
                        table.rows[r].height = Pt(70)
                    col += cell.span
            if document_decl.footnote:
                document.add_paragraph(document_decl.footnote).runs[0].font.size = Pt(9)
    if exported_by:
        document.sections[0].footer.paragraphs[0].text = exported_by
    return to_bytes(document)


_DOCUMENTS: dict[str, type[DocumentDeclaration]] = {}


def register_document(cls):
    _DOCUMENTS[cls.slug] = cls
    return cls


def get_document(slug: str) -> DocumentDeclaration:
    from . import catalogue  # noqa: F401

    return _DOCUMENTS[slug]()
