"""What the commands print is data, printed literally (issue 17): rich markup in a model name is
text, not a style or a crash; ANSI and OSC escapes (clear screen, hyperlinks, bell) never reach the
terminal as control characters, from `query`, `leaderboard`, `card` or an error line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from footprints.cli import app
from tasks.load.warehouse import open_warehouse

runner = CliRunner()
MARKUP = "[bold red]x[/] [link=file:///etc/passwd]y[/link] [/]"
ESCAPES = "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x07\r\x9b31m"
HOSTILE = f"Evil {MARKUP} {ESCAPES} 7B"
# Any C0 control but the line breaks the output is made of, DEL, or a C1 control.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture()
def hostile(warehouse: Path) -> Path:
    """The warehouse with the top model renamed to a hostile name everywhere `card` reads it."""
    with open_warehouse(warehouse) as con:
        top = con.execute("select model from rpt_leaderboard order by rank limit 1").fetchall()[0]
        for table in ("rpt_leaderboard", "fct_model_footprints"):
            con.execute(f"update {table} set model = ? where model = ?", [HOSTILE, top[0]])
    return warehouse


def _printed_literally(output: str) -> None:
    assert "Traceback" not in output and "MarkupError" not in output
    assert not CONTROL.search(output), repr(output[:500])
    assert "[bold red]x[/]" in output  # the markup is shown as the text it is
    assert "\\x1b[2J" in output  # the escape is shown, inert


def test_leaderboard_prints_a_hostile_name_literally(hostile: Path) -> None:
    done = runner.invoke(app, ["leaderboard", "--warehouse", str(hostile), "-n", "3"])
    assert done.exit_code == 0, done.output
    _printed_literally(done.output)


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_query_prints_cells_literally(refreshed: Path, fmt: str) -> None:
    sql = (
        f"select '{MARKUP}' || chr(27) || '[2J' || chr(27) || ']8;;https://evil.example' "
        "|| chr(7) || 'click' as name, 1 as n"
    )
    done = runner.invoke(app, ["query", sql, "--warehouse", str(refreshed), "--format", fmt])
    assert done.exit_code == 0, done.output
    _printed_literally(done.output)


def test_an_unbalanced_closing_tag_is_just_text(refreshed: Path) -> None:
    done = runner.invoke(app, ["query", "select '[/]' as x", "--warehouse", str(refreshed)])
    assert done.exit_code == 0, done.output
    assert "[/]" in done.output


def test_card_prints_a_hostile_name_literally(hostile: Path) -> None:
    done = runner.invoke(app, ["card", HOSTILE, "--warehouse", str(hostile)])
    assert done.exit_code == 0, done.output
    _printed_literally(done.output)


def test_an_error_naming_a_hostile_name_is_inert(refreshed: Path) -> None:
    done = runner.invoke(app, ["card", f"nope {ESCAPES}", "--warehouse", str(refreshed)])
    assert done.exit_code == 1
    assert done.output.startswith("footprints: no model")
    assert not CONTROL.search(done.output), repr(done.output)
