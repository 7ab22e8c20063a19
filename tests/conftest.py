"""Shared fixtures: real model, real Chroma in tmp_path, a copy of the shipped corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bot  # noqa: F401  (sets the offline switches before any model library loads)
from bot.embedding import SentenceTransformerEmbedder
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = ROOT / "corpus"
SEED_SCHOOL_VS_CLINIC = "000_0cf32c824c74ae83.txt"
SEED_SCHOOLS = "001_b929a526930e0778.txt"


@pytest.fixture(autouse=True)
def _data_dirs_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the checkout: every data directory points into tmp_path."""
    monkeypatch.setenv("OTBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("OTBOT_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The real packaged all-MiniLM-L6-v2, loaded once per test session."""
    model = SentenceTransformerEmbedder()
    model.embed(["warm up"])
    return model


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the shipped corpus (the two seed articles and their metadata)."""
    target = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
