"""A source's token may live in a Prefect Secret block instead of the environment."""

from __future__ import annotations

import pytest


def test_token_from_secret_block(prefect_harness, monkeypatch) -> None:
    from prefect import flow
    from prefect.blocks.system import Secret

    from tasks.core.settings import get_settings, secret_block_name
    from tasks.sources.registry import source

    monkeypatch.delenv("FOOTPRINTS_EMBER_TOKEN", raising=False)
    monkeypatch.delenv("FOOTPRINTS_EIA_TOKEN", raising=False)
    Secret(value="sentinel-ember-token").save(secret_block_name("ember"), overwrite=True)

    @flow
    def read_tokens() -> tuple[str | None, str | None, str]:
        s = get_settings()
        ember, eia = source("ember").settings(s), source("eia").settings(s)
        return (
            ember.token.get_secret_value() if ember.token else None,
            eia.token.get_secret_value() if eia.token else None,
            repr(ember),
        )

    ember, eia, shown = read_tokens()
    assert ember == "sentinel-ember-token"
    assert eia is None  # no block, no variable: no token
    assert "sentinel" not in shown
    # the environment variable wins over the block
    monkeypatch.setenv("FOOTPRINTS_EMBER_TOKEN", "from-env")
    assert read_tokens()[0] == "from-env"
    # outside a flow no Prefect API is consulted
    monkeypatch.delenv("FOOTPRINTS_EMBER_TOKEN")
    assert source("ember").settings(get_settings()).token is None


@pytest.mark.parametrize("source", ["ELECTRICITYMAPS", "hfhub"])
def test_block_names(source: str) -> None:
    from tasks.core.settings import secret_block_name

    assert secret_block_name(source) == f"footprints-{source.lower()}-token"
