"""The sellers' customer deck: the company's standard slides plus current public content.

It is built from `public_content(agenda)`, a model that holds nothing but what customers may
see (public references and public campaigns), so no internal figure can reach it by accident.
"""

from __future__ import annotations

from report_builder.model.agenda import Agenda
from report_builder.model.public import public_content
from report_builder.renderers.base import Renderer, RenderOptions, register
from report_builder.renderers.pptx import MEDIA_TYPE


def render_deck(agenda: Agenda, options: RenderOptions) -> bytes:
    from report_builder.decks.customer import build_customer_deck

    return build_customer_deck(public_content(agenda), options.deck)


register(Renderer("deck", ".pptx", MEDIA_TYPE, render_deck, file_stem="customer-deck"))
