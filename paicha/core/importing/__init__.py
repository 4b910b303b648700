"""What every import shares: reading a spreadsheet safely, finding its header, reading cells,
collecting the errors of every row.

An importer declares its columns (`ColumnSpec`: key, title and the titles people write
instead) and reads the file with `read_table`, which refuses a file that is too big, not a
spreadsheet, or built to exhaust memory (a cell at XFD1048576, a zip bomb, a 1 MB CSV field)
before python-calamine allocates anything, with a Chinese message that says what to do.
`find_header` finds the title row below any title lines (one or two rows deep), and
`RowErrors` collects each problem with the row number as the spreadsheet shows it and the
column's title as the file spells it. `read_titled` gives a short declaration (evidence, the
transfers' history) its rows by title, and `ImportRejected` refuses a file as a whole.
"""

from .cells import cell_code, cell_name, cell_text, is_blank, title_key
from .header import ColumnSpec, Header, find_header, read_titled, titled_rows
from .reading import (
    ImportFileError,
    Limits,
    Table,
    check_upload_size,
    read_table,
    read_upload,
)
from .rows import ImportRejected, RowError, RowErrors

__all__ = [
    "ColumnSpec",
    "Header",
    "ImportFileError",
    "ImportRejected",
    "Limits",
    "RowError",
    "RowErrors",
    "Table",
    "cell_code",
    "cell_name",
    "cell_text",
    "check_upload_size",
    "find_header",
    "is_blank",
    "read_table",
    "read_titled",
    "read_upload",
    "title_key",
    "titled_rows",
]
