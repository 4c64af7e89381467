"""report-builder: the pack for the biweekly marketing + sales pipeline meeting."""

__version__ = "0.1.0"
