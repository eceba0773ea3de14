"""cgt-kg: a knowledge graph of the cell and gene therapy market, built from text."""

__version__ = "0.1.0"
