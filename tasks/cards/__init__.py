"""Model cards and disclosure files into `Fact`s: one parser per format behind `parse_card`.

Callers outside this package import from here; the modules inside are free to move.
"""

from tasks.cards.parsing import CardError, parse_card, yaml_events, yaml_safe_load
from tasks.cards.user_yaml import (
    DisclosureFileError,
    Quarantined,
    load_disclosure_file,
    parse_disclosure,
    read_card_file,
)

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
