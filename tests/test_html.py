"""The HTML pack, element by element: figures, escaping, self-containment, user templates."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup, Tag

from report_builder.charts.figures import FIGURE_KEYS
from report_builder.errors import OutputError
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from report_builder.model.agenda import Agenda
from report_builder.renderers.base import get_renderer
from report_builder.renderers.context import RenderOptions, render_context
from report_builder.renderers.html import chart_div_id, plotly_bundle, render_html
from tests.sample_agenda import DANISH_ACCOUNT, NOTE_TEXTS, SCRIPT_NAME, sample_agenda

PLOTLY_HEADER = plotly_bundle()[:60]  # our partial bundle's first line


def render(agenda: Agenda, options: RenderOptions | None = None) -> BeautifulSoup:
    return BeautifulSoup(render_html(agenda, render_context(agenda, options)), "lxml")


@pytest.fixture(scope="module")
def agenda() -> Agenda:
    return sample_agenda("en")


@pytest.fixture(scope="module")
def html(agenda: Agenda) -> str:
    return render_html(agenda, render_context(agenda)).decode("utf-8")


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def text(tag: Tag | None) -> str:
    assert tag is not None
    return " ".join(tag.get_text(" ", strip=True).split())


def one(tag: Tag, selector: str) -> Tag:
    found = tag.select_one(selector)
    assert found is not None, selector
    return found


def attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    assert isinstance(value, str), (name, value)
    return value


def test_registered_as_html() -> None:
    renderer = get_renderer("html")
    assert renderer.render is render_html
    assert (renderer.extension, renderer.media_type) == (".html", "text/html")


@pytest.mark.parametrize("language", ["en", "da"])
def test_lang_attribute(language: str) -> None:
    soup = render(sample_agenda(language))
    assert soup.html is not None and soup.html["lang"] == language


@pytest.mark.parametrize("language", ["en", "da"])
def test_headline_tiles_show_formatted_values(language: str) -> None:
    agenda = sample_agenda(language)
    fmt = Formatter(agenda.locale, agenda.currency)
    t = labels(language)
    tiles = render(agenda).select("#headline .tile")
    assert len(tiles) == len(agenda.headline)
    for tile, figure in zip(tiles, agenda.headline, strict=True):
        assert tile["data-key"] == figure.key
        assert text(tile.select_one(".tile-label")) == t[figure.key]
        assert one(tile, ".tile-value").get_text() == fmt.value(figure.value, figure.kind)
        if figure.context is not None:
            assert text(tile.select_one(".tile-context-label")) == t[figure.context]
            kind = figure.context_kind or figure.kind
            assert one(tile, ".tile-context-value").get_text() == fmt.value(
                figure.context_value, kind)


def test_danish_money_in_a_tile() -> None:
    tile = one(render(sample_agenda("da")), '#headline .tile[data-key="won_to_date"]')
    assert one(tile, ".tile-value").get_text() == "2.310.000\u00a0kr."


def test_script_deal_name_is_text(soup: BeautifulSoup, html: str) -> None:
    names = [text(td) for td in soup.select("#overdue-deals td.name")]
    assert SCRIPT_NAME in names
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert not any("alert(1)" in s.get_text() for s in soup.find_all("script"))


def test_script_elements_are_plotly_the_charts_and_the_page_scripts(
        soup: BeautifulSoup) -> None:
    scripts = soup.find_all("script")
    assert all(not s.get("src") for s in scripts)
    library = [s for s in scripts if PLOTLY_HEADER in s.get_text()]
    chart_calls = [s for s in scripts if "Plotly.newPlot" in s.get_text()]
    assert len(library) == 1
    assert len(chart_calls) == len(FIGURE_KEYS)
    page_scripts = ("print-fit", "open-folded", "chart-fit", "table-scroll", "print-open")
    assert len(scripts) == 1 + len(FIGURE_KEYS) + len(page_scripts)
    for name in page_scripts:  # a link opens a folded list; narrow charts; scrolling tables
        assert soup.select_one(f"script#{name}") is not None, name


def test_plotly_js_included_exactly_once(html: str) -> None:
    assert html.count(PLOTLY_HEADER) == 1


def test_account_with_ampersand_and_danish_letters(soup: BeautifulSoup) -> None:
    accounts = [text(td) for td in soup.select("#overdue-deals tbody td:nth-of-type(2)")]
    assert DANISH_ACCOUNT in accounts


def test_no_external_urls(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(src=True):
        assert not re.match(r"\s*(https?:)?//", attr(tag, "src")), tag
    for tag in soup.find_all(href=True):
        assert attr(tag, "href").startswith("#"), tag
    assert soup.find_all("link") == []
    assert soup.find_all("iframe") == []
    for style in soup.find_all("style"):
        assert "@import" not in style.get_text()
        assert "url(http" not in style.get_text()


def test_navigation_links_to_every_section(soup: BeautifulSoup) -> None:
    targets = [attr(a, "href") for a in soup.select("nav.agenda-nav a")]
    assert targets == ["#headline", "#targets", "#pipeline", "#sources", "#customers",
                       "#campaigns", "#data-notes", "#definitions"]
    for href in targets:
        assert soup.select_one(href) is not None


def test_what_the_figures_mean_closes_the_page(soup: BeautifulSoup, agenda: Agenda) -> None:
    """The definitions the PDF's appendix ends with (one partial for both), in the language."""
    t = labels(agenda.language)
    section = one(soup, "main > section#definitions")
    assert soup.select("main > section")[-1] is section
    assert text(one(section, "h2")) == t["section_definitions"]
    terms = [text(dt) for dt in section.select("dl > dt")]
    meanings = [text(dd) for dd in section.select("dl > dd")]
    assert t["term_weighted_pipeline"] in terms and t["term_stale"] in terms
    assert len(terms) == len(meanings) >= 19
    assert all(meanings)
    assert not (Path(__file__).parents[1] / "templates" / "pdf" / "_definitions.html").exists()


def test_every_chart_has_its_stable_div(soup: BeautifulSoup) -> None:
    for key in FIGURE_KEYS:
        div = soup.find(id=chart_div_id(key))
        assert div is not None, key
        assert "plotly-graph-div" in div["class"]


def test_targets_table_numbers(soup: BeautifulSoup, agenda: Agenda) -> None:
    fmt = Formatter(agenda.locale, agenda.currency)
    table = soup.select("#targets table.targets")[0]
    rows = table.select("tbody tr")
    assert len(rows) == len(agenda.targets.teams) + 1
    first = agenda.targets.teams[0]
    cells = [c.get_text() for c in rows[0].select("td")]
    assert cells[:4] == [fmt.money(first.target), fmt.money(first.won),
                         fmt.percent(first.attainment), fmt.percent(first.pace)]
    assert all("num" in td["class"] for td in rows[0].select("td"))
    assert "total" in rows[-1]["class"]


def test_long_lists_say_how_many_there_are(soup: BeautifulSoup, agenda: Agenda) -> None:
    p = agenda.pipeline
    stale = one(soup, "#stale-deals")
    assert len(stale.select("tbody tr")) == len(p.stale)
    assert text(stale.select_one(".shown-of")) == f"Showing {len(p.stale)} of {p.stale_count}."
    assert text(stale.select_one("h3 .count")).startswith(str(p.stale_count))
    overdue_values = [td.get_text() for td in soup.select("#overdue-deals tbody td.num")[::3]]
    fmt = Formatter(agenda.locale, agenda.currency)
    assert overdue_values == [fmt.money(d.value) for d in p.overdue]


def test_campaign_cards_say_what_sales_must_do(soup: BeautifulSoup, agenda: Agenda) -> None:
    cards = soup.select("#campaigns .card")
    assert len(cards) == len(agenda.campaigns.upcoming)
    for card, campaign in zip(cards, agenda.campaigns.upcoming, strict=True):
        assert text(card.select_one("h4")) == campaign.name
        actions = text(card.select_one(".sales-actions"))
        assert actions.endswith(campaign.sales_actions or labels("en")["no_sales_actions"])


def test_data_notes(soup: BeautifulSoup, agenda: Agenda) -> None:
    notes = agenda.data_notes
    rows = soup.select("#data-notes table.notes tbody tr")
    assert len(rows) == len(notes.notes)
    for row, note in zip(rows, notes.notes, strict=True):
        cells = [text(c) for c in row.find_all(["th", "td"])]
        assert cells[:3] == [note.table, str(note.count), NOTE_TEXTS[note.key]]
        assert cells[3] == (", ".join(note.examples) or "\u2013")
    counted = {text(r.th): text(r.select("td")[0]) for r in
               soup.select("#data-notes table.row-counts tbody tr")}
    assert counted == {k: f"{v:,}" for k, v in notes.row_counts.items()}
    freshness = text(soup.select_one("#data-notes .freshness"))
    assert "23 Nov 2026" in freshness and "1 day before the meeting" in freshness


def test_footer(soup: BeautifulSoup, agenda: Agenda) -> None:
    footer = text(soup.select_one("footer.page-footer"))
    assert agenda.company in footer
    assert "Q4 2026" in footer and agenda.quarter not in footer  # as English writes it
    assert "24 Nov 2026" in footer
    assert "report-builder" in footer


def test_logo_is_inlined(soup: BeautifulSoup, tmp_path: Path) -> None:
    img = one(soup, "header img.logo")
    assert attr(img, "src").startswith("data:image/svg+xml;base64,")
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    custom = one(render(sample_agenda(), RenderOptions(logo=png)), "header img.logo")
    assert attr(custom, "src").startswith("data:image/png;base64,")


def test_unsupported_logo(tmp_path: Path) -> None:
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a")
    with pytest.raises(OutputError, match="use an SVG, PNG or JPEG"):
        render(sample_agenda(), RenderOptions(logo=gif))


def test_user_partial_overrides_ours_by_name(tmp_path: Path, agenda: Agenda) -> None:
    (tmp_path / "_headline.html").write_text(
        '<section id="headline"><p class="mine">{{ agenda.company }}: '
        '{{ agenda.pipeline.overdue[1].name }} {{ agenda.targets.company.won|money }}</p>'
        '</section>', encoding="utf-8")
    soup = render(agenda, RenderOptions(templates=tmp_path))
    mine = soup.select_one("#headline p.mine")
    assert mine is not None
    assert text(mine) == f"{agenda.company}: {SCRIPT_NAME} €2,310,000"
    assert soup.select("#headline .tile") == []
    assert soup.select_one("#targets table.targets") is not None  # the rest is ours


def test_user_template_extends_default_and_changes_one_block(tmp_path: Path,
                                                            agenda: Agenda) -> None:
    (tmp_path / "report.html").write_text(
        '{% extends "default:report.html" %}\n'
        '{% block targets %}<section id="targets"><h2>{{ t("section_targets") }}</h2>'
        '<p class="mine">{{ agenda.targets.company.attainment|percent }}</p></section>'
        '{% endblock %}', encoding="utf-8")
    soup = render(agenda, RenderOptions(templates=tmp_path))
    assert text(soup.select_one("#targets p.mine")) == "48%"
    assert soup.select("#targets table") == []
    assert soup.select_one("#pipeline") is not None
    assert len(soup.select("#headline .tile")) == len(agenda.headline)


def test_a_user_template_edited_between_two_packs_is_read_again(tmp_path: Path,
                                                               agenda: Agenda) -> None:
    """Templates are compiled once per process (renderers/html.py CompiledTemplates), but a
    template whose text changed (edited while `serve` runs) is compiled again."""
    partial = tmp_path / "_headline.html"
    for words in ("first words", "second words"):
        partial.write_text(f'<section id="headline"><p class="mine">{words}</p></section>',
                           encoding="utf-8")
        assert text(render(agenda, RenderOptions(templates=tmp_path))
                    .select_one("#headline p.mine")) == words


def test_user_template_undefined_name_fails_loudly(tmp_path: Path, agenda: Agenda) -> None:
    (tmp_path / "_footer.html").write_text("{{ agenda.no_such_field }}", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        render(agenda, RenderOptions(templates=tmp_path))


def test_output_is_deterministic(agenda: Agenda, html: str) -> None:
    assert render_html(agenda, render_context(agenda)).decode("utf-8") == html
