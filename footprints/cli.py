"""The `footprints` command line: run the refresh, query the warehouse, export the leaderboard.

Each command lives in footprints/commands/ and only parses options and prints; the work is in
tasks/. This module builds the Typer app and registers them, in the order `--help` lists them.
"""

from __future__ import annotations

import typer

from footprints.commands import run as run_command
from footprints.commands.card import card
from footprints.commands.filings import export_ai_act, export_boamps, export_spdx
from footprints.commands.inference import inference
from footprints.commands.maintenance import backup, doctor, rebuild
from footprints.commands.report import report
from footprints.commands.run import run
from footprints.commands.schema import schema
from footprints.commands.warehouse import (
    export_audit,
    export_leaderboard,
    export_not_estimable,
    export_scorecard,
    leaderboard,
    query,
)
from footprints.commands.whatif import whatif

app = typer.Typer(
    help="What did it cost - in energy, carbon, water and money - to create an AI model?",
    no_args_is_help=True,
    add_completion=False,
)
export_app = typer.Typer(
    help="Write exports (CSV) and filings (AI Act, SPDX, BoAmps) from the warehouse.",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")

app.command()(run)
app.command()(query)
app.command()(leaderboard)
export_app.command("leaderboard")(export_leaderboard)
export_app.command("audit")(export_audit)
export_app.command("ai-act")(export_ai_act)
export_app.command("spdx")(export_spdx)
export_app.command("boamps")(export_boamps)
export_app.command("not-estimable")(export_not_estimable)
export_app.command("scorecard")(export_scorecard)
app.command("whatif")(whatif)
app.command("inference")(inference)
app.command("report")(report)
app.command("card")(card)
app.command("schema")(schema)
app.command("doctor")(doctor)
app.command("backup")(backup)
app.command("rebuild")(rebuild)


def main() -> None:  # pragma: no cover - console entry
    """The `footprints` console script: the app, allowed to end the process when a run is done."""
    run_command.EXIT_WHEN_DONE = True
    app(prog_name="footprints")


if __name__ == "__main__":  # pragma: no cover
    main()
