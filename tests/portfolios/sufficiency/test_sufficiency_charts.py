"""The charts' templates: a cell and count for every element and stage, a bar for every
week, and labels escaped."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

from flask import render_template

from portal.frameworks.element_cache import Element
from portal.portfolios.schedule.dates import StageWindow
from portal.portfolios.sufficiency import measures as sufficiency
from portal.portfolios.sufficiency.views import heat_map_drawing, weeks_drawing


class _Framework:
    label = "PCF <2018> & more"


# Whose portfolio the charts describe (their wording names the candidate to anyone else).
PORTFOLIO = SimpleNamespace(candidate_id=1, candidate=SimpleNamespace(id=1, name="Aisha Khan"))


def _heat() -> sufficiency.HeatMap:
    stages = [StageWindow("early", "Early", date(2026, 1, 1), date(2026, 4, 1)),
              StageWindow("late", "Late", date(2026, 4, 1), date(2026, 7, 1))]
    hostile = Element(1, 1, None, "1", "<script>alert(1)</script>", "", None, 1, 0, True)
    plain = Element(2, 1, 1, "1.1", "Values", "", None, 2, 1, True)
    rows = [sufficiency.HeatRow(hostile, [0, 7]), sufficiency.HeatRow(plain, [2, 0])]
    return sufficiency.HeatMap(stages=stages, groups=[sufficiency.HeatGroup(_Framework(), rows)])


def _heat_map_svg(app, heat: sufficiency.HeatMap) -> str:
    """The heat map's SVG, without its legend."""
    with app.test_request_context("/"):
        html = render_template("portfolios/sufficiency/_heat_map.html", heat=heat,
                               portfolio=PORTFOLIO, heat_drawing=heat_map_drawing(heat))
    return html.split("<svg", 1)[1].split("Entries in a square:")[0]


def _weeks_svg(app, recording: sufficiency.LateRecording) -> str:
    """The weekly chart's bars and counts: the SVG between its axes and its labels."""
    with app.test_request_context("/"):
        html = render_template("portfolios/sufficiency/_late_weeks.html", portfolio=PORTFOLIO,
                               recording=recording, weeks_drawing=weeks_drawing(recording))
    return html.split('text-anchor="end" fill="#0b0c0c">0</text>', 1)[1].split("Week of")[0]


def test_the_heat_map_draws_a_cell_and_count_for_every_element_and_stage(app):
    svg = _heat_map_svg(app, _heat())
    assert svg.count("<rect ") == 4
    counts = re.findall(r'text-anchor="middle" fill="#\w+" font-weight="bold">(\d+)</text>', svg)
    assert counts == ["0", "7", "2", "0"]
    assert 'fill="#003078"' in svg  # 7 is in the darkest band
    assert 'fill="#f3f2f1"' in svg  # none


def test_heat_map_labels_are_escaped(app):
    svg = _heat_map_svg(app, _heat())
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "PCF &lt;2018&gt; &amp; more" in svg


def _recording(logged_per_week: list[int]) -> sufficiency.LateRecording:
    """Weekly counts from 5 January 2026; the second week runs up to a review point."""
    weeks = [sufficiency.RecordingWeek(date(2026, 1, 5) + timedelta(days=7 * i), n, 0,
                                       "3-month review" if i == 1 else None)
             for i, n in enumerate(logged_per_week)]
    summary = sufficiency.LateSummary(total=sum(logged_per_week), late=0, worst=[])
    return sufficiency.LateRecording(threshold_days=28, portfolio=summary,
                                     all_entries=summary, weeks=weeks)


def test_week_bars_draw_a_bar_per_week_with_entries_and_mark_run_ups(app):
    svg = _weeks_svg(app, _recording([3, 2, 0, 5]))
    assert svg.count("<rect ") == 3  # the empty week has no bar
    assert svg.count('fill="#d4351c"') == 1  # the run-up week's bar is red
    assert svg.count("<path ") == 1  # and marked with a triangle
    counts = [part.rsplit(">", 1)[-1] for part in svg.split("</text>")[:-1]]
    assert counts == ["3", "2", "5"]
