"""Model cards and disclosure files into `Fact`s: one parser per format behind `parse_card`.

Callers outside this package import from here; the modules inside are free to move.

- `card`: `parse_card`, the dispatcher over the formats of one Markdown/HTML model card:
  `tables` (footprint tables, read from `table_markup`), `front_matter` (Hugging Face YAML),
  `kv_blocks` ('Key: value' blocks), `prose` (figures in sentences), then `cross_check`.
- `user_yaml`: users' YAML disclosure files (format in `user_yaml_schema`); `card_files` reads a
  directory of them and of Markdown cards, quarantining bad files.
- Shared helpers: `draft` (draft facts, the reading context), `quantities` (numbers, units,
  durations), `names` (model and hardware names), `text` (inline markup), `safe_yaml`.
"""

from tasks.cards.card import parse_card
from tasks.cards.card_files import Quarantined, read_card_file
from tasks.cards.draft import CardError
from tasks.cards.safe_yaml import yaml_events, yaml_safe_load
from tasks.cards.user_yaml import DisclosureFileError, load_disclosure_file, parse_disclosure

__all__ = [
    "CardError",
    "DisclosureFileError",
    "Quarantined",
    "load_disclosure_file",
    "parse_card",
    "parse_disclosure",
    "read_card_file",
    "yaml_events",
    "yaml_safe_load",
]
