"""How the leaderboard cites: the estimation tiers' methods, and the URLs in a `sources` cell.

Kept apart from the report so the CLI's `card` command can use them without importing the
report's (and the warehouse's) dependencies at start-up.
"""

from __future__ import annotations

import re

TIER_METHODS: dict[int | None, str] = {
    1: "disclosed emissions",
    2: "disclosed energy × the place's grid intensity",
    3: "disclosed GPU-hours × power × PUE × grid intensity",
    4: "GPU count × training duration, then as tier 3",
    5: "training FLOPs / (peak FLOP/s × MFU), then as tier 3",
}

URL_PATTERN = re.compile(r"https?://[^\s<>\"'|;]+[^\s<>\"'|;.,:)\]]")


def source_urls(sources: str | None) -> list[str]:
    """Every http(s) URL in a leaderboard `sources` cell (' ; '-separated entries, some of them
    citations with URLs inside), in order, without repeats."""
    seen: dict[str, None] = {}
    for part in (sources or "").split(" ; "):
        for url in URL_PATTERN.findall(part):
            seen.setdefault(url, None)
    return list(seen)
