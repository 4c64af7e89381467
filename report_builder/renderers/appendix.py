"""The pack's appendix: which parts it has, in order, and the letter each is known by.

The main body of the PDF and the meeting deck holds what the room talks about; the full
tables and lists behind each point go to one appendix part per point (the PDF) or to backup
slides (the deck), each referred to from its point by the part's letter ("appendix C").
"""

from __future__ import annotations

from string import ascii_uppercase

from report_builder.model.agenda import Agenda

# part key -> the label of its title; the actions part only when the dataset has actions
PARTS = (("actions", "section_actions"), ("targets", "section_targets"),
         ("pipeline", "section_pipeline"), ("sources", "section_sources"),
         ("customers", "section_customers"), ("campaigns", "section_campaigns"),
         ("data-notes", "section_data_notes"), ("definitions", "section_definitions"))
# the agenda point each part belongs to (its number in the agenda), where it has one
POINTS = {"targets": 1, "pipeline": 2, "sources": 3, "customers": 4, "campaigns": 5}


def appendix_parts(agenda: Agenda) -> dict[str, str]:
    """Each part present, in order, with its letter: {"actions": "A", "targets": "B", ...}."""
    keys = [key for key, _ in PARTS if key != "actions" or agenda.actions is not None]
    return {key: ascii_uppercase[number] for number, key in enumerate(keys)}


def part_title(key: str) -> str:
    """The label key of a part's title."""
    return dict(PARTS)[key]
