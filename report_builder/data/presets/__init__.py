"""CRM presets by name: how each CRM's exports map onto the canonical tables."""

from __future__ import annotations

from report_builder.data.presets import hubspot, pipedrive, salesforce
from report_builder.data.presets.base import MappingReport, Preset, TableMapping, apply_mapping

CANONICAL = Preset(name="canonical", title="canonical tables", tables={})

PRESETS: dict[str, Preset] = {p.name: p for p in (
    CANONICAL, hubspot.PRESET, salesforce.PRESET, pipedrive.PRESET)}

__all__ = ["PRESETS", "CANONICAL", "MappingReport", "Preset", "TableMapping", "apply_mapping"]
