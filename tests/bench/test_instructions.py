"""The instruction counter reads callgrind's dumps in order, one page per dump."""

import pytest

from bench import instructions


def test_dumps_are_read_in_numeric_order(tmp_path):
    out = tmp_path / "callgrind.out"
    for number, total in [(1, 500), (2, 80), (10, 30), (3, 160)]:
        (tmp_path / f"callgrind.out.{number}").write_text(
            f"version: 1\ncreator: callgrind\nevents: Ir\nsummary: {total}\n")
    (tmp_path / "callgrind.out").write_text("summary: 7\n")  # the final dump, at exit
    assert instructions._totals(out) == [500, 80, 160, 30]


def test_it_needs_a_database(capsys):
    with pytest.raises(SystemExit):
        instructions.main(["--database-url", ""])
    assert "--database-url" in capsys.readouterr().err


def test_each_page_is_compared_with_the_floor_on_both_halves():
    rows = instructions.table_rows(
        ["floor", "queue", "agenda"], [10e6, 20e6, 12.5e6],
        {"floor": 0.4, "queue": 1.6, "agenda": None})
    assert [(r["x_floor"], r["database_ms_per_request"], r["database_x_floor"])
            for r in rows] == [(1.0, 0.4, 1.0), (0.5, 1.6, 0.25), (0.8, None, None)]
    table = instructions.format_rows(rows).splitlines()
    assert table[2].split() == ["queue", "20.00", "0.50", "1.600", "0.25"]
    assert table[3].split()[-2:] == ["–", "–"]  # PostgreSQL not on this machine


def test_cpu_time_is_read_in_nanoseconds_from_the_process():
    import os
    import time

    first = instructions._cpu_ns(os.getpid())
    started = time.process_time()
    while time.process_time() - started < 0.05:  # work across several scheduler ticks
        sum(range(10_000))
    assert instructions._cpu_ns(os.getpid()) - first >= 10_000_000  # at least 10 ms
