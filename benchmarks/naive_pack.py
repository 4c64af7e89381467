"""The pack built as a first version would build it, for bench_pack.py to compare with: the same
load, model and renderers, but every chart of the PDF exported by `plotly.io.to_image`, which
starts and stops a browser for each one (bench_charts.py's BrowserPerChart), after the other
formats.

    python benchmarks/naive_pack.py CONFIG OUT_DIR [FORMATS]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_charts import BrowserPerChart  # noqa: E402

from report_builder.build import meeting_date, output_name  # noqa: E402
from report_builder.config import load_config  # noqa: E402
from report_builder.engine import connect, read_engine_dataset  # noqa: E402
from report_builder.model.build import agenda_in_engine  # noqa: E402
from report_builder.renderers.base import get_renderer  # noqa: E402
from report_builder.renderers.context import RenderOptions, render_context  # noqa: E402
from report_builder.writer import write_atomic  # noqa: E402


def main(config_path: str, out_dir: str, formats: str = "html,pdf,json,pptx,customer-deck",
         ) -> int:
    config = load_config(Path(config_path))
    as_of = meeting_date(config, None, dt.date.today())
    con = connect(config.engine)
    source = read_engine_dataset(con, config, as_of=as_of)
    agenda = agenda_in_engine(
        source.tables, source.facts, config, as_of,
        actions=None if source.dataset is None else source.dataset.actions)
    context = render_context(agenda, RenderOptions(
        templates=config.output.templates, logo=config.company.logo,
        page_orientation=config.output.page_orientation, charts=BrowserPerChart(),
        deck=config.deck, profile=config.company.profile))
    for renderer in map(get_renderer, formats.split(",")):
        content = renderer.render(agenda, context)
        write_atomic(Path(out_dir) / output_name(agenda, renderer.extension, renderer.file_stem),
                     content)
    con.disconnect()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
