"""The meeting deck as PowerPoint: the agenda's slides on the company template, native charts.

decks/meeting.py builds it; this module only registers it as the "pptx" format.
"""

from __future__ import annotations

from report_builder.model.agenda import Agenda
from report_builder.renderers.base import Renderer, RenderOptions, register

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def render_pptx(agenda: Agenda, options: RenderOptions) -> bytes:
    from report_builder.decks.meeting import build_meeting_deck

    return build_meeting_deck(agenda, options.deck)


register(Renderer("pptx", ".pptx", MEDIA_TYPE, render_pptx))
