"""The one settings object: environment variables OTBOT_*, typed and checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _no_otbot_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: nothing from the shell running the tests (nor conftest's dirs)."""
    for name in list(os.environ):
        if name.upper().startswith("OTBOT_"):
            monkeypatch.delenv(name)


def test_defaults_need_no_environment_and_find_the_shipped_files_from_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.corpus_dir == Path("corpus") and settings.index_dir == Path(".otbot")
    assert settings.embedding_model == "" and settings.chroma_host == ""
    assert settings.relevance_floor == 0.5 and settings.retrieval_k == 8
    assert settings.prompts_dir == ROOT / "prompts"
    assert (settings.prompts_dir / "answer.toml").is_file()
    assert settings.question_bank.is_file()


def test_environment_values_are_read_into_typed_settings(monkeypatch: pytest.MonkeyPatch):
    values = {
        "OTBOT_CORPUS_DIR": "/srv/articles",
        "OTBOT_INDEX_DIR": "/srv/index",
        "OTBOT_CHROMA_HOST": "chroma.internal",
        "OTBOT_CHROMA_PORT": "9000",
        "OTBOT_RELEVANCE_FLOOR": "0.35",
        "OTBOT_RETRIEVAL_K": "10",
        "OTBOT_LLM_TIMEOUT": "2.5",
        "OTBOT_CORS_ORIGINS": "https://careers.example.com,https://example.org",
        "otbot_admin_user": "editor",  # names are not case-sensitive
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.corpus_dir == Path("/srv/articles")
    assert settings.index_dir == Path("/srv/index")
    assert (settings.chroma_host, settings.chroma_port) == ("chroma.internal", 9000)
    assert settings.relevance_floor == 0.35 and settings.retrieval_k == 10
    assert settings.llm_timeout == 2.5
    assert settings.cors_origins == "https://careers.example.com,https://example.org"
    assert settings.admin_user == "editor"


def test_values_given_in_code_win_over_the_environment(monkeypatch: pytest.MonkeyPatch):
    """What `--index DIR` relies on: the option beats OTBOT_INDEX_DIR."""
    monkeypatch.setenv("OTBOT_INDEX_DIR", "/from/env")
    monkeypatch.setenv("OTBOT_CORPUS_DIR", "/corpus/from/env")
    settings = Settings(index_dir=Path("/from/option"))
    assert settings.index_dir == Path("/from/option")
    assert settings.corpus_dir == Path("/corpus/from/env")


def test_unknown_otbot_variables_are_ignored(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OTBOT_SOMETHING_ELSE", "1")
    assert not hasattr(Settings(), "something_else")


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("OTBOT_CHROMA_PORT", "eight thousand", "chroma_port"),
        ("OTBOT_PORT", "0", "port"),
        ("OTBOT_PORT", "70000", "port"),
        ("OTBOT_RELEVANCE_FLOOR", "1.5", "relevance_floor"),
        ("OTBOT_RELEVANCE_FLOOR", "high", "relevance_floor"),
        ("OTBOT_CHUNK_MAX_WORDS", "500", "chunk_max_words"),
        ("OTBOT_RETRIEVAL_K", "0", "retrieval_k"),
        ("OTBOT_EMBED_BATCH_SIZE", "0", "embed_batch_size"),
        ("OTBOT_LLM_TIMEOUT", "0", "llm_timeout"),
        ("OTBOT_API_MAX_BODY_BYTES", "10", "api_max_body_bytes"),
        ("OTBOT_MAX_QUESTION_CHARS", "-1", "max_question_chars"),
    ],
)
def test_a_bad_value_is_an_error_naming_the_setting_and_the_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as error:
        Settings()
    (problem,) = error.value.errors()
    assert problem["loc"] == (field,)
    assert problem["input"] == value
    assert field in str(error.value) and value in str(error.value)


def test_every_setting_is_documented_and_has_a_default():
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert not field.is_required(), name


def test_a_chroma_port_out_of_range_is_an_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OTBOT_CHROMA_PORT", "70000")
    with pytest.raises(ValidationError, match="chroma_port"):
        Settings()


@pytest.mark.parametrize("variable", ["OTBOT_INDEX_DIR", "OTBOT_CORPUS_DIR"])
def test_an_empty_directory_setting_is_not_the_current_directory(
    monkeypatch: pytest.MonkeyPatch, variable: str
):
    monkeypatch.setenv(variable, "")
    try:
        settings = Settings()
    except ValidationError:
        return  # an error naming the setting is fine too
    assert Path(".") not in (settings.index_dir, settings.corpus_dir)
