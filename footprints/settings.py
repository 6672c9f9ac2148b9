"""One typed settings object for the whole project (env prefix FOOTPRINTS_, see .env.example)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: paths default to places inside it, never to the current directory,
# so a job works from any folder.
REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Where things live and how strict the loads are."""

    model_config = SettingsConfigDict(env_prefix="FOOTPRINTS_", env_file=None, extra="ignore")

    warehouse: Path = Field(
        default=REPO_ROOT / "warehouse" / "footprints.duckdb",
        description="DuckDB file of the warehouse",
    )
    snapshot_dir: Path = Field(
        default=REPO_ROOT / "warehouse" / "snapshot",
        description="the bundled snapshot: the default, offline source of every flow",
    )
    exports_dir: Path | None = Field(
        default=None, description="where exports go; default: exports/ beside the warehouse file"
    )
    raw_dir: Path | None = Field(
        default=None,
        description="content-addressed archive of all payloads; default: raw/ beside the warehouse",
    )
    # Above this share of bad rows a batch is rejected whole rather than landed with holes:
    # a few bad rows are a data problem, many mean the source changed shape.
    quarantine_threshold: float = Field(default=0.2, ge=0.0, le=1.0)
    sql_dir: Path = Field(default=REPO_ROOT / "sql")

    @property
    def exports_path(self) -> Path:
        return self.exports_dir or self.warehouse.parent / "exports"

    @property
    def raw_path(self) -> Path:
        return self.raw_dir or self.warehouse.parent / "raw"


def get_settings(**overrides: object) -> Settings:
    """The settings from the environment, with explicit overrides (CLI options) on top.

    Read afresh on every call (it is cheap), so a changed environment is always seen.
    """
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
