"""Shared fixtures: real model, real Chroma in tmp_path, a copy of the shipped corpus."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

import bot  # noqa: F401  (sets the offline switches before any model library loads)
from bot.ingest.embedding import SentenceTransformerEmbedder
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = ROOT / "corpus"
# One upload folder for the whole session: an app started by a fixture checks uploads against it.
os.environ.setdefault("GRADIO_TEMP_DIR", str(Path(tempfile.gettempdir()) / "otbot-gradio"))
SEED_SCHOOL_VS_CLINIC = "000_0cf32c824c74ae83.txt"
SEED_SCHOOLS = "001_b929a526930e0778.txt"


@pytest.fixture(autouse=True)
def _data_dirs_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the checkout: every data directory points into tmp_path."""
    monkeypatch.setenv("OTBOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("OTBOT_CORPUS_DIR", str(tmp_path / "corpus"))


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


@pytest.fixture(scope="session")
def seed_bot(tmp_path_factory: pytest.TempPathFactory, embedder):
    """A Bot over the shipped corpus, indexed once for the session (real model, real Chroma)."""
    from bot.service import Bot

    root = tmp_path_factory.mktemp("seed")
    target = root / "corpus"
    shutil.copytree(SHIPPED_CORPUS, target)
    seeded = Bot(Settings(corpus_dir=target, index_dir=root / "index"), embedder)
    seeded.ingest(show_progress=False)
    return seeded


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_eval_items() -> list[dict]:
    import json

    path = ROOT / "evals" / "questions.jsonl"
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def history_of(item: dict):
    from bot.answer.rewriting import history_from

    return history_from(item.get("history"))
