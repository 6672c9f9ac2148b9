"""footprints: what it cost, in energy, carbon, water and money, to create an AI model."""

__version__ = "0.1.0"
