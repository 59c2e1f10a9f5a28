"""Reports and slips as PDF (fpdf2) for the paper file: a title, a subtitle and a table."""

from __future__ import annotations

from fpdf import FPDF

from console.formatting import money


#: Relative column widths: free text gets room, numbers and codes stay narrow.
WIDE = {"detail": 4.0, "value": 3.0, "anchor": 3.0, "reason": 2.5, "kind": 1.6, "code": 1.3, "item": 1.5}


def report_pdf(title: str, subtitle: str, rows: list[dict]) -> bytes:
    """The PDF's bytes (the caller writes them to a private file)."""
    pdf = FPDF(orientation="L" if rows and len(rows[0]) > 4 else "P", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _latin(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if not rows:
        pdf.cell(0, 6, "(nothing to show)")
    else:
        _table(pdf, rows)
    return bytes(pdf.output())


def _table(pdf: FPDF, rows: list[dict]) -> None:
    pdf.set_font("Helvetica", "", 8)
    columns = list(rows[0])
    widths = tuple(WIDE.get(column, 1.0) for column in columns)
    with pdf.table(text_align="LEFT", first_row_as_headings=True, col_widths=widths) as table:
        header = table.row()
        for column in columns:
            header.cell(column.replace("_pence", "").replace("_", " "))
        for row in rows:
            line = table.row()
            for column in columns:
                line.cell(_latin(_cell(column, row[column])))


def _cell(column: str, value) -> str:
    if value is None:
        return ""
    if "_pence" in column and isinstance(value, int):
        return money(value)
    return str(value)


def _latin(text: str) -> str:
    """The core PDF fonts are Latin-1: keep £, replace what they cannot draw."""
    return text.replace("—", "-").replace("’", "'").encode("latin-1", "replace").decode("latin-1")
