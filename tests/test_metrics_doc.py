"""docs/metrics.md defines every field of the agenda model: an undocumented figure fails here."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

from report_builder.model import agenda as model

DOC = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text()


def all_fields() -> set[str]:
    names = set()
    for obj in vars(model).values():
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            names |= {f.name for f in dataclasses.fields(obj)}
    return names


def test_every_model_field_is_documented() -> None:
    missing = sorted(n for n in all_fields() if f"`{n}`" not in DOC and f"**{n}**" not in DOC)
    assert missing == []


def test_agenda_is_frozen_and_typed() -> None:
    for obj in vars(model).values():
        if isinstance(obj, type) and dataclasses.is_dataclass(obj):
            assert obj.__dataclass_params__.frozen, obj.__name__  # type: ignore[attr-defined]
            hints = typing.get_type_hints(obj)
            assert set(hints) == {f.name for f in dataclasses.fields(obj)}
