"""`footprints run --cards DIR` with a hostile or careless folder (issue 17): links and FIFOs are
never read nor archived, a user's card never replaces a developer's disclosure, and every conflict
(the same model twice, a duplicate key, an empty card) is a named line. One real run serves every
test of this module."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from reliability_helpers import FOOTPRINTS, child_env, leaderboard

from tasks.cards import Quarantined, parse_card, read_card_file
from tasks.load.warehouse import open_warehouse

REPO = Path(__file__).resolve().parents[2]
SENTINEL = "SENTINEL-cards-5e1f"


@pytest.fixture(scope="module")
def cards_run(
    refreshed: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    root = tmp_path_factory.mktemp("cards_run")
    shutil.copytree(refreshed.parent, root / "wh")
    warehouse = root / "wh" / refreshed.name
    cards = root / "cards"
    cards.mkdir()
    (cards / "evil.md").symlink_to("/proc/self/environ")
    (cards / "x.yaml").symlink_to("/etc/passwd")
    os.mkfifo(cards / "pipe.md")  # read, it would block the run forever
    (cards / "empty.md").write_bytes(b"")
    (cards / "dupkeys.yaml").write_text(
        "model: Dup Keys 1B\ntraining:\n  gpu_hours: 100\n  gpu_hours: 200\n"
    )
    (cards / "llama.yaml").write_text(
        "model: Llama 3.1 405B\ntraining:\n  gpu_hours: 1000\n  co2e_t: 0.05\n"
    )
    (cards / "a-twin.yaml").write_text("model: Twin Model 3B\ntraining:\n  gpu_hours: 5000\n")
    (cards / "b-twin.yaml").write_text("model: twin model 3b\ntraining:\n  gpu_hours: 900000\n")
    shutil.copy(REPO / "examples/cards/acme-7b.yaml", cards)
    done = subprocess.run(
        [str(FOOTPRINTS), "run", "--warehouse", str(warehouse), "--cards", str(cards)],
        env=child_env(
            FOOTPRINTS_CARDS_SENTINEL=SENTINEL,
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done, warehouse, cards


def test_links_and_fifos_are_named_and_never_read_nor_archived(cards_run) -> None:  # type: ignore[no-untyped-def]
    done, warehouse, cards = cards_run
    for name, why in [
        ("evil.md", "a symbolic link: not followed"),
        ("x.yaml", "a symbolic link: not followed"),
        ("pipe.md", "not a regular file"),
    ]:
        assert f"quarantined: {cards / name}: {why}" in done.stderr
    raw = warehouse.parent / "raw"
    for path in raw.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SENTINEL.encode() not in data, path
            assert b"root:x:0:0" not in data, path
    manifest = (raw / "manifest.jsonl").read_text()
    assert "evil.md" not in manifest and "x.yaml" not in manifest


def test_a_user_card_never_replaces_the_developers_row(cards_run, refreshed: Path) -> None:  # type: ignore[no-untyped-def]
    done, warehouse, _cards = cards_run
    before = {r[1]: r for r in leaderboard(refreshed)}
    after = {r[1]: r for r in leaderboard(warehouse)}
    assert after["Llama 3.1 405B"][2:] == before["Llama 3.1 405B"][2:]  # Meta's figures
    assert "Llama 3.1 405B (user card)" in after  # the user's, apart and labelled
    assert (
        "user card: llama.yaml: 'Llama 3.1 405B' is disclosed by its developer; your figures "
        "are shown apart as 'Llama 3.1 405B (user card)'"
    ) in done.stderr


def test_the_same_model_in_two_cards_the_later_wins_the_earlier_is_named(cards_run) -> None:  # type: ignore[no-untyped-def]
    done, warehouse, cards = cards_run
    with open_warehouse(warehouse, read_only=True) as con:
        hours = con.execute(
            "select value, source_url from stg_disclosures__facts "
            "where lower(model) = 'twin model 3b' and field = 'gpu_hours'"
        ).fetchall()
        quarantined = con.execute(
            "select row_key, reason from meta_quarantine where row_key like '%a-twin.yaml'"
        ).fetchall()
    assert hours == [("900000", "b-twin.yaml")]  # the card's name: no local path in the warehouse
    assert (
        f"quarantined: {cards / 'a-twin.yaml'}: model: 'Twin Model 3B' is also in b-twin.yaml"
        in (done.stderr)
    )
    assert quarantined and "b-twin.yaml" in quarantined[0][1]


def test_a_duplicate_key_and_an_empty_card_are_named(cards_run) -> None:  # type: ignore[no-untyped-def]
    done, _warehouse, cards = cards_run
    assert (
        f"quarantined: {cards / 'dupkeys.yaml'}: gpu_hours: duplicate key (lines 3 and 4)"
    ) in done.stderr
    assert f"quarantined: {cards / 'empty.md'}: empty file" in done.stderr


def test_a_duplicate_key_in_a_cards_front_matter_is_named(tmp_path: Path) -> None:
    card = tmp_path / "card.md"
    card.write_text("---\nco2_eq_emissions:\n  emissions: 10\n  emissions: 20\n---\n# M\n")

    def markdown(text: str, url: str):  # type: ignore[no-untyped-def]
        return parse_card(text, url).facts

    outcome = read_card_file(card, markdown)
    assert isinstance(outcome, Quarantined)
    assert "duplicate key 'emissions'" in outcome.reason


def test_a_card_is_read_to_its_size_and_never_past_the_limit(tmp_path: Path) -> None:
    """`read_card_bytes` reads what the file holds (sized by the file, not by the 16 MB limit),
    and a file that grew after its size was taken is still cut one byte past the limit, which
    the caller refuses."""
    import os

    from tasks.cards.user_yaml import _read_at_most, read_card_bytes

    card = tmp_path / "card.md"
    for size in (0, 1, 3_000, 65_536, 200_001):
        card.write_bytes(os.urandom(size))
        assert read_card_bytes(card, 1_000_000) == card.read_bytes()
    card.write_bytes(b"x" * 5_000)
    fd = os.open(card, os.O_RDONLY)
    try:
        assert len(_read_at_most(fd, 100, 1_001)) == 1_001  # grew past the limit: cut at it
        os.lseek(fd, 0, os.SEEK_SET)
        assert _read_at_most(fd, 100, 10_000) == b"x" * 5_000  # grew, within it: all of it
    finally:
        os.close(fd)
