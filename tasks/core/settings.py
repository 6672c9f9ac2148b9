"""One typed settings object for the whole project (env prefix FOOTPRINTS_, see .env.example)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: paths default to places inside it, never to the current directory,
# so a job works from any folder.
REPO_ROOT = Path(__file__).resolve().parents[2]


SOURCES = (
    "electricitymaps",
    "ember",
    "owid",
    "ukcarbon",
    "eia",
    "epoch",
    "mlco2",
    "greenalgorithms",
    "hfhub",
    "github",
)


@dataclass(frozen=True)
class SourceSettings:
    name: str
    base_url: str
    token: SecretStr | None

    def __repr__(self) -> str:  # the token is never shown, not even masked by length
        shown = "set" if self.token else None
        return f"SourceSettings(name={self.name!r}, base_url={self.base_url!r}, token={shown})"


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

    # Live sources: every base URL and token is a setting, FOOTPRINTS_<SOURCE>_BASE_URL and
    # FOOTPRINTS_<SOURCE>_TOKEN (tests point the URLs at a local server replaying payloads).
    # Tokens are SecretStr so they never print in a repr, a log or an error.
    electricitymaps_base_url: str = "https://api.electricitymap.org/v3"
    electricitymaps_token: SecretStr | None = None
    ember_base_url: str = "https://api.ember-energy.org/v1"
    ember_token: SecretStr | None = None
    owid_base_url: str = "https://raw.githubusercontent.com/owid/energy-data/master"
    owid_token: SecretStr | None = None
    ukcarbon_base_url: str = "https://api.carbonintensity.org.uk"
    ukcarbon_token: SecretStr | None = None
    eia_base_url: str = "https://api.eia.gov/v2"
    eia_token: SecretStr | None = None
    epoch_base_url: str = "https://epoch.ai/data"
    epoch_token: SecretStr | None = None
    mlco2_base_url: str = "https://raw.githubusercontent.com/mlco2/impact/master/data"
    mlco2_token: SecretStr | None = None
    greenalgorithms_base_url: str = (
        "https://raw.githubusercontent.com/GreenAlgorithms/green-algorithms-tool/master/data/latest"
    )
    greenalgorithms_token: SecretStr | None = None
    hfhub_base_url: str = "https://huggingface.co"
    hfhub_token: SecretStr | None = None
    github_base_url: str = "https://raw.githubusercontent.com"
    github_token: SecretStr | None = None
    # HTTP limits shared by every live source.
    http_connect_timeout_s: float = Field(default=10.0, gt=0)
    http_read_timeout_s: float = Field(default=60.0, gt=0)
    http_max_retries: int = Field(default=4, ge=0, le=10)
    http_max_retry_after_s: float = Field(default=60.0, ge=0)
    http_max_bytes: int = Field(default=200_000_000, gt=0)
    http_max_pages: int = Field(default=1000, gt=0)

    def source(self, name: str) -> SourceSettings:
        """Base URL and token of a live source (ELECTRICITYMAPS, EMBER, OWID, UKCARBON, EIA,
        EPOCH, MLCO2, GREENALGORITHMS, HFHUB, GITHUB)."""
        key = name.lower()
        if key not in SOURCES:
            raise ValueError(f"unknown source {name!r}; known: {', '.join(sorted(SOURCES))}")
        token = getattr(self, f"{key}_token") or _secret_block_token(key)
        return SourceSettings(key, getattr(self, f"{key}_base_url").rstrip("/"), token)

    @property
    def exports_path(self) -> Path:
        return self.exports_dir or self.warehouse.parent / "exports"

    @property
    def raw_path(self) -> Path:
        return self.raw_dir or self.warehouse.parent / "raw"


def secret_block_name(source: str) -> str:
    """The Prefect Secret block a source's token may live in: `footprints-<source>-token`."""
    return f"footprints-{source.lower()}-token"


def _secret_block_token(source: str) -> SecretStr | None:
    """A token from a Prefect Secret block, when running inside a flow or task run (where a
    Prefect API is at hand); the environment variable, when set, always wins."""
    try:
        from prefect.context import FlowRunContext, TaskRunContext
    except ImportError:  # pragma: no cover - prefect is a dependency
        return None
    if FlowRunContext.get() is None and TaskRunContext.get() is None:
        return None
    from prefect.blocks.system import Secret

    try:
        block = Secret.load(secret_block_name(source), _sync=True)  # type: ignore[call-arg]
        value = block.get()  # type: ignore[union-attr]
    except ValueError:  # no such block: the source simply has no token
        return None
    return SecretStr(str(value)) if value else None


def get_settings(**overrides: object) -> Settings:
    """The settings from the environment, with explicit overrides (CLI options) on top.

    Read afresh on every call (it is cheap), so a changed environment is always seen.
    """
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
