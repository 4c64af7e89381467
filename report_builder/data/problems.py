"""Bad values grouped by value: each distinct bad value is named once, with how many rows hold
it and the first of those rows, so one run lists every value to fix (every unknown stage,
every currency without a rate) instead of the first rows of a file."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from report_builder.errors import Problem

EXAMPLE_ROWS = 5  # rows named per value
MAX_VALUES = 25  # distinct values named per column and message (unless every one must be)


def grouped_problems(source: str, column: str | None, message: str, positions: np.ndarray,
                     values: object, row_number: Callable[[int], int], *,
                     max_values: int | None = MAX_VALUES) -> list[Problem]:
    """One Problem per distinct value among `values` at `positions` (first seen first), then,
    past `max_values`, one line counting the values and rows not named."""
    if len(positions) == 0:
        return []
    shown = None if values is None else pd.Series(np.asarray(values, dtype=object)[positions])
    if shown is None:
        groups: list[tuple[str | None, np.ndarray]] = [(None, positions)]
    else:
        keys = shown.map(str).to_numpy()
        codes, uniques = pd.factorize(keys)
        order = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[order], np.arange(len(uniques)))
        ends = np.append(starts[1:], len(order))
        groups = [(str(uniques[i]), positions[order[starts[i]:ends[i]]])
                  for i in range(len(uniques))]
    problems = []
    limit = len(groups) if max_values is None else max_values
    for value, where in groups[:limit]:
        rows = tuple(row_number(int(p)) for p in where[:EXAMPLE_ROWS])
        problems.append(Problem(source, rows[0], column, value, message,
                                rows=rows if len(where) > 1 else (), count=len(where)))
    rest = groups[limit:]
    if rest:
        count = sum(len(where) for _, where in rest)
        problems.append(Problem(source, None, column, None,
                                f"and {len(rest)} more distinct values like these in {count} "
                                f"rows (e.g. {', '.join(repr(v) for v, _ in rest[:5])})"))
    return problems
