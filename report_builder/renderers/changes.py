"""How a headline figure moved since the earlier snapshot, in words: one text for every format."""

from __future__ import annotations

from collections.abc import Callable

from report_builder.formatting import Formatter
from report_builder.model.agenda import Agenda, HeadlineFigure

UP, DOWN = "\u25b2", "\u25bc"  # ▲ ▼


def signed(fmt: Formatter, value: float | int, kind: str) -> str:
    """`+1.234 kr.`, `−3`, `±0`: the change with its sign (a true minus sign)."""
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return sign + fmt.value(abs(value), kind)


def direction(value: float | int | None) -> str | None:
    """up, down or flat; None without a change."""
    if value is None:
        return None
    return "up" if value > 0 else "down" if value < 0 else "flat"


def change_text(h: HeadlineFigure, agenda: Agenda, fmt: Formatter,
                t: Callable[..., str], *, context: bool = False) -> str | None:
    """`▲ +1,2 mio. kr. since 10 Nov 2026` for the figure (or its context line); None when there
    is nothing to compare with."""
    value = h.context_change if context else h.change
    if value is None:
        return None
    kind = (h.context_kind or h.kind) if context else h.kind
    arrow = {"up": UP + " ", "down": DOWN + " ", "flat": ""}[direction(value) or "flat"]
    text = arrow + signed(fmt, value, kind)
    if context:
        return text
    if h.change_basis == "previous_window":
        days = (agenda.as_of - agenda.period_start).days + 1
        return f"{text} {t('change_window', days=fmt.count(days))}"
    mv = agenda.movement
    since = "" if mv is None else \
        fmt.date(mv.previous_date) if mv.previous_date else mv.compared_to
    return f"{text} {t('change_since', date=since)}"
