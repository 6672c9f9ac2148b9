"""One typed settings object for the whole project (env prefix FOOTPRINTS_, see .env.example)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The repository root: paths default to places inside it, never to the current directory,
# so a job works from any folder.
REPO_ROOT = Path(__file__).resolve().parents[2]


# A live source's two settings, read generically: FOOTPRINTS_<SOURCE>_BASE_URL and
# FOOTPRINTS_<SOURCE>_TOKEN (as environment variables, or `<source>_base_url` / `<source>_token`
# keyword arguments). Each source declares its default base URL and how its API takes the token
# (tasks/sources/declare.py: a declaration records them here when its module is imported);
# settings know no source by name.
_SOURCE_KEY = re.compile(r"^(?P<source>[a-z][a-z0-9]*)_(?P<what>base_url|token)$")
_ENV_PREFIX = "FOOTPRINTS_"


@dataclass(frozen=True)
class TokenPlacement:
    """How an API wants its token: a header, a query parameter, or `<header>: Bearer <token>`."""

    where: Literal["header", "query", "bearer"]
    name: str


_DECLARED: dict[str, tuple[str | None, TokenPlacement | None]] = {}


def declare_source(name: str, base_url: str | None, token_placement: TokenPlacement | None) -> None:
    """Record a source's default base URL and token placement (tasks/sources/declare.Source)."""
    _DECLARED[name.lower()] = (base_url, token_placement)


@dataclass(frozen=True)
class SourceSettings:
    name: str
    base_url: str
    token: SecretStr | None
    token_placement: TokenPlacement | None = None

    def __repr__(self) -> str:  # the token is never shown, not even masked by length
        shown = "set" if self.token else None
        return f"SourceSettings(name={self.name!r}, base_url={self.base_url!r}, token={shown})"


class Settings(BaseSettings):
    """Where things live and how strict the loads are."""

    model_config = SettingsConfigDict(env_prefix="FOOTPRINTS_", env_file=None, extra="allow")

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

    # HTTP limits shared by every live source.
    http_connect_timeout_s: float = Field(default=10.0, gt=0)
    http_read_timeout_s: float = Field(default=60.0, gt=0)
    http_max_retries: int = Field(default=4, ge=0, le=10)
    http_max_retry_after_s: float = Field(default=60.0, ge=0)
    http_max_bytes: int = Field(default=200_000_000, gt=0)
    http_max_pages: int = Field(default=1000, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _source_settings(cls, data: Any) -> Any:
        """Keep the sources' `<source>_base_url` / `<source>_token` values, from keyword
        arguments or FOOTPRINTS_* environment variables (arguments win); drop other extras."""
        if not isinstance(data, dict):
            return data
        kept = {k: v for k, v in data.items() if k in cls.model_fields or _SOURCE_KEY.match(k)}
        for var, value in os.environ.items():
            # case-insensitive, as pydantic-settings reads the declared fields
            key = var[len(_ENV_PREFIX) :].lower() if var.upper().startswith(_ENV_PREFIX) else ""
            if _SOURCE_KEY.match(key) and key not in kept:
                kept[key] = value
        return kept

    @model_validator(mode="after")
    def _tokens_secret(self) -> Settings:
        """Tokens are SecretStr so they never print in a repr, a log or an error."""
        extra = self.__pydantic_extra__ or {}
        for key, value in extra.items():
            if key.endswith("_token") and value is not None and not isinstance(value, SecretStr):
                extra[key] = SecretStr(str(value))
        return self

    def source(self, name: str) -> SourceSettings:
        """Base URL and token of a live source: FOOTPRINTS_<NAME>_BASE_URL (else the source's
        declared default) and FOOTPRINTS_<NAME>_TOKEN (else its Prefect Secret block)."""
        key = name.lower()
        extra = self.__pydantic_extra__ or {}
        default_base_url, token_placement = _DECLARED.get(key, (None, None))
        base_url = extra.get(f"{key}_base_url") or default_base_url
        if not base_url:
            raise ValueError(
                f"source {name!r} has no base URL: set {_ENV_PREFIX}{key.upper()}_BASE_URL"
            )
        token = extra.get(f"{key}_token")
        if token is not None and not isinstance(token, SecretStr):  # set by model_copy(update=)
            token = SecretStr(str(token))
        token = token or _secret_block_token(key)
        return SourceSettings(key, str(base_url).rstrip("/"), token, token_placement)

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
    # Deferred: prefect takes seconds to import, and settings are read by every command,
    # most of which never run a flow.
    from prefect.blocks.system import Secret
    from prefect.context import FlowRunContext, TaskRunContext

    if FlowRunContext.get() is None and TaskRunContext.get() is None:
        return None
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


@contextmanager
def environment_variable(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` in this process's environment (which the processes it starts
    inherit) for the duration, then put back as it was."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before
