"""Names as tables show them: shortened so two rows never read the same, kept whole at a break.

A name that does not fit its cell is cut with "…"; where two different names would then read
alike ("Google Ads: Lagerstyring &…" twice), each is cut in the part they share instead and
keeps the part that tells them apart ("Google Ads: Lagersty… H1 2027"). `distinct_shortened`
does this for one column of a table, whatever decides what fits (a slide's font metrics).

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
# a legal form, with the word before it, as a whole word; a number with the unit after it
# (or a currency sign before it)
_KEEP_WHOLE = re.compile(
    rf"(?:\S+{_SPACE})?(?<!\S)(?:{_FORMS})(?![^\s,;:)\]])"
    rf"|(?<!\w)(?:[€$£]|(?:{_CODES}){_SPACE})\d[\d.,]*(?:{_SPACE}?(?:k|m|bn))?(?![^\s,;:)\]])"
    rf"|(?<![\w.,])\d[\d.,]*(?:{_SPACE}\d{{3}}(?!\d))*{_SPACE}?(?:{_UNITS})(?![^\s,;:)\]])")


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
    """How each of a column's `values` reads in its cell: whole where it `fits`, else cut with
    "…" so that two different values never read the same.

    A value is cut at its end unless another value would then read the same; then both are cut
    in the part they share and keep the part that tells them apart, with as much of their
    start as fits: "Google Ads: Lagersty… H1 2027" and "Google Ads: Lagersty… H2 2026".
    Only a cell too narrow for "…" and the first character that tells two values apart can
    leave them alike.
    """
    shown = {v: v if fits(v) else cut_end(v, fits) for v in values}
    for _ in range(3):  # a cut that tells two names apart may meet a third name's
        readers: dict[str, set[str]] = {}
        for value, text in shown.items():
            readers.setdefault(text, set()).add(value)
        clashes = [names for names in readers.values() if len(names) > 1]
        if not clashes:
            break
        for names in clashes:
            for value in names:
                if value != shown[value]:  # a whole value keeps its place; the cut ones move
                    shown[value] = cut_apart(value, names - {value}, fits)
    return [shown[v] for v in values]


def cut_apart(value: str, others: set[str], fits: Callable[[str], bool]) -> str:
    """`value` cut so it reads unlike each of `others`: its start, "…", then the words from
    the first one that differs from every other value, cut at the end only after that."""
    differs = max((_common_prefix(value, other) for other in others), default=0)
    if differs >= len(value):  # `value` is the start of another: its end tells them apart
        differs = max(len(value) - 1, 0)
    start = value.rfind(" ", 0, differs) + 1  # the differing word, whole
    if start == 0:  # they differ in the first word: the cell is too narrow to show it
        return cut_end(value, fits)
    tail = value[start:]
    low, high = 0, start - 1
    if fits(f"{ELLIPSIS}{tail}"):  # the tail whole, after as much of the start as fits
        while low < high:
            middle = (low + high + 1) // 2
            if fits(_joined(value[:middle], tail)):
                low = middle
            else:
                high = middle - 1
        return _joined(value[:low], tail)
    # the tail is cut too, but after the character that tells the values apart
    cut = cut_end(f"{ELLIPSIS}{tail}", fits)
    if len(cut[1:-1]) > differs - start:
        return cut
    return cut_end(value, fits)


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
