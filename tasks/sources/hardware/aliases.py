"""The gpu_aliases rows: every spelling that names a built part, with the reason in `note`.

Priority (the first of two rows for one text wins): curated parts' Epoch names and spellings,
display names, names folded into another row, spellings of catalogue parts, family names, and
last names without their trailing memory size. Two rows that give one text different parts are
an error, family names excepted (they are ambiguous on purpose and resolve by their default).
"""

from __future__ import annotations

import re

from tasks.core.gpu_names import family_defaults, family_rows, normalise_gpu_name
from tasks.sources.hardware.curated import built_parts, load_curation
from tasks.sources.hardware.readers import Spec, clean_name

Alias = tuple[str, str, str]  # (alias, gpu_id, note)

# A trailing memory size: "GeForce RTX 2080 Ti 11GB" has the short name "GeForce RTX 2080 Ti".
_TRAILING_MEMORY_RE = re.compile(r"\s*\d+(?:\.\d+)?\s*-?\s*(?:GB|GiB|G)\s*$", re.IGNORECASE)


def _listed_aliases(specs: list[Spec], folded: list[Alias]) -> list[Alias]:
    """Alias rows in priority order (the first of two rows for one text wins): curated parts'
    Epoch names and spellings, display names, folded names, other curated spellings, families."""
    curation = load_curation()
    out: list[Alias] = []
    for c in built_parts(specs):
        out.extend((n, c.gpu_id, "Epoch spelling") for n in c.epoch)
        out.extend(a for a in curation.aliases if a[1] == c.gpu_id)
    out.extend((str(s["name"]), str(s["gpu_id"]), "display name") for s in specs)
    out.extend(folded)
    # Spellings of catalogue parts come last (those of curated parts came with the part, and a
    # curated part a partial build lacks has none).
    curated_ids = {c.gpu_id for c in curation.parts}
    out.extend(a for a in curation.aliases if a[1] not in curated_ids)
    # Family names resolve through the family defaults; writing them here keeps the CSV the one
    # place a reader can look a name up, with the reason in `note`.
    out.extend((f.family, f.gpu_id, f.note) for f in family_rows())
    return out


def _short_names(specs: list[Spec], listed: list[Alias]) -> list[Alias]:
    """Names without a trailing memory size ("GeForce RTX 2080 Ti 11GB" -> "... 2080 Ti") when no
    other card would claim the shorter key."""
    families = family_defaults()
    key_owner: dict[str, set[str]] = {}
    for alias, gpu_id, _ in listed:
        key_owner.setdefault(normalise_gpu_name(alias), set()).add(gpu_id)
    stripped: dict[str, set[tuple[str, str]]] = {}
    for spec in specs:
        name = str(spec["name"])
        m = _TRAILING_MEMORY_RE.search(name)
        if m:
            short = name[: m.start()].strip()
            stripped.setdefault(normalise_gpu_name(short), set()).add((short, str(spec["gpu_id"])))
    out: list[Alias] = []
    for key, pairs in sorted(stripped.items()):
        ids = {g for _, g in pairs}
        if len(ids) == 1 and key not in families and key_owner.get(key, ids) == ids:
            out.extend(
                (short, gpu_id, "name without its memory size") for short, gpu_id in sorted(pairs)
            )
    return out


def build_aliases(specs: list[Spec], folded: list[Alias]) -> list[Alias]:
    """All alias rows; later duplicates of an alias text are dropped, conflicts raise."""
    listed = _listed_aliases(specs, folded)
    families = family_defaults()
    seen: dict[str, str] = {}
    rows: list[Alias] = []
    for alias, gpu_id, note in [*listed, *_short_names(specs, listed)]:
        alias = clean_name(alias)
        if alias in seen:
            if seen[alias] != gpu_id and normalise_gpu_name(alias) not in families:
                raise ValueError(f"alias {alias!r} -> {seen[alias]} and {gpu_id}")
            continue
        seen[alias] = gpu_id
        rows.append((alias, gpu_id, note))
    return sorted(rows, key=lambda r: (r[0].lower(), r[0], r[1]))


def check_keys(aliases: list[Alias]) -> list[str]:
    """Normalised keys claimed by more than one gpu_id (family keys excepted)."""
    families = family_defaults()
    owners: dict[str, set[str]] = {}
    for alias, gpu_id, _ in aliases:
        owners.setdefault(normalise_gpu_name(alias), set()).add(gpu_id)
    return sorted(
        f"{k}: {sorted(v)}" for k, v in owners.items() if len(v) > 1 and k not in families
    )
