"""JSON: the whole agenda model with stable keys, for checks and integrations.

The agenda carries each data note as its kind and figures; the JSON adds the note's explanation
in English (`message`), whatever the pack's language, so an integration reads one language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

from report_builder.i18n import Translator, note_text, translator
from report_builder.model.agenda import Agenda, Note
from report_builder.renderers.context import RenderContext

SCHEMA_VERSION = 5  # 2: movement lists as `changes` (every changed deal), headline changes;
# 3: the new customers' headline context is the value won from them (won_from_new_customers);
# 4: a change list's `rows` are its 25 largest deals (`count` and `total` still cover all);
# 5: `scope`, the team or seller of a pack built per team or seller (null: the company's),
# and `company_targets`, the company's top line on such a pack


def to_plain(value: Any) -> Any:
    """Dataclasses, tuples, dates and times as JSON values; floats rounded to 4 places, NaN as
    null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 4)
    return value


def note_plain(note: Note, english: Translator) -> dict[str, Any]:
    """A data note with its English explanation, `message`, after its values."""
    plain = to_plain(note)
    examples = plain.pop("examples")
    return {**plain, "message": note_text(english, note), "examples": examples}


def render_json(agenda: Agenda, context: RenderContext) -> bytes:
    """The agenda as it is, with each data note explained in English whatever the pack's
    language (the JSON is read by programs): no other words, no number formats."""
    document = {"schema_version": SCHEMA_VERSION, "agenda": to_plain(agenda)}
    english = translator("en")
    document["agenda"]["data_notes"]["notes"] = [note_plain(n, english)
                                                 for n in agenda.data_notes.notes]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

