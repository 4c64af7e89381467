"""Names as tables show them: shortened so two rows never read the same, kept whole at a break.

A name that does not fit its cell is cut with "…"; where two different names would then read
alike ("Google Ads: Lagerstyring &…" twice), each is cut in the part they share instead and
keeps the part that tells them apart ("Google Ads: Lagersty… H1 2027"); a company's legal form
("A/S", "ApS") goes before anything is cut. `distinct_shortened` does this for one column of a
table, whatever decides what fits (a slide's font metrics).

A line may not break inside a company's legal form ("A/S" read as "A/" and "S") or between a
number and its unit ("1.693.264 kr."): `keep_whole` marks those runs in HTML for the PDF and
the browser, as `<span class="nb">` (the stylesheet sets `white-space: nowrap` on it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

ELLIPSIS = "\u2026"

# Legal forms written after a company's name (Danish, Nordic, German, British, American, ...)
LEGAL_FORMS = ("A/S", "ApS", "I/S", "K/S", "P/S", "IVS", "A.m.b.A.", "AmbA", "F.m.b.A.", "SMBA",
               "AB", "ASA", "AS", "Oy", "Oyj", "GmbH", "AG", "KG", "e.K.", "SE", "B.V.", "BV",
               "N.V.", "NV", "S.A.", "SA", "S.A.S.", "SAS", "S.r.l.", "SRL", "S.p.A.", "Sp. z o.o.",
               "Ltd.", "Ltd", "Limited", "PLC", "plc", "LLP", "LLC", "Inc.", "Inc", "Corp.",
               "Co.")
# Units and currencies written after a number, as the Formatter and CRM texts write them
UNITS = ("mio. kr.", "mia. kr.", "tkr.", "t.kr.", "kr.", "kr", "DKK", "EUR", "SEK", "NOK",
         "USD", "GBP", "CHF", "mio.", "mia.", "Mio.", "Mrd.", "m", "k", "bn", "€", "$", "£",
         "%", "dage", "dag", "days", "day", "timer", "hours", "stk.", "pcs.")

_FORMS = "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
_UNITS = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CODES = "DKK|EUR|SEK|NOK|USD|GBP|CHF"
_SPACE = r"[ \u00a0]"
_TRAILING_FORM = re.compile(rf",?[ \u00a0](?:{_FORMS})$")
# a legal form, with the word before it, as a whole word; a number with the unit after it
# (or a currency sign before it)
_KEEP_WHOLE = re.compile(
    rf"(?:\S+{_SPACE})?(?<!\S)(?:{_FORMS})(?![^\s,;:)\]])"
    rf"|(?<!\w)(?:[€$£]|(?:{_CODES}){_SPACE})\d(?:[\d.,]*\d)?(?:{_SPACE}?(?:k|m|bn))?(?![^\s,;:)\]])"
    rf"|(?<![\w.,])\d(?:[\d.,]*\d)?(?:{_SPACE}\d{{3}}(?!\d))*{_SPACE}?(?:{_UNITS})(?![^\s,;:)\]])")


def keep_whole_runs(text: str) -> list[tuple[str, bool]]:
    """`text` in order as (part, whole) pairs: `whole` parts (a name's last word and its legal
    form, a number and its unit) must not be broken across lines."""
    parts: list[tuple[str, bool]] = []
    end = 0
    for match in _KEEP_WHOLE.finditer(text):
        if match.start() > end:
            parts.append((text[end:match.start()], False))
        parts.append((match.group(), True))
        end = match.end()
    if end < len(text):
        parts.append((text[end:], False))
    return parts


ZERO_WIDTH_SPACE = "\u200b"
BREAK_EVERY = 12  # characters of a word, or of a run without a space, before a break may come
_LONG_WORD = re.compile(rf"\w{{{BREAK_EVERY + 1},}}")
_LONG_RUN = re.compile(rf"[^\s\u200b]{{{3 * BREAK_EVERY + 1},}}")


def _even_parts(run: str, parts: int) -> str:
    size = -(-len(run) // parts)
    return ZERO_WIDTH_SPACE.join(run[i:i + size] for i in range(0, len(run), size))


def breakable(text: str) -> str:
    """`text` with zero-width spaces (a place a line may break, invisible otherwise) in its
    long words, cut into even parts of at most BREAK_EVERY letters, and in any run of more than
    three times that without a space (`=====...`, a long address): an account name of 200
    letters still fits a table cell, without the break-anywhere rule that makes every cell's
    narrowest width slow for the PDF to work out. Punctuation stays with its word."""
    text = _LONG_WORD.sub(lambda m: _even_parts(m.group(), -(-len(m.group()) // BREAK_EVERY)),
                          text)
    return _LONG_RUN.sub(lambda m: _even_parts(m.group(), -(-len(m.group()) // BREAK_EVERY)),
                         text)


def keep_whole(text: object) -> Markup:
    """`text` escaped for HTML, its unbreakable runs in `<span class="nb">` (the Jinja filter
    `keep_whole`). Markup is passed through: it is ours and already laid out."""
    if isinstance(text, Markup):
        return text
    return Markup("").join(
        Markup('<span class="nb">{}</span>').format(part) if whole else escape(part)
        for part, whole in keep_whole_runs(str(text)))


def cut_end(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of `text` that fits with "…" after it ("…" alone if none does)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + ELLIPSIS):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def distinct_shortened(values: Sequence[str], fits: Callable[[str], bool]) -> list[str]:
    """How each of a column's `values` reads in its cell: whole where it `fits`, else without
    its legal form where that fits ("A/S" tells no customer from another), else cut with "…";
    so that a shortened value could be no other value of the column.

    A value is cut at its end unless that leaves the start of another value ("LinkedIn: Q…"
    beside "LinkedIn: Q1 2025" and "LinkedIn: Q1 2026"); then it is cut in the part they share
    and keeps the part that tells them apart, with as much of its start as fits: "Google Ads:
    Lagersty… H1 2027" and "Google Ads: Lagersty… H2 2026". Only a cell too narrow for "…" and
    the first character that tells two values apart can leave them alike.
    """
    distinct = list(dict.fromkeys(values))
    shown = {v: _shortened(v, fits) for v in distinct}
    rivals: dict[str, set[str]] = {}  # the values each shortened one was found to read as
    for _ in range(3):  # a cut that tells two names apart may meet a third name's
        moved = False
        for value in distinct:
            text = shown[value]
            if text == value:  # a whole value keeps its place; the shortened ones move
                continue
            others = {o for o in distinct if o != value and reads_as(text, o)}
            if others:
                rivals[value] = rivals.get(value, set()) | others
                shown[value] = cut_apart(value, rivals[value], fits)
                moved = moved or shown[value] != text
        if not moved:
            break
    return [shown[v] for v in values]


def reads_as(shown: str, value: str) -> bool:
    """Whether `value` could be what `shown` shows: the same, the same without its legal form,
    or its parts around each "…" in order (the first at its start, the last at its end
    unless `shown` ends in "…")."""
    if shown in (value, without_legal_form(value)):
        return True
    if ELLIPSIS not in shown:
        return False
    parts = [part.strip() for part in shown.split(ELLIPSIS)]
    if not value.startswith(parts[0]):
        return False
    position = len(parts[0])
    for part in parts[1:]:
        found = value.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return shown.endswith(ELLIPSIS) or value.endswith(parts[-1])


def without_legal_form(name: str) -> str:
    """`name` without the legal form it ends in ("Hansen Fødevarer ApS" -> "Hansen
    Fødevarer"); a name that is only a legal form, or has none, as it is."""
    match = _TRAILING_FORM.search(name)
    return name[:match.start()].rstrip(" ,") if match and match.start() > 0 else name


def _shortened(value: str, fits: Callable[[str], bool]) -> str:
    """`value` whole if it fits, else without its legal form if that fits, else cut."""
    if fits(value):
        return value
    short = without_legal_form(value)
    if short != value and fits(short):
        return short
    return cut_end(value, fits)


def cut_apart(value: str, rivals: set[str], fits: Callable[[str], bool]) -> str:
    """`value` cut so it could be none of its `rivals`: its start, "…", then its words from the
    first one that differs from every rival (or from an earlier word, where the rivals hold
    that word too), cut at the end only after the character that differs."""
    differs = max((_common_prefix(value, rival) for rival in rivals), default=0)
    if differs >= len(value):  # `value` is the start of another: its end tells them apart
        differs = max(len(value) - 1, 0)
    start = value.rfind(" ", 0, differs + 1) + 1  # the differing word, whole
    while start > 0:
        text = _head_and_tail(value, start, differs, fits)
        if text is not None and not any(reads_as(text, rival) for rival in rivals):
            return text
        start = value.rfind(" ", 0, start - 1) + 1  # the tail takes the word before too
    return cut_end(value, fits)


def _head_and_tail(value: str, start: int, differs: int,
                   fits: Callable[[str], bool]) -> str | None:
    """`value` from `start` after as much of its start as fits and "…"; where that tail does
    not fit whole, the tail cut at its end if it keeps the character at `differs`."""
    tail = value[start:]
    if fits(f"{ELLIPSIS}{tail}"):
        low, high = 0, start - 1
        while low < high:
            middle = (low + high + 1) // 2
            if fits(_joined(value[:middle], tail)):
                low = middle
            else:
                high = middle - 1
        return _joined(value[:low], tail)
    cut = cut_end(f"{ELLIPSIS}{tail}", fits)
    return cut if len(cut[1:-1]) > differs - start else None


def _joined(head: str, tail: str) -> str:
    head = head.rstrip()
    return f"{head}{ELLIPSIS} {tail}" if head else f"{ELLIPSIS}{tail}"


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count
