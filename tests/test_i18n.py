"""Every language file has every label the templates and charts ask for, with the same fields."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from report_builder import i18n
from report_builder.i18n import (
    LANGUAGES,
    LOCALES,
    STARTER,
    labels,
    shown,
    starter_words,
    translator,
)
from report_builder.placeholders import NO_CHANNEL, NO_REASON
from report_builder.resources import templates_dir
from tests.sample_agenda import sample_agenda

# t('key') or t('key', name=...); a computed key like t('step_' ~ s.step) is checked below
T_CALL = re.compile(r"""(?<![\w.])t\(\s*['"]([^'"]+)['"]\s*[,)]""")
STEPS = ("lead", "mql", "sql", "opportunity", "quote", "won")
STATUSES = ("running", "starting", "ended")
# the keys and contexts the model puts in Agenda.headline
HEADLINE_KEYS = ("won_to_date", "attainment", "forecast", "gap", "coverage", "new_customers",
                 "meetings_booked", "target", "expected_by_now", "forecast_of_target",
                 "won_from_new_customers", "open_pipeline", "pace", "expected_to_date",
                 "new_customers_target", "meetings_target")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_languages_are_the_files_in_the_folder() -> None:
    assert tuple(sorted(p.stem for p in LOCALES.iterdir() if p.suffix == ".toml")) == LANGUAGES
    assert {"en", "da"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_the_same_keys_in_the_same_order(language: str) -> None:
    """Each file against the English one, so the files can be read side by side."""
    assert list(labels(language)) == list(labels("en"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_text(language: str) -> None:
    with (LOCALES / f"{language}.toml").open("rb") as file:
        table = tomllib.load(file)
    assert [k for k, v in table.items() if not isinstance(v, str)] == []
    assert table == labels(language)


def test_a_file_with_a_label_that_is_not_text_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "xx.toml").write_text('title = "Title"\n[section]\nname = "Name"\n',
                                      encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    monkeypatch.setattr(i18n, "LANGUAGES", ("xx",))
    i18n._table.cache_clear()
    try:
        with pytest.raises(ValueError, match="xx.toml: every label is text, written "
                                             'key = "..."; not text: section'):
            labels("xx")
    finally:
        i18n._table.cache_clear()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_label_is_empty(language: str) -> None:
    assert [k for k, v in labels(language).items() if not v.strip()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_between_languages(language: str) -> None:
    en, other = labels("en"), labels(language)
    assert {k: _fields(v) for k, v in other.items()} == {k: _fields(v) for k, v in en.items()}


def test_every_language_has_the_starter_words_with_the_same_keys_and_fields() -> None:
    """locales/starter/ holds one file per language of the pack, each with the English keys in
    the English order and the same {fields} per key."""
    assert tuple(sorted(p.stem for p in (LOCALES / STARTER).glob("*.toml"))) == LANGUAGES
    english = starter_words("en")
    for language in LANGUAGES:
        words = starter_words(language)
        assert list(words) == list(english), language
        assert {k: _fields(v) for k, v in words.items()} == \
            {k: _fields(v) for k, v in english.items()}, language
    assert starter_words("fr") == english  # a language without words gets English


def test_every_key_the_templates_use_exists() -> None:
    used: set[str] = set()
    for path in sorted(templates_dir().rglob("*.html")):
        used |= set(T_CALL.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 50
    for language in LANGUAGES:
        assert sorted(used - set(labels(language))) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_dynamic_keys_exist(language: str) -> None:
    table = labels(language)
    dynamic = [f"step_{s}" for s in STEPS] + [f"status_{s}" for s in STATUSES]
    assert [k for k in (*dynamic, *HEADLINE_KEYS) if k not in table] == []
    agenda = sample_agenda(language)
    for figure in agenda.headline:
        assert figure.key in table
        assert figure.context is None or figure.context in table


def test_t_fills_values_and_raises_on_a_missing_key() -> None:
    t = translator("da")
    assert t("showing_n_of_total", shown="3", total="23") == "Viser 3 af 23."
    with pytest.raises(KeyError, match="no_such_label"):
        t("no_such_label")


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="no labels for language 'sv'"):
        labels("sv")


def test_model_placeholders_are_translated() -> None:
    assert shown(NO_CHANNEL, "da") == labels("da")["no_channel"]
    assert shown(NO_REASON, "en") == labels("en")["no_reason"]
    assert shown("Events", "da") == "Events"
    assert shown(None, "en") is None
