"""The workforce board's one-page summary: the progression, retention and support tables
as a board's copy (small counts hidden), for the filters chosen, as a PDF.

A page of three small tables takes WeasyPrint a fraction of a second, so it is made in the
request, like a spreadsheet download, rather than by a background job.
"""

from datetime import date

from flask import current_app, render_template

from portal.reports import downloads
from portal.reports.tables import ReportTable

BOARD_REPORTS = ("progression", "retention", "support")


def _refuse_fetch(url: str, *args, **kwargs):
    # Self-contained: WeasyPrint must never reach a file or the network.
    raise ValueError(f"the board summary does not load external resources ({url[:60]})")


def board_tables(tables: list[ReportTable]) -> list[ReportTable]:
    under = current_app.config["REPORT_SUPPRESS_UNDER"]
    return [downloads.for_board(table, under) for table in tables]


def board_summary_pdf(council: str, chosen: list[tuple[str, str]], tables: list[ReportTable],
                      made_on: date) -> bytes:
    """The PDF; `chosen` is each filter in force as (label, choice)."""
    import weasyprint  # imported here so the portal starts without WeasyPrint's libraries

    html = render_template("reports/board_summary.html", council=council, chosen=chosen,
                           tables=board_tables(tables), made_on=made_on,
                           suppress_under=current_app.config["REPORT_SUPPRESS_UNDER"])
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
