"""The public real-world datasets in ../shared/data load through the configs in examples/.

The data is not part of the repository: these tests skip when ../shared/data is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.model.build import build_agenda

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is absent")


def agenda_of(example: str):  # type: ignore[no-untyped-def]
    config = load_config(ROOT / "examples" / example / "report.toml")
    dataset = load_dataset(config)
    assert config.meeting.as_of is not None
    return dataset, build_agenda(dataset, config, config.meeting.as_of)


@needs_shared
def test_maven_crm_pipeline() -> None:
    """8,800 simulated deals; won in 2017-Q4 up to the meeting, worked out with pandas."""
    dataset, agenda = agenda_of("maven_crm")
    assert len(dataset.deals) == 8800
    company = agenda.targets.company
    assert (company.won, company.won_deals, company.target) == (2_702_280, 1150, 3_000_000)


@needs_shared
def test_salesforce_fizzly_export() -> None:
    """#N/A nulls, percent probabilities, CPQ columns ignored; the Q2 2019 pipeline weighted
    by each deal's own probability."""
    dataset, agenda = agenda_of("salesforce_fizzly")
    assert len(dataset.deals) == 12
    assert dataset.deals["amount"].isna().sum() == 2
    assert agenda.targets.company.weighted_pipeline == pytest.approx(
        140_000 * 0.5 + 20_000 * 0.5 + 40_000 * 0.6 + 70_000 * 0.2 + 100_000 * 0.9)
    report = dataset.mappings[0]
    assert "SBQQ__Contracted__c" in report.ignored and report.mapped["stage"] == "StageName"


@needs_shared
def test_x_education_leads() -> None:
    """A trailing comma on every line, "Select" as empty; sources kept as written."""
    dataset, _ = agenda_of("x_education")
    leads = dataset.leads
    assert len(leads) == 9240 and leads["lead_id"].is_unique
    assert "" not in dataset.mappings[-1].ignored  # the empty last column is dropped
    assert (leads["source_channel"] == "(unknown)").sum() == 36


@needs_shared
def test_inspect_salesforce_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(SHARED / "salesforce_sample_fizzly" / "Opportunity.csv")]) == 0
    out = capsys.readouterr().out
    assert 'preset = "salesforce"' in out
    assert '"Closed Won" = {step = "won"}  # 2 deal(s)' in out
    assert '"Negotiation/Review" = {step = "quote", probability = 0.9}  # 1 deal(s)' in out
