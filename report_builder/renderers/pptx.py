"""The meeting deck as PowerPoint (format `pptx`, also `meeting-deck`): the agenda's slides on
the company template, native charts. decks/meeting.py builds it."""

from __future__ import annotations

from report_builder.decks.meeting import build_meeting_deck
from report_builder.model.agenda import Agenda
from report_builder.renderers.context import RenderContext


def render_pptx(agenda: Agenda, context: RenderContext) -> bytes:
    return build_meeting_deck(agenda, context)
