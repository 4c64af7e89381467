"""How a header names a column: case, spaces and hyphens do not matter."""

from __future__ import annotations


def normalise_header(name: object) -> str:
    """'Close Date ' -> 'close_date', 'Aftale-id' -> 'aftale_id': headers match case- and
    space-insensitively."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())
