"""CLI command functions kept out of footprints/cli.py; cli.py registers them on its Typer app."""
