"""What report-builder prints to a terminal: data text without control characters.

CRM text (deal names, owners, action texts, column headers, values quoted in error messages)
can hold escape sequences that a terminal would obey: move the cursor, rewrite earlier lines,
change the window title, hide text. Everything printed goes through `terminal_text`, which
drops them and keeps line breaks and tabs.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode direction overrides and
# isolates that reorder what is shown
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str) -> str:
    """`text` with control characters removed (a CR LF line break becomes a newline)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n"))


class SafeConsole(Console):
    """A rich Console whose print and log drop control characters from every string given."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(terminal_text(o) if isinstance(o, str) else o for o in objects),
                      **kwargs)

    def log(self, *objects: Any, **kwargs: Any) -> None:
        super().log(*(terminal_text(o) if isinstance(o, str) else o for o in objects),
                    **kwargs)
