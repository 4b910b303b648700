"""The two per-case documents (seed 002 记录表, seed 004 附件4 纪实表), filled by cases.documents."""

from paicha.cases.documents import JISHI_TITLE, RECORD_TITLE, jishi, search_record
from paicha.cases.models import LostContactCase

from ..documents import Document, DocumentDeclaration, register_document


@register_document
class CaseSearchRecord(DocumentDeclaration):
    slug = "case-search-record"
    title = RECORD_TITLE
    model = LostContactCase

    def build(self, case, *, as_of, mask: bool) -> Document:
        return search_record(case, as_of=as_of, mask=mask)


@register_document
class CaseJishi(DocumentDeclaration):
    slug = "case-jishi"
    title = JISHI_TITLE
    model = LostContactCase

    def build(self, case, *, as_of, mask: bool) -> Document:
        return jishi(case, as_of=as_of, mask=mask)
