"""The sufficiency view: how complete a portfolio is, where its evidence falls across the
programme, and whether it was recorded at the time.

Charts are SVG drawn on the server, with presentation attributes only (the CSP refuses
inline style attributes), a text count in every cell so colour is never the only cue, and
a table alternative beside each one.
"""

import textwrap
from dataclasses import dataclass

from flask import Blueprint

from portal.core.access import signed_in
from portal.core.htmx import render
from portal.portfolios.acceptance import portfolio_acceptance
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.framework_moves.queries import history as framework_moves
from portal.portfolios.sufficiency import measures as sufficiency
from portal.visibility import Kind

bp = Blueprint("sufficiency", __name__, url_prefix="/portfolios")

# A sequential blue scale. Text on the two lightest is near-black, on the two darkest white;
# every pair is at least 4.5:1, and the light cells carry a dark border (1.4.11).
TEXT_DARK = "#0b0c0c"
TEXT_LIGHT = "#ffffff"
HEAT_LEVELS = [
    # (lowest count, label, fill, text colour)
    (0, "None", "#f3f2f1", TEXT_DARK),
    (1, "1", "#d2e2f1", TEXT_DARK),
    (2, "2 or 3", "#8eb8dc", TEXT_DARK),
    (4, "4 or 5", "#1d70b8", TEXT_LIGHT),
    (6, "6 or more", "#003078", TEXT_LIGHT),
]
CELL_BORDER = "#505a5f"
BAR_FILL = "#1d70b8"
RUN_UP_FILL = "#d4351c"
FONT = "GDS Transport, arial, sans-serif"


@dataclass(frozen=True)
class HeatLevel:
    label: str
    fill: str
    text: str


def heat_level(count: int) -> HeatLevel:
    chosen = HEAT_LEVELS[0]
    for level in HEAT_LEVELS:
        if count >= level[0]:
            chosen = level
    return HeatLevel(chosen[1], chosen[2], chosen[3])


def _wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def heat_map_drawing(heat: sufficiency.HeatMap) -> dict:
    """Coordinates for the heat map SVG: one row per element, a label row per framework."""
    label_width, cell_width, cell_height = 340, 110, 30
    headings = [_wrap(stage.title, 15) for stage in heat.stages]
    header_height = 14 + 16 * max((len(lines) for lines in headings), default=1)
    columns = [
        {"x": label_width + i * cell_width, "centre": label_width + i * cell_width
         + cell_width // 2, "lines": lines}
        for i, lines in enumerate(headings)
    ]
    y = header_height
    groups = []
    for group in heat.groups:
        heading_y = y + 22
        y += 30
        rows = []
        for row in group.rows:
            indent = 12 * row.element.depth
            cells = [
                {"x": column["x"], "centre": column["centre"], "count": count,
                 "level": heat_level(count)}
                for column, count in zip(columns, row.counts, strict=True)
            ]
            rows.append({"y": y, "text_y": y + cell_height // 2 + 5, "indent": 4 + indent,
                         "label": _shorten(row.element.label, 44 - indent // 6),
                         "full_label": row.element.label,
                         "cells": cells})
            y += cell_height
        groups.append({"heading": group.framework.label, "heading_y": heading_y,
                       "rows": rows})
    legend_y = y + 20
    legend = [
        {"x": 180 + i * 110, "fill": fill, "text": text, "label": label}
        for i, (_low, label, fill, text) in enumerate(HEAT_LEVELS)
    ]
    return {
        "width": label_width + cell_width * max(len(columns), 1),
        "height": legend_y + 40,
        "label_width": label_width, "cell_width": cell_width, "cell_height": cell_height,
        "columns": columns, "groups": groups, "legend": legend, "legend_y": legend_y,
        "font": FONT, "border": CELL_BORDER,
    }


def weeks_drawing(recording: sufficiency.LateRecording) -> dict:
    """Coordinates for the entries-logged-per-week bar chart."""
    weeks = recording.weeks
    left, top, plot_height, plot_width = 40, 20, 160, 720
    bar_width = max(4, min(28, plot_width // max(len(weeks), 1)))
    scale = recording.max_week or 1
    bars = []
    for i, week in enumerate(weeks):
        height = round(plot_height * week.logged / scale)
        x = left + i * bar_width
        bars.append({
            "x": x + 1, "width": bar_width - 2, "y": top + plot_height - height,
            "height": height, "week": week,
            "fill": RUN_UP_FILL if week.before_review_point else BAR_FILL,
            "marker": week.before_review_point is not None,
            "centre": x + bar_width // 2,
        })
    width = left + bar_width * len(weeks) + 10
    return {
        "width": max(width, 300), "height": top + plot_height + 60, "left": left, "top": top,
        "plot_height": plot_height, "axis_y": top + plot_height, "bars": bars,
        "show_counts": bar_width >= 16, "max": recording.max_week, "font": FONT,
        "bar_fill": BAR_FILL, "run_up_fill": RUN_UP_FILL,
        "plot_right": left + bar_width * len(weeks),
    }


@bp.route("/<int:portfolio_id>/sufficiency")
@signed_in
def show(portfolio_id: int):
    """Completeness, the required-components checklist, the heat map and late recording:
    for the candidate, their assessor and the council's programme leads."""
    portfolio = read_portfolio_or_404(portfolio_id, Kind.SUFFICIENCY)[0]
    counted = sufficiency.tallies(portfolio, with_links=True)  # one query for both
    statuses = sufficiency.component_status(portfolio, counted=counted)
    heat = sufficiency.heat_map(portfolio, counted=counted)
    recording = sufficiency.late_recording(portfolio)
    return render(
        "portfolios/sufficiency/show.html",
        portfolio=portfolio,
        statuses=statuses,
        percent=sufficiency.percent_complete(statuses),
        missing=[status for status in statuses if not status.met],
        readiness=sufficiency.review_point_readiness(portfolio, statuses),
        heat=heat,
        heat_drawing=heat_map_drawing(heat),
        recording=recording,
        weeks_drawing=weeks_drawing(recording),
        acceptance=portfolio_acceptance(portfolio),
        moves=framework_moves(portfolio),
    )
