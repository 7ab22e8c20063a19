"""otbot against a real Chroma server (`chroma run`) on loopback instead of the embedded store."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.service import Bot
from bot.settings import Settings
from tests.conftest import free_port


@pytest.fixture
def chroma_server(tmp_path: Path):
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("chroma run did not start")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.slow
def test_ingest_and_answer_through_a_chroma_server(
    chroma_server: int, corpus: Path, tmp_path: Path, embedder
):
    settings = Settings(
        corpus_dir=corpus,
        index_dir=tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
    )
    bot = Bot(settings, embedder)
    first = bot.ingest(show_progress=False)
    assert first.added == first.chunks > 0
    assert not (tmp_path / "data" / "chroma").exists()  # vectors live in the server

    again = Bot(settings, embedder).ingest(show_progress=False)
    assert again.added == 0 and again.unchanged == first.chunks

    answer = Bot(settings, embedder).ask("Do school OTs get summers off?")
    assert not answer.refused and any("summers off" in c.quote for c in answer.citations)
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


@pytest.mark.slow
def test_app_processes_sharing_a_server_reload_after_one_ingests(
    chroma_server: int, corpus: Path, tmp_path: Path, embedder
):
    from tests.conftest import SEED_SCHOOLS

    def settings(folder: str) -> Settings:
        return Settings(
            corpus_dir=corpus,
            index_dir=tmp_path / folder,
            chroma_host="127.0.0.1",
            chroma_port=chroma_server,
        )

    answering, ingesting = Bot(settings("a"), embedder), Bot(settings("b"), embedder)
    ingesting.ingest(show_progress=False)
    answering.reload_check_seconds = 0.0
    question = "Why is demand for school OT growing?"  # answered from SEED_SCHOOLS alone
    assert SEED_SCHOOLS in {c.source for c in answering.ask(question).citations}

    for path in corpus.glob(SEED_SCHOOLS.split(".")[0] + ".*"):
        path.unlink()
    ingesting.ingest(show_progress=False)

    assert SEED_SCHOOLS not in {c.source for c in answering.ask(question).citations}
