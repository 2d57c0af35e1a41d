"""The sufficiency view: how complete a portfolio is, where its evidence falls across the
programme, and whether it was recorded at the time.

Charts are SVG drawn on the server, with presentation attributes only (the CSP refuses
inline style attributes), a text count in every cell so colour is never the only cue, and
a table alternative beside each one.
"""

import textwrap
from dataclasses import dataclass
from typing import NamedTuple

from flask import Blueprint, current_app
from markupsafe import Markup
from markupsafe import escape as escape_text

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.htmx import render
from portal.core.template_helpers import uk_date
from portal.portfolios import sufficiency
from portal.portfolios.access import get_portfolio_or_404

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
                         "label": _shorten(f"{row.element.code} {row.element.title}",
                                           44 - indent // 6),
                         "full_label": f"{row.element.code} {row.element.title}",
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


# SVG bodies -----------------------------------------------------------------------------
# The cells and bars are drawn here rather than in Jinja: a heat map has a few hundred
# cells, and a template loop looking up each coordinate cost more than the rest of the
# page's work put together. Every value is a number or a fixed colour except the labels,
# which are escaped.
def heat_map_svg(d: dict) -> Markup:
    """Framework headings, element labels and the cells with their counts."""
    width, height = d["cell_width"] - 4, d["cell_height"] - 4
    parts = []
    for group in d["groups"]:
        parts.append(f'<text x="4" y="{group["heading_y"]}" font-weight="bold" font-size="16" '
                     f'fill="#0b0c0c">{escape_text(group["heading"])}</text>')
        for row in group["rows"]:
            parts.append(f'<text x="{row["indent"]}" y="{row["text_y"]}" fill="#0b0c0c">'
                         f'{escape_text(row["label"])}</text>')
            for cell in row["cells"]:
                level = cell["level"]
                parts.append(
                    f'<rect x="{cell["x"] + 2}" y="{row["y"] + 2}" width="{width}" '
                    f'height="{height}" fill="{level.fill}" stroke="{d["border"]}" '
                    f'stroke-width="1"></rect><text x="{cell["centre"]}" y="{row["text_y"]}" '
                    f'text-anchor="middle" fill="{level.text}" font-weight="bold">'
                    f'{int(cell["count"])}</text>')
    return Markup("\n".join(parts))  # noqa: S704 (numbers, fixed colours, escaped labels)


def week_bars_svg(d: dict) -> Markup:
    """One bar per week, its count above it and a triangle under run-up weeks."""
    parts = []
    for bar in d["bars"]:
        if bar["height"]:
            parts.append(f'<rect x="{bar["x"]}" y="{bar["y"]}" width="{bar["width"]}" '
                         f'height="{bar["height"]}" fill="{bar["fill"]}"></rect>')
        if d["show_counts"] and bar["week"].logged:
            parts.append(f'<text x="{bar["centre"]}" y="{bar["y"] - 4}" text-anchor="middle" '
                         f'fill="#0b0c0c">{int(bar["week"].logged)}</text>')
        if bar["marker"]:
            parts.append(f'<path d="M {bar["centre"]} {d["axis_y"] + 4} l 5 9 l -10 0 z" '
                         'fill="#0b0c0c"></path>')
    return Markup("\n".join(parts))  # noqa: S704 (numbers and fixed colours only)


def heat_table_rows(rows) -> Markup:
    """The heat map's table, one row per element: a few hundred cells, as above."""
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    return Markup("".join(  # noqa: S704 (numbers and escaped labels only)
        '        <tr class="govuk-table__row">\n'
        '          <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
        f'{escape_text(row.element.code)} {escape_text(row.element.title)}</th>\n          '
        + "".join(f"{cell}{int(count)}</td>" for count in row.counts)
        + f"\n          {cell}{int(row.total)}</td>\n        </tr>\n"
        for row in rows))


def weeks_table_rows(weeks) -> Markup:
    """The weekly recording table, one row per week with entries: a year's programme has
    dozens, drawn here for the same reason as the heat map."""
    numeric = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    return Markup("".join(  # noqa: S704 (numbers, dates and escaped text only)
        '        <tr class="govuk-table__row">\n'
        '          <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
        f"{escape_text(uk_date(week.starts_on))}</th>\n"
        f"          {numeric}{int(week.logged)}</td>\n"
        f"          {numeric}{int(week.late)}</td>\n"
        '          <td class="govuk-table__cell">'
        f'{escape_text(week.before_review_point or "")}</td>\n'
        "        </tr>\n"
        for week in weeks if week.logged))


def checklist_rows(statuses) -> Markup:
    """The required components' rows, with their status tags."""
    rows = []
    for status in statuses:
        stage = (f'<br><span class="govuk-body-s">{escape_text(status.stage_title)}</span>'
                 if status.stage_title else "")
        if status.met:
            tag = '<strong class="govuk-tag govuk-tag--green">Complete</strong>'
        elif status.have:
            tag = ('<strong class="govuk-tag govuk-tag--yellow">'
                   f"{escape_text(status.still_needed)} more needed</strong>")
        else:
            tag = '<strong class="govuk-tag govuk-tag--red">None yet</strong>'
        numeric = '<td class="govuk-table__cell govuk-table__cell--numeric">'
        rows.append(
            '    <tr class="govuk-table__row">\n'
            '      <th scope="row" class="govuk-table__header govuk-!-font-weight-regular">'
            f"{escape_text(status.requirement.title)}{stage}</th>\n"
            f"      {numeric}{escape_text(status.have)}</td>\n"
            f"      {numeric}{escape_text(status.needed)}</td>\n"
            f'      <td class="govuk-table__cell">{tag}</td>\n'
            "    </tr>\n")
    return Markup("".join(rows))  # noqa: S704 (every value is escaped)


# Portfolios whose drawn figures a worker keeps (about 50 KB each, more for a long log).
FIGURES_KEPT = 256


class DrawnFigures(NamedTuple):
    """The page's figures as markup: everything before the late entries' table, and the
    weekly chart after it. `worst` are those entries without their titles."""

    before_worst: Markup
    after_worst: Markup
    worst: list[sufficiency.LateEntry]


def _figures_fingerprint(portfolio, counted: list[tuple],
                         recorded: list[sufficiency.RecordedRow]) -> tuple:
    """Everything the figures are worked out from: the portfolio's schedule, programme
    configuration, frameworks and review points, and the two queries' rows. Rows are
    hashed (with their number) so a long log doesn't make a long key; entry titles are
    left out, as they are left out of the drawing."""
    return (
        portfolio.programme.config_key, portfolio.start_date,
        portfolio.extension_total,
        tuple((framework.id, framework.label) for framework in portfolio.frameworks),
        tuple((point.code, point.title, point.due_on) for point in portfolio.review_points),
        len(counted), hash(tuple(counted)), len(recorded),
        hash(tuple((row.entry_id, row.occurred_on, row.created_at, row.in_portfolio)
                   for row in recorded)),
    )


def _draw_figures(portfolio, counted: list[tuple],
                  recorded: list[sufficiency.RecordedRow]) -> DrawnFigures:
    counts = sufficiency.tallies(portfolio, with_links=True, rows=counted)
    statuses = sufficiency.component_status(portfolio, counted=counts)
    heat = sufficiency.heat_map(portfolio, counted=counts)
    recording = sufficiency.late_recording(
        portfolio, rows=[row._replace(title="") for row in recorded])
    heat_drawing = heat_map_drawing(heat)
    drawn_weeks = weeks_drawing(recording)
    context = {
        "statuses": statuses, "percent": sufficiency.percent_complete(statuses),
        "missing": [status for status in statuses if not status.met],
        "readiness": sufficiency.review_point_readiness(portfolio, statuses),
        "heat": heat, "heat_drawing": heat_drawing, "heat_svg": heat_map_svg(heat_drawing),
        "heat_table_rows": heat_table_rows, "weeks_table_rows": weeks_table_rows,
        "checklist_rows": checklist_rows, "recording": recording,
        "weeks_drawing": drawn_weeks, "weeks_svg": week_bars_svg(drawn_weeks),
    }
    environment = current_app.jinja_env
    return DrawnFigures(
        Markup(environment.get_template(  # noqa: S704 (an autoescaped template)
            "portfolios/sufficiency/_figures.html").render(context)),
        Markup(environment.get_template(  # noqa: S704 (an autoescaped template)
            "portfolios/sufficiency/_late_weeks.html").render(context)),
        recording.portfolio.worst)


@bp.route("/<int:portfolio_id>/sufficiency")
@requires_role(Role.CANDIDATE)
def show(portfolio_id: int):
    """Completeness, the required-components checklist, the heat map and late recording.

    The figures are worked out from two queries' rows, which are read on every request;
    what is drawn from them is kept per distinct set of rows (a heat map of a few hundred
    cells and the weekly chart were most of the page's work, and change only when the
    portfolio does)."""
    portfolio = get_portfolio_or_404(portfolio_id)
    counted = sufficiency.tally_rows(portfolio, with_links=True)  # one query for both
    recorded = sufficiency.recorded_rows(portfolio)
    figures = _draw_figures(portfolio, counted, recorded)
    titles = {row.entry_id: row.title for row in recorded}
    return render("portfolios/sufficiency/show.html", portfolio=portfolio, figures=figures,
                  worst=[(entry, titles.get(entry.entry_id, ""))
                         for entry in figures.worst])
