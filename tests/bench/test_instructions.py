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
