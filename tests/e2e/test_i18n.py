"""Every label and message the page uses exists in Chinese and in English."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


MESSAGE_FILES = [ROOT / "static/js/i18n.js", *sorted((ROOT / "static/js/messages").glob("*.js"))]


def keys_in(source: str, language: str) -> list[str]:
    start = source.index(f"  {language}: {{")
    end = source.index("\n  },", start)
    # a key starts a line or follows the previous entry's closing quote and comma (not "word: " inside a text)
    return re.findall(r"(?:^\s+|\",\s*)(\w+):\s*\"", source[start:end], flags=re.MULTILINE)


def dictionary_keys(_source: str, language: str) -> set[str]:
    """Every key of ``language``: i18n.js's own table and each part's in static/js/messages/."""
    return {key for path in MESSAGE_FILES for key in keys_in(path.read_text(), language)}


def used_keys() -> set[str]:
    keys = set()
    for template in (ROOT / "templates").glob("*.html"):  # every page's labels, the classroom's too
        keys |= set(re.findall(r'data-i18n(?:-title|-label|-placeholder)?="(\w+)"', template.read_text()))
    for path in (ROOT / "static/js").rglob("*.js"):
        text = path.read_text()
        keys |= set(re.findall(r'\bt\("(\w+)"', text))
        keys |= set(re.findall(r'"(pair_\w+)"', text))
    return keys


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_used_key_is_translated(language):
    source = (ROOT / "static/js/i18n.js").read_text()
    missing = used_keys() - dictionary_keys(source, language)
    assert not missing, f"{language} lacks {sorted(missing)}"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_key_is_defined_twice(language):
    keys = [key for path in MESSAGE_FILES for key in keys_in(path.read_text(), language)]
    assert len(keys) == len(set(keys)), sorted({key for key in keys if keys.count(key) > 1})


def test_every_message_file_is_merged():
    source = (ROOT / "static/js/i18n.js").read_text()
    for path in MESSAGE_FILES[1:]:
        assert f'from "./messages/{path.name}"' in source, path.name


def test_both_languages_have_the_same_keys():
    source = (ROOT / "static/js/i18n.js").read_text()
    assert dictionary_keys(source, "en") == dictionary_keys(source, "zh")


def test_every_dataset_and_optimizer_has_a_name_in_both_languages():
    from app.web import catalogue

    source = (ROOT / "static/js/i18n.js").read_text()
    described = catalogue.describe()
    needed = {f"ds_{d['name']}" for d in described["datasets"]}
    needed |= {o["name"] for o in described["optimizers"]} | {r["name"] for r in described["regularizers"]}
    for language in ("en", "zh"):
        assert needed <= dictionary_keys(source, language), language


def test_every_lesson_condition_has_words_in_both_languages():
    from app.host.lesson_checks import CONDITIONS

    source = (ROOT / "static/js/i18n.js").read_text()
    for language in ("en", "zh"):
        assert {f"cond_{kind}" for kind in CONDITIONS} <= dictionary_keys(source, language), language
