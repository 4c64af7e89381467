"""JSON: the whole agenda model with stable keys, for checks and integrations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

from report_builder.model.agenda import Agenda
from report_builder.renderers.context import RenderContext

SCHEMA_VERSION = 2  # 2: movement lists as `changes` (every changed deal), headline changes


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples and dates as JSON values; floats rounded to 4 places, NaN as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    return value


def render_json(agenda: Agenda, context: RenderContext) -> bytes:
    """The agenda as it is: the JSON takes nothing from the context (no words, no formats)."""
    document = {"schema_version": SCHEMA_VERSION, "agenda": to_plain(agenda)}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

