"""The documents that ask for the forms, as users know them: 文号, title, issuer, date.

A form is labelled "附件N" of the document that prints it (or names it), so that a worker holding
the paper notice finds the same form here. Two documents may print forms with the same name
and different notes; each keeps its own label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceDocument:
    key: str
    title: str
    doc_number: str = ""
    issuer: str = ""
    date: str = ""

    @property
    def label(self) -> str:
        """'湘组〔2016〕4号《…》' or, without a 文号, '《…》（issuer，date）'."""
        if self.doc_number:
            return f"{self.doc_number}《{self.title}》"
        issued = "，".join(p for p in (self.issuer, self.date) if p)
        return f"《{self.title}》（{issued}）" if issued else f"《{self.title}》"


@dataclass(frozen=True)
class Source:
    """Where a form comes from: a document, and the 附件 number it has there ("" when
    unnumbered)."""

    document: SourceDocument
    attachment: str = ""

    @property
    def label(self) -> str:
        return f"{self.document.label}{self.attachment}"


DOCUMENTS = {
    d.key: d
    for d in (
        SourceDocument(
            "000", "关于深入推进党员组织关系排查工作的通知", issuer="组织部", date="2016年9月20日"
        ),
        SourceDocument(
            "001", "关于开展党员组织关系集中排查的通知", issuer="校党委组织部", date="2016年3月"
        ),
        SourceDocument(
            "002", "市司法局党员组织关系集中排查工作步骤", issuer="市司法局", date="2016年"
        ),
        SourceDocument(
            "003",
            "中共湖南省委组织部关于开展党员组织关系集中排查的通知",
            doc_number="湘组〔2016〕4号",
        ),
        SourceDocument("004", "陕西省防止党员“失联”十条措施", issuer="陕西省"),
    )
}


def source(key: str, attachment: str = "") -> Source:
    return Source(DOCUMENTS[key], attachment)


# Every form and document of the catalogue, with the documents that ask for it (the one whose
# layout is printed first). Kept here, in one place, rather than on each declaration.
FORM_SOURCES: dict[str, tuple[Source, ...]] = {
    "regained-register": (source("002"), source("003", "附件2"), source("001", "附件1")),
    "regained-register-school": (source("000", "附件1"),),
    "unreachable-register": (
        source("002"),
        source("000", "附件2"),
        source("004"),
        source("003", "附件3"),
        source("001", "附件2"),
    ),
    "attachment3": (source("000", "附件3"), source("001", "附件3"), source("003", "附件4")),
    "attachment5": (source("004", "附件5"),),
    "attachment5-by-unit": (source("004", "附件5"),),
    "disposition-summary": (source("001", "附件4"), source("003", "附件5")),
    "receipt-statistics": (source("000", "附件4"),),
    "flow-register": (source("001", "附件5"),),
    "flow-summary": (source("001", "附件6"),),
    "pocket-register": (source("001", "附件7"),),
    "pocket-summary": (source("001", "附件8"),),
    "stocktaking-staff": (source("001", "附件9"),),
    "stocktaking-students": (source("001", "附件9"),),
    "branch-roster": (source("002"),),
    "lost-roster": (source("004"),),
    "hardship-register": (source("002", "附件1第9项"),),
    "religious-register": (source("002", "附件1第9项"),),
    "investigation-register": (source("003", "附件1"),),
    "member-registration": (source("002"),),
    "case-search-record": (source("002"),),
    "case-jishi": (source("004", "附件4"),),
}


def sources_of(slug: str) -> tuple[Source, ...]:
    return FORM_SOURCES.get(slug, ())


def label_of(slug: str) -> str:
    """'湘组〔2016〕4号《…》附件3；…' — how the catalogue names where a form comes from."""
    return "；".join(s.label for s in sources_of(slug))
